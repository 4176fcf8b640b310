"""Plain text → blocks. Form feeds separate pages. Blank lines separate paragraphs; hard-wrapped lines are
rejoined; bullet lines become items; a paragraph of short lines (a list of names) becomes one item per line;
a short unpunctuated line standing alone before a paragraph is taken as a heading.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.blocks import Block, Extraction
from ingest.clean import BULLET_RE, ends_sentence, is_page_number, join_lines, normalise_spaces, vocabulary
from kb.errors import UnreadableDocument

# Markdown-style bold left in exported text. The span is bounded: unbounded, every "**" without a partner
# scanned to the end of its line, quadratic in a long line full of them.
_BOLD_RE = re.compile(r"\*\*(\S(?:[^\n]{0,500}?\S)?)\*\*")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or a clear error naming the first bad byte."""
    if not data.strip():
        raise UnreadableDocument("empty file: no text in it")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableDocument(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start} cannot be decoded"
        ) from None


def extract_text(path: Path) -> Extraction:
    return text_to_extraction(decode_text(path.read_bytes()))


def text_to_extraction(text: str) -> Extraction:
    text = _BOLD_RE.sub(r"\1", text)
    raw_pages = text.replace("\r\n", "\n").replace("\r", "\n").split("\f")
    vocab = vocabulary(raw_pages)
    widths = sorted(len(line.rstrip()) for line in text.splitlines() if line.strip())
    wrap_width = widths[int(len(widths) * 0.9)] if widths else 80
    blocks: list[Block] = []
    for number, page in enumerate(raw_pages, start=1):
        paragraphs = [p for p in re.split(r"\n\s*\n", page) if p.strip()]
        for index, para in enumerate(paragraphs):
            lines = [ln for ln in para.split("\n") if ln.strip() and not is_page_number(ln)]
            if not lines:
                continue
            next_para = paragraphs[index + 1] if index + 1 < len(paragraphs) else ""
            blocks.extend(_paragraph_blocks(lines, number, wrap_width, next_para, vocab))
    if not blocks:
        raise UnreadableDocument("empty file: no text in it")
    return Extraction(blocks=blocks, page_count=len(raw_pages))


def _paragraph_blocks(lines: list[str], page: int, wrap_width: int, next_para: str, vocab) -> list[Block]:  # type: ignore[no-untyped-def]
    if len(lines) == 1 and _looks_like_heading(lines[0]) and next_para.strip():
        return [Block("heading", normalise_spaces(lines[0]), page, level=2)]
    if (
        len(lines) >= 3
        and _looks_like_heading(lines[0])
        and len(lines[0].rstrip()) < 0.5 * wrap_width
        and len(lines[1].rstrip()) >= 0.7 * wrap_width
    ):
        heading = Block("heading", normalise_spaces(lines[0]), page, level=2)
        return [heading, *_paragraph_blocks(lines[1:], page, wrap_width, next_para, vocab)]
    if any(BULLET_RE.match(ln) for ln in lines):
        return _items(lines, page, vocab)
    short = max(len(ln.rstrip()) for ln in lines) < 0.6 * wrap_width
    if len(lines) >= 3 and short and not any(ln.rstrip().endswith("-") for ln in lines):
        return _short_lines(lines, page, vocab)
    return [Block("paragraph", join_lines(lines, vocab), page)]


def _short_lines(lines: list[str], page: int, vocab) -> list[Block]:  # type: ignore[no-untyped-def]
    """A run of short lines: a list of names (one item per line), except that a line starting in lower case
    continues the line before it (a sentence set in a narrow column)."""
    groups: list[list[str]] = []
    for ln in lines:
        if groups and ln.strip()[:1].islower():
            groups[-1].append(ln)
        else:
            groups.append([ln])
    kind = "item" if any(len(g) == 1 for g in groups) and len(groups) >= 3 else "paragraph"
    return [Block(kind, join_lines(g, vocab), page) for g in groups]  # type: ignore[arg-type]


def _items(lines: list[str], page: int, vocab) -> list[Block]:  # type: ignore[no-untyped-def]
    groups: list[list[str]] = []
    for ln in lines:
        if BULLET_RE.match(ln) or not groups:
            groups.append([ln])
        else:
            groups[-1].append(ln)
    blocks = []
    for group in groups:
        text = join_lines(group, vocab)
        kind = "item" if BULLET_RE.match(group[0]) else "paragraph"
        blocks.append(Block(kind, text, page))  # type: ignore[arg-type]
    return blocks


def _looks_like_heading(line: str) -> bool:
    text = normalise_spaces(line)
    words = text.split()
    return (
        0 < len(words) <= 10
        and not ends_sentence(text)
        and not text.endswith((",", "-"))
        and (text[:1].isupper() or text[:1].isdigit())
        and not BULLET_RE.match(line)
    )
