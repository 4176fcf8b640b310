"""HTML → blocks with BeautifulSoup. Site furniture (header, nav, footer, cookie banners, scripts) is dropped;
the main content (main/article, else body) is walked in document order.
"""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from ingest.blocks import Block, Extraction
from ingest.clean import normalise_spaces
from ingest.text import decode_text

_FURNITURE = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template", "svg"]
_FURNITURE_CLASSES = ("cookie", "banner", "breadcrumb", "skip", "share", "menu")


def extract_html(path: Path) -> Extraction:
    return html_to_extraction(decode_text(path.read_bytes()))


def html_to_extraction(source: str) -> Extraction:
    soup = BeautifulSoup(source, "html.parser")
    title_tag = soup.find("title")
    title = normalise_spaces(title_tag.get_text()) if title_tag else None
    meta_author = soup.find("meta", attrs={"name": "author"})
    author = meta_author.get("content") if isinstance(meta_author, Tag) else None
    for tag in soup.find_all(_FURNITURE):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with(" ")
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        classes = " ".join(tag.get("class") or []) + " " + str(tag.get("id") or "")
        if any(word in classes.lower() for word in _FURNITURE_CLASSES):
            tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    blocks: list[Block] = []
    _walk(root, blocks)
    h1 = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), None)
    return Extraction(blocks=blocks, page_count=1, title=h1 or title, author=str(author) if author else None)


def _walk(node: Tag, blocks: list[Block]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            text = " ".join(str(child).split())
            if text and child.parent is node and node.name not in ("ul", "ol", "table", "tr"):
                blocks.append(Block("paragraph", text, 1))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name or ""
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = _text(child)
            if text:
                blocks.append(Block("heading", text, 1, level=int(name[1])))
        elif name in ("p", "blockquote", "figcaption", "dt", "dd"):
            text = _text(child)
            if text:
                blocks.append(Block("paragraph", text, 1))
        elif name == "li":
            text = _text(child)
            if text:
                blocks.append(Block("item", text, 1))
        elif name == "tr":
            cells = [_text(c) for c in child.find_all(["td", "th"])]
            if any(cells):
                blocks.append(Block("row", " | ".join(cells), 1))
        else:
            _walk(child, blocks)


def _text(tag: Tag) -> str:
    """A block's text with source line breaks and runs of whitespace collapsed to single spaces. Inline
    markup is concatenated as written, so "<b>co</b>operative" stays one word."""
    return " ".join(normalise_spaces(tag.get_text()).split())
