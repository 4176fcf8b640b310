<?php
/**
 * The plugin's one option (an array) and the checks every value passes before it is stored or printed.
 *
 * @package CCIN_Search
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The stored settings, with defaults for anything missing.
 *
 * @return array{api: string, k: int, placeholder: string, accent: string, background: string, text: string, others: string}
 */
function ccin_search_options() {
	$defaults = array(
		'api'         => '',
		'k'           => 5,
		'placeholder' => '',
		'accent'      => '',
		'background'  => '',
		'text'        => '',
		'others'      => '',
	);
	$stored   = get_option( CCIN_SEARCH_OPTION, array() );
	return array_merge( $defaults, is_array( $stored ) ? array_intersect_key( $stored, $defaults ) : array() );
}

/**
 * An http(s) address without a trailing slash, or '' when the value is not one (javascript:, ftp:, no host).
 *
 * @param mixed $value Candidate address.
 * @return string
 */
function ccin_search_clean_url( $value ) {
	if ( ! is_string( $value ) ) {
		return '';
	}
	$value = trim( $value );
	if ( '' === $value || preg_match( '/[\s<>"\'`]/', $value ) ) {
		return '';
	}
	$parts = wp_parse_url( $value );
	if ( ! is_array( $parts ) || empty( $parts['host'] ) || empty( $parts['scheme'] ) ) {
		return '';
	}
	if ( ! in_array( strtolower( $parts['scheme'] ), array( 'http', 'https' ), true ) ) {
		return '';
	}
	if ( isset( $parts['query'] ) || isset( $parts['fragment'] ) || isset( $parts['user'] ) ) {
		return '';
	}
	$clean = esc_url_raw( $value, array( 'http', 'https' ) );
	return '' === $clean ? '' : untrailingslashit( $clean );
}

/**
 * A whole number within [min, max], or null when the value is not one.
 *
 * @param mixed $value Candidate number.
 * @param int   $min   Smallest allowed.
 * @param int   $max   Largest allowed.
 * @return int|null
 */
function ccin_search_clean_int( $value, $min, $max ) {
	if ( is_int( $value ) ) {
		$number = $value;
	} elseif ( is_string( $value ) && preg_match( '/^\s*\d{1,4}\s*$/', $value ) ) {
		$number = absint( $value );
	} elseif ( is_float( $value ) && floor( $value ) === $value ) {
		$number = (int) $value;
	} else {
		return null;
	}
	return ( $number >= $min && $number <= $max ) ? $number : null;
}

/**
 * One line of text, at most 200 characters; '' when nothing is left. Markup is kept as text: it is escaped
 * where it is printed, so a placeholder such as "Search <councils>" shows exactly that.
 *
 * @param mixed $value Candidate text.
 * @return string
 */
function ccin_search_clean_text( $value ) {
	if ( ! is_string( $value ) && ! is_int( $value ) ) {
		return '';
	}
	$text = wp_check_invalid_utf8( (string) $value );
	$text = preg_replace( '/[\x00-\x1F\x7F]+/', ' ', $text );
	return mb_substr( trim( preg_replace( '/ {2,}/', ' ', $text ) ), 0, 200 );
}

/**
 * A #rgb or #rrggbb colour, or '' for anything else.
 *
 * @param mixed $value Candidate colour.
 * @return string
 */
function ccin_search_clean_colour( $value ) {
	if ( ! is_string( $value ) ) {
		return '';
	}
	$colour = sanitize_hex_color( trim( $value ) );
	return is_string( $colour ) ? $colour : '';
}
