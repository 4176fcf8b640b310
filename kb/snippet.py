"""Snippets: the densest window of query terms in a passage, HTML-escaped, with matches wrapped in <mark>.

The passage text is escaped first and only then are <mark> tags added, so the only markup a snippet can
contain is <mark>…</mark>, whatever the document said.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from kb.analysis import tokenize

_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*")


def make_snippet(text: str, query: str, width: int = 280) -> str:
    spans, positions = _term_positions(text)
    at = sorted({i for term in set(tokenize(query)) for i in positions.get(term, ())})
    hits = [spans[i] for i in at]
    start, end = _window(text, hits, width)
    pieces: list[str] = []
    cursor = start
    open_mark = False
    for hit_start, hit_end in hits:
        if hit_start < start or hit_end > end:
            continue
        gap = text[cursor:hit_start]
        if open_mark and gap.strip() == "":
            pieces.append(html.escape(gap))
        else:
            if open_mark:
                pieces.append("</mark>")
            pieces.append(html.escape(gap) + "<mark>")
        pieces.append(html.escape(text[hit_start:hit_end]))
        open_mark = True
        cursor = hit_end
    if open_mark:
        pieces.append("</mark>")
    pieces.append(html.escape(text[cursor:end]))
    body = "".join(pieces).strip()
    return ("… " if start > 0 else "") + body + (" …" if end < len(text) else "")


@lru_cache(maxsize=1024)  # about 30 KB a passage
def _term_positions(text: str) -> tuple[list[tuple[int, int]], dict[str, list[int]]]:
    """The spans of a passage's words, and for each index term the words that carry it. Cached by passage:
    results recur across searches, and reading every word of ten passages was most of a search's own time
    (0.65 of 2.4 ms); with the index a snippet looks up only the query's terms. Callers must not change them."""
    spans: list[tuple[int, int]] = []
    positions: dict[str, list[int]] = {}
    for i, match in enumerate(_WORD_RE.finditer(text)):
        spans.append(match.span())
        for term in _word_terms(match.group(0).lower()):
            positions.setdefault(term, []).append(i)
    return spans, positions


@lru_cache(maxsize=100_000)
def _word_terms(word: str) -> frozenset[str]:
    """The index terms of one word (the same words recur across passages)."""
    return frozenset(tokenize(word))


def _window(text: str, hits: list[tuple[int, int]], width: int) -> tuple[int, int]:
    if len(text) <= width:
        return 0, len(text)
    best_start, best_count = 0, -1
    for hit_start, _ in hits:
        begin = max(0, hit_start - width // 4)
        count = len({text[s:e].lower() for s, e in hits if begin <= s and e <= begin + width})
        if count > best_count:
            best_start, best_count = begin, count
    start = best_start
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, end
