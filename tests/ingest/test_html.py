"""HTML → blocks: furniture dropped, headings by tag level, list items, table rows, whitespace collapsed."""

from __future__ import annotations

from ingest.blocks import Block
from ingest.chunk import ChunkParams, chunk
from ingest.html import extract_html, html_to_extraction
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


def test_corpus_pages_have_no_furniture_and_no_raw_line_breaks() -> None:
    for page in sorted((CORPUS / "pages").glob("*.html")):
        extraction = extract_html(page)
        assert extraction.blocks, page
        assert extraction.blocks[0].kind == "heading" and extraction.blocks[0].level == 1, page
        assert all("\n" not in b.text and "  " not in b.text for b in extraction.blocks), page
