"""HTML → blocks with BeautifulSoup. Site furniture (header, nav, footer, cookie banners, scripts) is dropped;
the main content (main/article, else body) is walked in document order.

The tree is walked once, with an explicit stack rather than recursion, so a page nested thousands of
elements deep neither exhausts Python's recursion limit nor costs more than its size: furniture is skipped
where it is met (never searched for and decomposed, which rescans subtrees), and each block's text is read
from its own subtree, which the walk then leaves. Containers nested deeper than `MAX_DEPTH` are not walked
further: each is flattened into one paragraph of its text, and the extraction carries a warning saying so.
The title, author and main/article candidates are found in one pass, not one search of the tree per name.

The parser is lxml's, through BeautifulSoup's tree builder: about a third less CPU than Python's html.parser
on large or deeply nested pages, and the same blocks on every sample-corpus page, every network page and every
hostile HTML file (`python -m evaluations.html_parsers`). Not lxml.html on its own: libxml2 drops what lies
deeper than its nesting limit, where BeautifulSoup's builder keeps it. Not an HTML5 tree builder (html5lib,
selectolax): the specification's scope checks walk the stack of open elements at every tag, quadratic in the
nesting depth (300x the time for 16x the depth, measured).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bs4 import BeautifulSoup, CData, NavigableString, PageElement, Tag
from bs4.element import PreformattedString

from ingest.blocks import Block, Extraction
from ingest.clean import normalise_spaces
from ingest.text import decode_text

MAX_DEPTH = 200
PARSER = "lxml"
_LANDMARKS = 20
_FURNITURE = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template", "svg"}
_FURNITURE_CLASSES = ("cookie", "banner", "breadcrumb", "skip", "share", "menu")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_PARAGRAPHS = {"p", "blockquote", "figcaption", "dt", "dd"}
_NO_LOOSE_TEXT = {"ul", "ol", "table", "tr"}
_INLINE = {"a", "abbr", "b", "cite", "code", "em", "i", "mark", "q", "s", "small", "span", "strong", "sub", "sup", "u"}


def extract_html(path: Path) -> Extraction:
    return html_to_extraction(decode_text(path.read_bytes()))


def html_to_extraction(source: str, parser: str = PARSER) -> Extraction:
    warnings: list[str] = []
    with _no_cycle_collection():
        soup = BeautifulSoup(source, parser)
        found = _landmarks(soup)
        title = normalise_spaces(found["title"][0].get_text()) if found["title"] else None
        author = found["meta"][0].get("content") if found["meta"] else None
        root = _first(found["main"]) or _first(found["article"]) or soup.body or soup
        blocks = _blocks(root, warnings)
    h1 = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), None)
    return Extraction(
        blocks=blocks,
        page_count=1,
        title=h1 or title,
        author=str(author) if author else None,
        warnings=warnings,
    )


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while a tree is built and walked. Its full collections, started by the
    objects the parse and the walk allocate, each traverse every element of the tree built so far: with it on,
    16x the nesting took 30-40x the CPU (the same call counts), with it off 16x. Back on afterwards, unless
    it was off already; the tree is freed by the next collection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _landmarks(soup: BeautifulSoup) -> dict[str, list[Tag]]:
    """The first title, the first <meta name="author">, and the first `_LANDMARKS` main and article elements,
    in document order, found in one pass over the tree rather than one search of all of it per name."""
    found: dict[str, list[Tag]] = {"title": [], "meta": [], "main": [], "article": []}
    wanted = {"title": 1, "meta": 1, "main": _LANDMARKS, "article": _LANDMARKS}
    for element in soup.descendants:
        if not isinstance(element, Tag) or element.name not in wanted:
            continue
        name = element.name
        if len(found[name]) < wanted[name] and (name != "meta" or element.get("name") == "author"):
            found[name].append(element)
    return found


def _first(candidates: list[Tag]) -> Tag | None:
    """The first candidate that is not inside furniture (a <main> inside a cookie banner is no main)."""
    for tag in candidates:
        if not any(_is_furniture(parent) for parent in tag.parents if isinstance(parent, Tag)):
            return tag
    return None


def _blocks(root: Tag, warnings: list[str]) -> list[Block]:
    """Blocks in document order. The stack holds one iterator over children per open container."""
    blocks: list[Block] = []
    flattened = 0
    stack: list[tuple[Tag, Iterator[PageElement]]] = [(root, iter(root.children))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            continue
        if not isinstance(child, Tag):
            if _is_text(child) and node.name not in _NO_LOOSE_TEXT:
                text = " ".join(str(child).split())
                if text:
                    blocks.append(Block("paragraph", text, 1))
            continue
        if _is_furniture(child):
            continue
        name = child.name or ""
        if name in _HEADINGS:
            text = _text(child)
            if text:
                blocks.append(Block("heading", text, 1, level=int(name[1])))
        elif name in _PARAGRAPHS:
            text = _text(child)
            if text:
                blocks.append(Block("paragraph", text, 1))
        elif name == "li":
            text = _text(child)
            if text:
                blocks.append(Block("item", text, 1))
        elif name == "tr":
            cells = [_text(c) for c in child.find_all(["td", "th"], recursive=False)]
            if any(cells):
                blocks.append(Block("row", " | ".join(cells), 1))
        elif len(stack) >= MAX_DEPTH:
            text = _text(child, spaced=True)
            if text:
                blocks.append(Block("paragraph", text, 1))
                flattened += 1
        else:
            stack.append((child, iter(child.children)))
    if flattened:
        warnings.append(
            f"HTML nested more than {MAX_DEPTH} elements deep: {flattened} deeper part(s) kept as plain paragraphs"
        )
    return blocks


def _text(tag: Tag, spaced: bool = False) -> str:
    """A block's text with source line breaks and runs of whitespace collapsed to single spaces. Inline
    markup is concatenated as written, so "<b>co</b>operative" stays one word; <br> is a space; furniture
    and comments inside the block are left out. `spaced` (for flattened containers) also puts a space at
    the start of every element that is not inline, so two paragraphs do not run together. Iterative."""
    pieces: list[str] = []
    stack: list[Iterator[PageElement]] = [iter(tag.children)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif isinstance(child, Tag):
            if child.name == "br" or (spaced and child.name not in _INLINE):
                pieces.append(" ")
            if child.name != "br" and not _is_furniture(child):
                stack.append(iter(child.children))
        elif _is_text(child):
            pieces.append(str(child))
    return " ".join(normalise_spaces("".join(pieces)).split())


def _is_text(element: PageElement) -> bool:
    """Readable text: not a comment, doctype, declaration or processing instruction."""
    return isinstance(element, NavigableString) and (
        not isinstance(element, PreformattedString) or isinstance(element, CData)
    )


def _is_furniture(tag: Tag) -> bool:
    if tag.name in _FURNITURE:
        return True
    if not tag.attrs:
        return False
    classes = " ".join(tag.get("class") or []) + " " + str(tag.get("id") or "")
    return any(word in classes.lower() for word in _FURNITURE_CLASSES)
