<?php
/**
 * The one renderer behind the shortcode and the block: checked attributes in, one <ccin-search> element out,
 * with the widget script queued for this page only.
 *
 * @package CCIN_Search
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** Theme colours: attribute name => the widget's CSS custom property. */
const CCIN_SEARCH_COLOURS = array(
	'accent'     => '--ccin-accent',
	'background' => '--ccin-bg',
	'text'       => '--ccin-fg',
);

/**
 * The widget element for the given shortcode or block attributes. Unknown attributes and invalid values are
 * dropped (the settings' defaults apply instead); every value printed is escaped.
 *
 * @param array $atts Attributes: api, k, principle, placeholder, council, accent, background, text.
 * @return string
 */
function ccin_search_render( array $atts ) {
	$options = ccin_search_options();
	$atts    = array_change_key_case( $atts, CASE_LOWER );

	$api = ccin_search_api( isset( $atts['api'] ) ? $atts['api'] : '', $options['api'] );
	if ( '' === $api ) {
		if ( current_user_can( 'manage_options' ) ) {
			return '<p class="ccin-search-unconfigured">'
				. esc_html__( 'CCIN Search: set the API address under Settings → CCIN Search.', 'ccin-search' )
				. '</p>';
		}
		return '';
	}

	$element = array( 'api' => $api );

	$k = isset( $atts['k'] ) ? ccin_search_clean_int( $atts['k'], 1, 50 ) : null;
	if ( null === $k ) {
		$k = ccin_search_clean_int( $options['k'], 1, 50 );
	}
	if ( null !== $k ) {
		$element['k'] = (string) $k;
	}

	$principle = isset( $atts['principle'] ) ? ccin_search_clean_int( $atts['principle'], 1, 10 ) : null;
	if ( null !== $principle ) {
		$element['principle'] = (string) $principle;
	}

	$placeholder = isset( $atts['placeholder'] ) ? ccin_search_clean_text( $atts['placeholder'] ) : '';
	if ( '' === $placeholder ) {
		$placeholder = ccin_search_clean_text( $options['placeholder'] );
	}
	if ( '' !== $placeholder ) {
		$element['placeholder'] = $placeholder;
	}

	$council = isset( $atts['council'] ) ? ccin_search_clean_text( $atts['council'] ) : '';
	if ( '' !== $council ) {
		$element['council'] = $council;
	}

	$style = array();
	foreach ( CCIN_SEARCH_COLOURS as $name => $property ) {
		$colour = isset( $atts[ $name ] ) ? ccin_search_clean_colour( $atts[ $name ] ) : '';
		if ( '' === $colour ) {
			$colour = ccin_search_clean_colour( $options[ $name ] );
		}
		if ( '' !== $colour ) {
			$style[] = $property . ':' . $colour;
		}
	}
	if ( $style ) {
		$element['style'] = implode( ';', $style );
	}

	ccin_search_enqueue( $api );

	$html = '<ccin-search';
	foreach ( $element as $name => $value ) {
		$html .= ' ' . $name . '="' . ( 'api' === $name ? esc_url( $value ) : esc_attr( $value ) ) . '"';
	}
	return $html . '></ccin-search>';
}

/**
 * The API address one widget uses: the settings' address, or the attribute's when it names that same address
 * or one of the settings' other allowed addresses. Any other address is refused, because the page loads
 * `{api}/widget.js`: an author must not be able to make it load script from an arbitrary site.
 *
 * @param mixed  $requested The attribute's value ('' for none).
 * @param string $default   The settings' address.
 * @return string
 */
function ccin_search_api( $requested, $default ) {
	$default   = ccin_search_clean_url( $default );
	$requested = ccin_search_clean_url( $requested );
	if ( '' === $requested || $requested === $default ) {
		return $default;
	}
	return in_array( $requested, ccin_search_allowed_apis(), true ) ? $requested : $default;
}

/**
 * The other API addresses an author may choose (Settings → CCIN Search, one per line).
 *
 * @return string[]
 */
function ccin_search_allowed_apis() {
	$lines = (string) ccin_search_options()['others'];
	return array_values( array_filter( array_map( 'ccin_search_clean_url', preg_split( '/\R/', $lines ) ) ) );
}

/**
 * Queue `{api}/widget.js` (deferred, in the footer) for the page being rendered, once per address.
 *
 * @param string $api A checked http(s) address.
 */
function ccin_search_enqueue( $api ) {
	$handle = 'ccin-search-widget-' . substr( md5( $api ), 0, 10 );
	if ( ! wp_script_is( $handle, 'enqueued' ) ) {
		// The array form gives `defer` from WordPress 6.3; ccin_search_defer_tag adds it on older versions.
		wp_enqueue_script( $handle, $api . '/widget.js', array(), null, array( 'in_footer' => true, 'strategy' => 'defer' ) ); // phpcs:ignore WordPress.WP.EnqueuedResourceParameters.MissingVersion -- the service versions its own script.
	}
}

/**
 * Add `defer` to the widget's script tag where WordPress did not (versions before 6.3).
 *
 * @param string $tag    The script tag.
 * @param string $handle Its handle.
 * @return string
 */
function ccin_search_defer_tag( $tag, $handle ) {
	if ( 0 !== strpos( $handle, 'ccin-search-widget-' ) || preg_match( '/\sdefer[\s=>]/', $tag ) ) {
		return $tag;
	}
	return preg_replace( '/<script(?=\s)/', '<script defer', $tag, 1 );
}
