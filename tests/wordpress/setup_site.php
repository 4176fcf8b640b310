<?php
/**
 * Install the test WordPress site from the command line: the admin, an Author, the plugin activated with the
 * API address set, and the posts the tests open. Prints the posts' addresses as JSON.
 *
 * php -d auto_prepend_file=PREPEND setup_site.php SITE_URL ADMIN_PASSWORD API_URL
 */

[ , $site_url, $admin_password, $api_url ] = $argv;

define( 'WP_INSTALLING', true );
require_once ABSPATH . 'wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

$installed = wp_install( 'Co-operative Councils', 'admin', 'admin@example.org', false, '', wp_slash( $admin_password ) );
if ( is_wp_error( $installed ) || empty( $installed['user_id'] ) ) {
	fwrite( STDERR, "wp_install failed\n" );
	exit( 1 );
}
$admin_id = (int) $installed['user_id'];

switch_theme( 'ccin-test' );
$activated = activate_plugin( 'ccin-search/ccin-search.php' );
if ( is_wp_error( $activated ) ) {
	fwrite( STDERR, 'activate_plugin: ' . $activated->get_error_message() . "\n" );
	exit( 1 );
}
update_option( 'ccin_search_options', array( 'api' => $api_url ) );

$author_id = wp_insert_user(
	array(
		'user_login' => 'author',
		'user_pass'  => wp_generate_password( 24 ),
		'user_email' => 'author@example.org',
		'role'       => 'author',
	)
);
if ( is_wp_error( $author_id ) ) {
	fwrite( STDERR, 'wp_insert_user: ' . $author_id->get_error_message() . "\n" );
	exit( 1 );
}

/**
 * Publish a post as the given user, through the same content filters the editor applies for them.
 */
function ccin_test_post( $user_id, $title, $content ) {
	wp_set_current_user( $user_id );  // fires kses_init: an Author's content is filtered, an admin's is not
	$id = wp_insert_post(
		wp_slash(
			array(
				'post_title'   => $title,
				'post_content' => $content,
				'post_status'  => 'publish',
				'post_type'    => 'post',
				'post_author'  => $user_id,
			)
		),
		true
	);
	if ( is_wp_error( $id ) ) {
		fwrite( STDERR, 'wp_insert_post: ' . $id->get_error_message() . "\n" );
		exit( 1 );
	}
	return array(
		'id'      => $id,
		'url'     => get_permalink( $id ),
		'content' => get_post_field( 'post_content', $id, 'raw' ),
	);
}

wp_set_current_user( $author_id );
$author_filtered = ! current_user_can( 'unfiltered_html' );

$posts = array(
	'shortcode' => ccin_test_post( $author_id, 'Search with the shortcode', "<p>Find what councils have tried.</p>\n[ccin_search k=\"4\" placeholder=\"Search council reports\" accent=\"#3d1f5c\"]" ),
	'block'     => ccin_test_post( $author_id, 'Search with the block', "<!-- wp:paragraph -->\n<p>Find what councils have tried.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:ccin/search {\"k\":3} /-->" ),
	'colours'   => ccin_test_post( $author_id, 'Colours', '[ccin_search accent="red" background="#12345z" text="#336699" onclick="alert(1)" principle="11" k="many" api="http://evil.example"]' ),
	'plain'     => ccin_test_post( $author_id, 'No search here', '<p>A post without the search box.</p>' ),
	// Written by the admin (unfiltered_html), so the markup reaches the shortcode intact: only the plugin's
	// escaping stands between it and the page.
	'hostile'   => ccin_test_post( $admin_id, 'Hostile placeholder', "[ccin_search placeholder='\"><script>window.__pwned=1</script>' council='<img src=x onerror=window.__pwned=2>']" ),
);

echo wp_json_encode(
	array(
		'posts'           => $posts,
		'author_filtered' => $author_filtered,
	)
);
