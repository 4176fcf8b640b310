"""HTML → blocks: furniture dropped, headings by tag level, list items, table rows, whitespace collapsed;
deep nesting walked without recursion, flattened past the depth cap, in work linear in the page's size."""

from __future__ import annotations

import gc

import pytest

import ingest.html as html_module
from ingest.blocks import Block
from ingest.chunk import ChunkParams, chunk
from ingest.html import MAX_DEPTH, extract_html, html_to_extraction
from tests.conftest import CORPUS

PAGE = """<!doctype html><html><head><title>Site | Food Policy</title><meta name="author" content="Ann Smith">
<script>var tracking = 1;</script></head>
<body><header><a href="/">Home</a> Network site</header><nav><ul><li>About</li><li>Projects</li></ul></nav>
<div class="cookie-banner">We use cookies</div>
<main>
<h1>Food   Policy</h1>
<p>Councils grow
   food with <b>co</b>operative
   partners.<br>Line after a break.</p>
<h2>Actions</h2>
<ul><li>Grow food</li><li>Share <em>meals</em>
 together</li></ul>
<h3>Figures</h3>
<table><tr><th>Project</th><th>Year</th></tr><tr><td>Food club</td><td>2020</td></tr></table>
<h2>Next</h2>
<p>More to come.</p>
</main>
<footer>Copyright the network</footer></body></html>"""


def test_html_blocks_exactly() -> None:
    extraction = html_to_extraction(PAGE)

    assert extraction.blocks == [
        Block("heading", "Food Policy", 1, level=1),
        Block("paragraph", "Councils grow food with cooperative partners. Line after a break.", 1),
        Block("heading", "Actions", 1, level=2),
        Block("item", "Grow food", 1),
        Block("item", "Share meals together", 1),
        Block("heading", "Figures", 1, level=3),
        Block("row", "Project | Year", 1),
        Block("row", "Food club | 2020", 1),
        Block("heading", "Next", 1, level=2),
        Block("paragraph", "More to come.", 1),
    ]
    assert (extraction.title, extraction.author, extraction.page_count) == ("Food Policy", "Ann Smith", 1)


def test_html_heading_paths_follow_tag_levels() -> None:
    _, passages = chunk("page", "v1", html_to_extraction(PAGE).blocks, ChunkParams(5, 12, 1))

    assert [(p.heading_path, p.text) for p in passages] == [
        (["Food Policy"], "Food Policy\n\nCouncils grow food with cooperative partners. Line after a break."),
        (["Food Policy", "Actions"], "Actions\n\nGrow food\nShare meals together"),
        (["Food Policy", "Actions", "Figures"], "Figures\n\nProject | Year\nFood club | 2020"),
        (["Food Policy", "Next"], "Next\n\nMore to come."),
    ]


CORPUS_PAGES = ("cooperative-governance.html", "health-inequalities.html", "tackling-vawg.html")


def test_corpus_pages_have_no_furniture_and_no_raw_line_breaks() -> None:
    pages = sorted((CORPUS / "pages").glob("*.html"))
    assert [page.name for page in pages] == list(CORPUS_PAGES)
    for page in pages:
        extraction = extract_html(page)
        assert extraction.blocks, page
        assert extraction.blocks[0].kind == "heading" and extraction.blocks[0].level == 1, page
        assert all("\n" not in b.text and "  " not in b.text for b in extraction.blocks), page


def test_nesting_deeper_than_the_cap_is_flattened_into_one_paragraph_with_a_warning() -> None:
    deep = "<div>" * 5000 + "<p>Deep <b>co</b>operative text.</p><!-- a comment --><p>More deep text.</p>"
    source = f"<html><body><h1>Title</h1>{deep}{'</div>' * 5000}<p>After.</p></body></html>"

    extraction = html_to_extraction(source)

    assert extraction.blocks == [
        Block("heading", "Title", 1, level=1),
        Block("paragraph", "Deep cooperative text. More deep text.", 1),
        Block("paragraph", "After.", 1),
    ]
    assert extraction.warnings == [
        f"HTML nested more than {MAX_DEPTH} elements deep: 1 deeper part(s) kept as plain paragraphs"
    ]


