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
    terms = set(tokenize(query))
    words = list(_WORD_RE.finditer(text))
    hits = [m for m in words if not terms.isdisjoint(_word_terms(m.group(0).lower()))]
    start, end = _window(text, hits, width)
    pieces: list[str] = []
    cursor = start
    open_mark = False
    for match in hits:
        if match.start() < start or match.end() > end:
            continue
        gap = text[cursor : match.start()]
        if open_mark and gap.strip() == "":
            pieces.append(html.escape(gap))
        else:
            if open_mark:
                pieces.append("</mark>")
            pieces.append(html.escape(gap) + "<mark>")
        pieces.append(html.escape(match.group(0)))
        open_mark = True
        cursor = match.end()
    if open_mark:
        pieces.append("</mark>")
    pieces.append(html.escape(text[cursor:end]))
    body = "".join(pieces).strip()
    return ("… " if start > 0 else "") + body + (" …" if end < len(text) else "")


@lru_cache(maxsize=100_000)
def _word_terms(word: str) -> frozenset[str]:
    """The index terms of one word of a passage. Cached: a snippet reads every word of each result, and the same
    words recur across passages and queries, so tokenizing them again was most of a search's own time."""
    return frozenset(tokenize(word))


def _window(text: str, hits: list[re.Match[str]], width: int) -> tuple[int, int]:
    if len(text) <= width:
        return 0, len(text)
    best_start, best_count = 0, -1
    for hit in hits:
        begin = max(0, hit.start() - width // 4)
        count = len({h.group(0).lower() for h in hits if begin <= h.start() and h.end() <= begin + width})
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
