"""Blocks → passages.

The document's cleaned text is its blocks joined in order (a newline between consecutive list items or table
rows, a blank line elsewhere). Passages are non-overlapping spans of that text, so concatenating them with the
whitespace between them gives the cleaned text back exactly.

Rules, applied block by block (blocks longer than `max_words` words or `MAX_PASSAGE_CHARS` characters are
first cut at sentence ends, a sentence still too long at word boundaries, and a single word longer than
`MAX_PASSAGE_CHARS` (a pasted data blob, a run with no spaces) into pieces of that many characters):
- a heading starts a new passage once the current one holds `min_words` words of content, so headings lead
  the text they introduce and never end a passage;
- a passage closes at the first block boundary at or past `target_words`, and never grows past `max_words`
  words or `MAX_PASSAGE_CHARS` characters;
- a last passage shorter than `min_words` joins the previous one when the two fit within `max_words`.
Each passage records its page span, the heading path in force at its first content, and its character offsets.
Ids hash the document id, its version and the passage text, so re-ingesting the same file gives the same ids.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass

from ingest.blocks import Block
from kb.passage import Passage

MAX_PASSAGE_CHARS = 4000  # about twice the longest passage of ordinary prose at max_words
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"(‘])")


MAX_PASSAGES_PER_DOCUMENT = 2000  # 15x the longest report in the sample corpus (131 passages, 30 pages)


@dataclass(frozen=True)
class ChunkParams:
    target_words: int = 180
    max_words: int = 300
    min_words: int = 40
    # The ingest indexes at most this many passages of one document and says so in its report (pipeline.py).
    max_passages: int = MAX_PASSAGES_PER_DOCUMENT


@dataclass
class _Unit:
    start: int
    end: int
    words: int
    block: Block


def assemble(blocks: list[Block]) -> tuple[str, list[tuple[int, int]]]:
    """The cleaned text of a document and each block's (start, end) in it."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    position = 0
    previous: Block | None = None
    for block in blocks:
        if previous is not None:
            tight = previous.kind == block.kind and block.kind in ("item", "row")
            separator = "\n" if tight else "\n\n"
            parts.append(separator)
            position += len(separator)
        parts.append(block.text)
        spans.append((position, position + len(block.text)))
        position += len(block.text)
        previous = block
    return "".join(parts), spans


def chunk(
    document_id: str, version: str, blocks: list[Block], params: ChunkParams | None = None
) -> tuple[str, list[Passage]]:
    """Split a document's blocks into passages; returns the cleaned text and the passages."""
    params = params or ChunkParams()
    blocks = [b for b in blocks if b.text.strip()]
    text, spans = assemble(blocks)
    units = _units(text, blocks, spans, params.max_words)

    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    content = 0
    for unit in units:
        is_heading = unit.block.kind == "heading"
        if (
            current
            and content
            and (
                (is_heading and content >= params.min_words)
                or content + unit.words > params.max_words
                or unit.end - current[0].start > MAX_PASSAGE_CHARS
            )
        ):
            groups.append(current)
            current, content = [], 0
        current.append(unit)
        if not is_heading:
            content += unit.words
            if content >= params.target_words:
                groups.append(current)
                current, content = [], 0
    if current:
        last_content = sum(u.words for u in current if u.block.kind != "heading")
        previous_words = sum(u.words for u in groups[-1]) if groups else 0
        if (
            groups
            and last_content < params.min_words
            and previous_words + sum(u.words for u in current) <= params.max_words
            and current[-1].end - groups[-1][0].start <= MAX_PASSAGE_CHARS
        ):
            groups[-1].extend(current)
        else:
            groups.append(current)

    paths = _heading_paths(units)
    index_of = {id(u): i for i, u in enumerate(units)}
    passages = []
    for ordinal, group in enumerate(groups):
        start, end = group[0].start, group[-1].end
        body = text[start:end]
        first_content = next((u for u in group if u.block.kind != "heading"), group[-1])
        digest = hashlib.sha1(f"{document_id}\x00{version}\x00{ordinal}\x00{body}".encode()).hexdigest()[:12]
        passages.append(
            Passage(
                id=f"{document_id}:{ordinal:04d}:{digest}",
                document_id=document_id,
                ordinal=ordinal,
                text=body,
                page=min(u.block.page for u in group),
                page_end=max(u.block.page_end for u in group),
                heading_path=paths[index_of[id(first_content)]],
                char_start=start,
                char_end=end,
            )
        )
    return text, passages


def _units(text: str, blocks: list[Block], spans: list[tuple[int, int]], max_words: int) -> list[_Unit]:
    units = []
    for block, (start, end) in zip(blocks, spans, strict=True):
        words = len(text[start:end].split())
        if (words <= max_words or block.kind == "heading") and end - start <= MAX_PASSAGE_CHARS:
            units.append(_Unit(start, end, words, block))
            continue
        for piece_start, piece_end in _split_long(text, start, end, max_words):
            units.append(_Unit(piece_start, piece_end, len(text[piece_start:piece_end].split()), block))
    return units


def _split_long(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    """Cut [start, end) at sentence ends; cut any sentence still too long at word boundaries, and any word
    longer than MAX_PASSAGE_CHARS into pieces of that length. One pass over the text: linear in its length."""
    cuts = [start] + [start + m.end() for m in _SENTENCE_END.finditer(text[start:end])] + [end]
    pieces = []
    for a, b in itertools.pairwise(cuts):
        a, b = _trim(text, a, b)
        if a >= b:
            continue
        piece: tuple[int, int] | None = None
        count = 0
        for word in re.finditer(r"\S+", text[a:b]):
            w_start, w_end = a + word.start(), a + word.end()
            if piece is not None and (count == max_words or w_end - piece[0] > MAX_PASSAGE_CHARS):
                pieces.append(piece)
                piece, count = None, 0
            while w_end - w_start > MAX_PASSAGE_CHARS:
                pieces.append((w_start, w_start + MAX_PASSAGE_CHARS))
                w_start += MAX_PASSAGE_CHARS
            piece = (piece[0] if piece else w_start, w_end)
            count += 1
        if piece is not None:
            pieces.append(piece)
    return pieces


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _heading_paths(units: list[_Unit]) -> list[list[str]]:
    stack: list[tuple[int, str]] = []
    paths = []
    for unit in units:
        block = unit.block
        if block.kind == "heading":
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            stack.append((block.level, block.text))
        paths.append([title for _, title in stack])
    return paths
