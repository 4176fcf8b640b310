/* The CCIN Search block in the editor: plain JavaScript, no build step. The block is dynamic (PHP renders it,
 * like the [ccin_search] shortcode), so the editor shows a summary and the sidebar edits the attributes. */
( function ( wp ) {
	'use strict';
	const el = wp.element.createElement;
	const __ = wp.i18n.__;
	const { InspectorControls, useBlockProps } = wp.blockEditor;
	const { PanelBody, TextControl, RangeControl, SelectControl, Placeholder } = wp.components;

	// The network's ten principles, by id (kb/principles.py).
	const PRINCIPLES = [
		'Social partnership',
		'Democratic engagement',
		'Co-production',
		'Enterprise and social economy',
		'Maximising social value',
		'Community leadership and a new role for councillors',
		'New models of meeting priority needs',
		'Innovation',
		'Learning',
		'Walking the talk',
	];
	const HEX = /^#([0-9a-f]{3}){1,2}$/i;

	function colourControl( label, value, onChange ) {
		return el( TextControl, {
			label,
			value: value || '',
			placeholder: '#0f766e',
			help: value && ! HEX.test( value ) ? __( 'Not a hex colour: it will be ignored.', 'ccin-search' ) : undefined,
			onChange,
		} );
	}

	function Edit( { attributes, setAttributes } ) {
		const set = ( name ) => ( value ) => setAttributes( { [ name ]: value } );
		const number = ( name ) => ( value ) => setAttributes( { [ name ]: value ? Number( value ) : undefined } );
		const principles = [ { label: __( 'Any (show the chips)', 'ccin-search' ), value: '' } ].concat(
			PRINCIPLES.map( ( label, i ) => ( { label: `${ i + 1 }. ${ label }`, value: String( i + 1 ) } ) )
		);
		const sidebar = el(
			InspectorControls,
			null,
			el(
				PanelBody,
				{ title: __( 'Search', 'ccin-search' ) },
				el( RangeControl, { label: __( 'Results per page', 'ccin-search' ), min: 1, max: 50, value: attributes.k, onChange: number( 'k' ), allowReset: true } ),
				el( SelectControl, { label: __( 'Principle', 'ccin-search' ), value: attributes.principle ? String( attributes.principle ) : '', options: principles, onChange: number( 'principle' ) } ),
				el( TextControl, { label: __( 'Placeholder', 'ccin-search' ), value: attributes.placeholder, onChange: set( 'placeholder' ) } ),
				el( TextControl, { label: __( 'Council', 'ccin-search' ), value: attributes.council, onChange: set( 'council' ) } ),
				el( TextControl, {
					label: __( 'API address', 'ccin-search' ),
					type: 'url',
					value: attributes.api,
					help: __( 'Empty for the site setting. Another address is used only if Settings → CCIN Search allows it.', 'ccin-search' ),
					onChange: set( 'api' ),
				} )
			),
			el(
				PanelBody,
				{ title: __( 'Colours', 'ccin-search' ), initialOpen: false },
				colourControl( __( 'Accent', 'ccin-search' ), attributes.accent, set( 'accent' ) ),
				colourControl( __( 'Background', 'ccin-search' ), attributes.background, set( 'background' ) ),
				colourControl( __( 'Text', 'ccin-search' ), attributes.text, set( 'text' ) )
			)
		);
		const summary = [
			attributes.k ? `${ attributes.k } ${ __( 'results per page', 'ccin-search' ) }` : '',
			attributes.principle ? PRINCIPLES[ attributes.principle - 1 ] : '',
			attributes.council || '',
		].filter( Boolean ).join( ' · ' );
		return el(
			'div',
			useBlockProps(),
			sidebar,
			el( Placeholder, {
				icon: 'search',
				label: __( 'CCIN Search', 'ccin-search' ),
				instructions: summary || __( 'The search box appears here on the published page.', 'ccin-search' ),
			} )
		);
	}

	wp.blocks.registerBlockType( 'ccin/search', { edit: Edit, save: () => null } );
} )( window.wp );
