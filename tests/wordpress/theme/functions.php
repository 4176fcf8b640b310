<?php
/**
 * The test theme turns off WordPress's curly quotes, as many sites do: wptexturize would otherwise rewrite the
 * quotes around the hostile shortcode attribute before the shortcode runs, and the markup the test sends
 * would never reach the plugin.
 *
 * @package CCIN_Test_Theme
 */

add_filter( 'run_wptexturize', '__return_false' );
