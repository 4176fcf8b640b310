<?php
/**
 * Deleting the plugin removes its one option.
 *
 * @package CCIN_Search
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

delete_option( 'ccin_search_options' );
