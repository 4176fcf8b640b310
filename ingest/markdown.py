"""Markdown → blocks via markdown-it: headings keep their level, list items and table rows stay separate."""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ingest.blocks import Block, Extraction
from ingest.clean import normalise_spaces
from ingest.text import decode_text


def extract_markdown(path: Path) -> Extraction:
    return markdown_to_extraction(decode_text(path.read_bytes()))


def markdown_to_extraction(source: str) -> Extraction:
    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    blocks: list[Block] = []
    list_depth = 0
    row: list[str] | None = None
    heading_level = 0
    title: str | None = None
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.type == "heading_open":
            heading_level = int(token.tag[1])
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            blocks.append(Block("row", " | ".join(row), 1))
            row = None
        elif token.type == "inline":
            text = _inline_text(token)
            if not text:
                continue
            if row is not None:
                row.append(text)
            elif heading_level:
                blocks.append(Block("heading", text, 1, level=heading_level))
                if heading_level == 1 and title is None:
                    title = text
            elif list_depth:
                blocks.append(Block("item", text, 1))
            else:
                blocks.append(Block("paragraph", text, 1))
        elif token.type == "heading_close":
            heading_level = 0
    if not blocks:
        blocks = _plain_paragraphs(source)
    return Extraction(blocks=blocks, page_count=1, title=title)


_CONTAINER_MARKS = re.compile(r"^(?:[ \t]*(?:>|[-*+][ \t]|\d{1,9}[.)][ \t]))+")


def _plain_paragraphs(source: str) -> list[Block]:
    """The text as paragraphs, container marks ("> ", "- ", "1. ") stripped: what a file nested past the
    parser's depth limit (markdown-it stops descending at 100 levels) still says, instead of nothing."""
    paragraphs, lines = [], []
    for line in [*source.splitlines(), ""]:
        text = _CONTAINER_MARKS.sub("", line).strip()
        if text:
            lines.append(text)
        elif lines:
            paragraphs.append(" ".join(normalise_spaces(" ".join(lines)).split()))
            lines = []
    return [Block("paragraph", text, 1) for text in paragraphs if text]


def _inline_text(token: Token) -> str:
    """An inline run's plain text. Pieces are concatenated as written ("**co**operative" is one word); only
    line breaks become spaces, then whitespace (newlines included) is collapsed."""
    if not token.children:
        return " ".join(token.content.split())
    pieces = []
    for child in token.children:
        if child.type in ("softbreak", "hardbreak"):
            pieces.append(" ")
        elif child.type == "image":
            pieces.append(_inline_text(child))
        else:
            pieces.append(child.content)
    return " ".join(normalise_spaces("".join(pieces)).split())
