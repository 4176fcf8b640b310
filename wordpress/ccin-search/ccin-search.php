<?php
/**
 * Plugin Name:       CCIN Search
 * Description:       Embeds the CCIN Knowledge Base search widget with a [ccin_search] shortcode or the "CCIN Search" block.
 * Version:           1.0.0
 * Requires at least: 6.1
 * Requires PHP:      7.4
 * Author:            Co-operative Councils Innovation Network
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       ccin-search
 *
 * @package CCIN_Search
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'CCIN_SEARCH_VERSION', '1.0.0' );
define( 'CCIN_SEARCH_OPTION', 'ccin_search_options' );

require_once __DIR__ . '/includes/options.php';
require_once __DIR__ . '/includes/render.php';
require_once __DIR__ . '/includes/settings.php';

add_shortcode( 'ccin_search', 'ccin_search_shortcode' );
add_action( 'init', 'ccin_search_register_block' );
add_filter( 'script_loader_tag', 'ccin_search_defer_tag', 10, 2 );

/**
 * The shortcode: [ccin_search k="3" principle="5" placeholder="…" council="…" accent="#0f766e"].
 *
 * @param array|string $atts Shortcode attributes (a string when the shortcode has none).
 * @return string
 */
function ccin_search_shortcode( $atts ) {
	return ccin_search_render( is_array( $atts ) ? $atts : array() );
}

/**
 * The dynamic block: its attributes are declared in block/block.json and rendered by the same function as the
 * shortcode, so both give the same markup.
 */
function ccin_search_register_block() {
	register_block_type(
		__DIR__ . '/block',
		array( 'render_callback' => 'ccin_search_render_block' )
	);
}

/**
 * Render callback of the block.
 *
 * @param array $attributes Block attributes.
 * @return string
 */
function ccin_search_render_block( $attributes ) {
	$html = ccin_search_render( is_array( $attributes ) ? $attributes : array() );
	// The wrapper carries the block's alignment and any extra CSS class chosen in the editor.
	return '' === $html ? '' : '<div ' . get_block_wrapper_attributes() . '>' . $html . '</div>';
}
