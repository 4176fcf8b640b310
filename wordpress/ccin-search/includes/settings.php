<?php
/**
 * Settings → CCIN Search: the API address and the defaults every widget on the site starts from.
 *
 * @package CCIN_Search
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

add_action( 'admin_init', 'ccin_search_register_settings' );
add_action( 'admin_menu', 'ccin_search_add_settings_page' );

/** The page's fields: option key => label and input type. */
const CCIN_SEARCH_FIELDS = array(
	'api'         => array( 'API address', 'url' ),
	'others'      => array( 'Other allowed API addresses', 'lines' ),
	'k'           => array( 'Results per page', 'number' ),
	'placeholder' => array( 'Placeholder text', 'text' ),
	'accent'      => array( 'Accent colour', 'colour' ),
	'background'  => array( 'Background colour', 'colour' ),
	'text'        => array( 'Text colour', 'colour' ),
);

/**
 * Register the option with its sanitiser, and the page's one section of fields.
 */
function ccin_search_register_settings() {
	register_setting(
		'ccin_search',
		CCIN_SEARCH_OPTION,
		array(
			'type'              => 'array',
			'sanitize_callback' => 'ccin_search_sanitize_options',
			'default'           => array(),
		)
	);
	add_settings_section( 'ccin_search_main', __( 'Search service', 'ccin-search' ), 'ccin_search_section_intro', 'ccin-search' );
	foreach ( CCIN_SEARCH_FIELDS as $key => $field ) {
		add_settings_field(
			'ccin_search_' . $key,
			esc_html( $field[0] ),
			'ccin_search_field',
			'ccin-search',
			'ccin_search_main',
			array(
				'key'       => $key,
				'type'      => $field[1],
				'label_for' => 'ccin_search_' . $key,
			)
		);
	}
}

/**
 * Add the page under Settings.
 */
function ccin_search_add_settings_page() {
	add_options_page(
		__( 'CCIN Search', 'ccin-search' ),
		__( 'CCIN Search', 'ccin-search' ),
		'manage_options',
		'ccin-search',
		'ccin_search_settings_page'
	);
}

/**
 * The text above the fields.
 */
function ccin_search_section_intro() {
	echo '<p>' . esc_html__( 'The address where the CCIN Knowledge Base service runs (the one that serves /widget.js), and the defaults each [ccin_search] shortcode or CCIN Search block uses unless it sets its own. The service must list this site\'s address in CCIN_CORS_ORIGINS.', 'ccin-search' ) . '</p>';
}

/**
 * One field, filled with the stored value.
 *
 * @param array $args The field's key and type.
 */
function ccin_search_field( $args ) {
	$options = ccin_search_options();
	$key     = $args['key'];
	$id      = 'ccin_search_' . $key;
	$name    = CCIN_SEARCH_OPTION . '[' . $key . ']';
	$value   = (string) $options[ $key ];
	switch ( $args['type'] ) {
		case 'url':
			printf(
				'<input type="url" class="regular-text code" id="%1$s" name="%2$s" value="%3$s" placeholder="https://search.example.org"><p class="description">%4$s</p>',
				esc_attr( $id ),
				esc_attr( $name ),
				esc_attr( $value ),
				esc_html__( 'An http:// or https:// address, without a path to a page.', 'ccin-search' )
			);
			break;
		case 'lines':
			printf(
				'<textarea class="large-text code" rows="3" id="%1$s" name="%2$s">%3$s</textarea><p class="description">%4$s</p>',
				esc_attr( $id ),
				esc_attr( $name ),
				esc_textarea( $value ),
				esc_html__( 'One address per line that a shortcode or block may choose with its api attribute. Any other address is ignored.', 'ccin-search' )
			);
			break;
		case 'number':
			printf(
				'<input type="number" class="small-text" min="1" max="50" step="1" id="%1$s" name="%2$s" value="%3$s">',
				esc_attr( $id ),
				esc_attr( $name ),
				esc_attr( $value )
			);
			break;
		case 'colour':
			printf(
				'<input type="text" class="small-text code" pattern="#([0-9a-fA-F]{3}){1,2}" id="%1$s" name="%2$s" value="%3$s" placeholder="#0f766e"><p class="description">%4$s</p>',
				esc_attr( $id ),
				esc_attr( $name ),
				esc_attr( $value ),
				esc_html__( 'A hex colour such as #0f766e; empty for the widget\'s own.', 'ccin-search' )
			);
			break;
		default:
			printf(
				'<input type="text" class="regular-text" id="%1$s" name="%2$s" value="%3$s">',
				esc_attr( $id ),
				esc_attr( $name ),
				esc_attr( $value )
			);
	}
}