def test_content_up_to_the_cap_keeps_its_structure() -> None:
    inner = "<h2>Section</h2><ul><li>One</li><li>Two</li></ul>"
    source = "<body>" + "<div>" * (MAX_DEPTH - 2) + inner + "</div>" * (MAX_DEPTH - 2) + "</body>"

    extraction = html_to_extraction(source)

    assert extraction.blocks == [
        Block("heading", "Section", 1, level=2),
        Block("item", "One", 1),
        Block("item", "Two", 1),
    ]
    assert extraction.warnings == []


def test_furniture_and_comments_inside_blocks_are_left_out() -> None:
    source = (
        "<main><p>Kept <script>var x = 1;</script>text<!-- hidden --> "
        '<span class="share-buttons">Share this</span>here.</p>'
        '<div id="cookie-notice"><p>We use cookies</p></div><nav><p>Menu</p></nav></main>'
    )

    assert html_to_extraction(source).blocks == [Block("paragraph", "Kept text here.", 1)]


@pytest.mark.parametrize("closed", [True, False])
def test_the_walk_visits_each_element_a_bounded_number_of_times(closed: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Work, not wall-clock: the furniture check runs about once per element, so 4x the elements is 4x the
    work (before the rewrite, finding each element's flag rescanned its subtree: quadratic)."""
    calls = 0
    real = html_module._is_furniture

    def counting(tag):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return real(tag)

    monkeypatch.setattr(html_module, "_is_furniture", counting)
    counts = []
    for depth in (2000, 8000):
        calls = 0
        close = "</span></div>" * depth if closed else ""
        extraction = html_to_extraction("<body>" + "<div><span>" * depth + "<p>Text.</p>" + close + "</body>")
        assert [b.text for b in extraction.blocks] == ["Text."]
        counts.append(calls)
    assert counts[1] <= 4 * counts[0] + 10
    assert counts[0] <= 2 * 2000 + 10


def test_title_author_and_main_are_found_wherever_they_stand() -> None:
    """The one-pass landmark search: the author's meta after many others, a <main> inside a cookie banner
    passed over for the real one, the <h1> preferred to the <title>."""
    metas = "".join(f'<meta name="m{n}" content="x">' for n in range(40))
    source = (
        f'<html><head>{metas}<meta name="author" content="Rhona Field"><title>Site | Page</title></head><body>'
        '<div class="cookie-consent"><main><p>Accept all cookies.</p></main></div>'
        "<main><h1>Shared allotments</h1><p>Plots are handed out by lottery each spring.</p></main></body></html>"
    )
    extraction = html_to_extraction(source)
    assert extraction.author == "Rhona Field"
    assert extraction.title == "Shared allotments"
    assert [b.text for b in extraction.blocks] == ["Shared allotments", "Plots are handed out by lottery each spring."]
    assert html_to_extraction(source.replace("<h1>Shared allotments</h1>", "")).title == "Site | Page"


def test_the_parser_keeps_text_nested_deeper_than_libxml2_would() -> None:
    """lxml on its own stops building the tree a few hundred elements deep and drops the rest; through
    BeautifulSoup's builder every word is kept (the part past MAX_DEPTH flattened, with a warning)."""
    source = "<html><body>" + "<div><span>" * 3000 + "<p>Deep words kept.</p>" + "</span></div>" * 3000
    extraction = html_to_extraction(source + "<p>After the nesting.</p></body></html>")
    assert [b.text for b in extraction.blocks] == ["Deep words kept.", "After the nesting."]
    assert extraction.warnings


@pytest.mark.parametrize("enabled_before", [True, False])
def test_the_cycle_collector_is_off_during_the_walk_and_as_before_after(
    enabled_before: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Full collections during the walk of a big tree made HTML reading super-linear (see
    `_no_cycle_collection`); the collector must come back on, and stay off where it was off."""
    seen = []
    real = html_module._blocks

    def recording(root, warnings):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(root, warnings)

    monkeypatch.setattr(html_module, "_blocks", recording)
    (gc.enable if enabled_before else gc.disable)()
    try:
        assert [b.text for b in html_to_extraction("<p>Kept.</p>").blocks] == ["Kept."]
        assert seen == [False]
        assert gc.isenabled() is enabled_before

        def failing(root, warnings):  # type: ignore[no-untyped-def]
            raise RecursionError

        monkeypatch.setattr(html_module, "_blocks", failing)
        with pytest.raises(RecursionError):  # an error inside turns it back on too
            html_to_extraction("<p>Kept.</p>")
        assert gc.isenabled() is enabled_before
    finally:
        gc.enable()
