<?php
/**
 * The editor script's dependencies (what a build step would generate; this plugin has none).
 *
 * @package CCIN_Search
 */

return array(
	'dependencies' => array( 'wp-blocks', 'wp-block-editor', 'wp-components', 'wp-element', 'wp-i18n' ),
	'version'      => '1.0.0',
);