/**
 * Check a submitted form. An invalid value is refused with a message naming it, and the stored value is kept,
 * so a slip never wipes a working address.
 *
 * @param mixed $input The submitted values.
 * @return array
 */
function ccin_search_sanitize_options( $input ) {
	$old   = ccin_search_options();
	$input = is_array( $input ) ? wp_unslash( $input ) : array();
	$clean = $old;

	if ( isset( $input['api'] ) ) {
		$raw = trim( (string) $input['api'] );
		$api = ccin_search_clean_url( $raw );
		if ( '' === $raw || '' !== $api ) {
			$clean['api'] = $api;
		} else {
			ccin_search_refuse( 'api', __( 'The API address must be an http:// or https:// address; the previous address was kept.', 'ccin-search' ) );
		}
	}

	if ( isset( $input['others'] ) ) {
		$lines = array_filter( array_map( 'trim', preg_split( '/\R/', (string) $input['others'] ) ) );
		$good  = array_filter( array_map( 'ccin_search_clean_url', $lines ) );
		if ( count( $good ) === count( $lines ) ) {
			$clean['others'] = implode( "\n", array_unique( $good ) );
		} else {
			ccin_search_refuse( 'others', __( 'Every other allowed API address must be an http:// or https:// address; the previous list was kept.', 'ccin-search' ) );
		}
	}

	if ( isset( $input['k'] ) ) {
		$k = '' === trim( (string) $input['k'] ) ? 5 : ccin_search_clean_int( $input['k'], 1, 50 );
		if ( null !== $k ) {
			$clean['k'] = $k;
		} else {
			ccin_search_refuse( 'k', __( 'Results per page must be a whole number from 1 to 50; the previous value was kept.', 'ccin-search' ) );
		}
	}

	if ( isset( $input['placeholder'] ) ) {
		$clean['placeholder'] = ccin_search_clean_text( $input['placeholder'] );
	}

	foreach ( array_keys( CCIN_SEARCH_COLOURS ) as $name ) {
		if ( ! isset( $input[ $name ] ) ) {
			continue;
		}
		$raw    = trim( (string) $input[ $name ] );
		$colour = ccin_search_clean_colour( $raw );
		if ( '' === $raw || '' !== $colour ) {
			$clean[ $name ] = $colour;
		} else {
			/* translators: %s: the field's label. */
			ccin_search_refuse( $name, sprintf( __( '%s must be a hex colour such as #0f766e; the previous value was kept.', 'ccin-search' ), CCIN_SEARCH_FIELDS[ $name ][0] ) );
		}
	}
	return $clean;
}

/**
 * Show an error notice for one field on the next page load.
 *
 * @param string $key     The field.
 * @param string $message What was wrong.
 */
function ccin_search_refuse( $key, $message ) {
	add_settings_error( CCIN_SEARCH_OPTION, 'ccin-search-' . $key, $message, 'error' );
}

/**
 * The settings page.
 */
function ccin_search_settings_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	echo '<div class="wrap"><h1>' . esc_html( get_admin_page_title() ) . '</h1><form action="options.php" method="post">';
	settings_fields( 'ccin_search' );
	do_settings_sections( 'ccin-search' );
	submit_button();
	echo '</form></div>';
}
