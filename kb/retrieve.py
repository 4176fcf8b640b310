"""Retrieval over the passage table: BM25, dense (exact dot product over the filtered rows) and hybrid.

Dense search is an exact matrix-vector product over the rows the filters allow: at 100k passages it costs a
few milliseconds, and unlike an HNSW query with a broad metadata filter it never slows down or starves.
Hybrid fuses the two candidate lists (see kb/fusion.py) plus an exact-phrase list, then collapses
near-duplicate passages into one result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ccin.errors import InvalidQuery
from kb.embed import Embedder
from kb.filters import Filters
from kb.fusion import Fusion
from kb.table import PassageTable

MODES = ("hybrid", "bm25", "dense")
# Chosen on the development queries by `python -m evaluations --only retrieval` (see evaluations/results).
DEFAULT_FUSION = Fusion(strategy="convex", bm25_weight=1.0, dense_weight=1.0, phrase_weight=1.0)


@dataclass
class Hit:
    row: int
    score: float
    duplicates: list[int] = field(default_factory=list)


def top(scores: np.ndarray, rows: np.ndarray | None, n: int, positive_only: bool) -> list[tuple[int, float]]:
    """The n best (row, score) pairs, best first; `rows` maps positions in `scores` back to table rows."""
    if scores.size == 0:
        return []
    n = min(n, scores.size)
    best = np.argpartition(-scores, n - 1)[:n]
    best = best[np.argsort(-scores[best], kind="stable")]
    result = []
    for position in best:
        score = float(scores[position])
        if positive_only and score <= 0:
            break
        result.append((int(rows[position]) if rows is not None else int(position), score))
    return result


class Retriever:
    def __init__(self, embedder: Embedder, fusion: Fusion = DEFAULT_FUSION) -> None:
        self.embedder = embedder
        self.fusion = fusion

    def bm25(self, table: PassageTable, query: str, mask: np.ndarray | None, n: int) -> list[tuple[int, float]]:
        scores = table.keyword.scores(query)
        if mask is not None:
            rows = np.flatnonzero(mask)
            return top(scores[rows], rows, n, positive_only=True)
        return top(scores, None, n, positive_only=True)

    def dense(self, table: PassageTable, query: str, mask: np.ndarray | None, n: int) -> list[tuple[int, float]]:
        if len(table) == 0:
            return []
        vector = self.embedder.embed_query(query)
        if mask is not None:
            rows = np.flatnonzero(mask)
            return top(table.embeddings[rows] @ vector, rows, n, positive_only=False)
        return top(table.embeddings @ vector, None, n, positive_only=False)

    def phrase(self, table: PassageTable, query: str, candidates: list[int]) -> list[tuple[int, float]]:
        """Candidates that contain the whole query as a phrase, or whose title does (multi-word queries only)."""
        needle = _normalise(query)
        if len(needle.split()) < 2:
            return []
        found = []
        for row in candidates:
            title = _normalise(str(table.metas[row].get("title", "")))
            if needle in _normalise(table.texts[row]) or needle in title or (title and title == needle):
                found.append((row, 1.0))
        return found

    def search(self, table: PassageTable, query: str, filters: Filters, k: int, mode: str = "hybrid") -> list[Hit]:
        if mode not in MODES:
            raise InvalidQuery(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        mask = filters.mask(table)
        if mask is not None and not mask.any():
            return []
        depth = max(50, 5 * k)
        if mode == "bm25":
            ranked = self.bm25(table, query, mask, depth)
        elif mode == "dense":
            ranked = self.dense(table, query, mask, depth)
        else:
            keyword = self.bm25(table, query, mask, depth)
            semantic = self.dense(table, query, mask, depth)
            pool = list(dict.fromkeys([r for r, _ in keyword] + [r for r, _ in semantic]))
            ranked = self.fusion(keyword, semantic, self.phrase(table, query, pool))
        return collapse(table, ranked, k)


def collapse(table: PassageTable, ranked: list[tuple[int, float]], k: int) -> list[Hit]:
    """One hit per near-duplicate group, in rank order; the others become its duplicates."""
    hits: list[Hit] = []
    by_group: dict[str, Hit] = {}
    for row, score in ranked:
        group = str(table.metas[row].get("dup_group") or table.ids[row])
        if group in by_group:
            by_group[group].duplicates.append(row)
            continue
        if len(hits) == k:
            continue
        hit = Hit(row, score)
        by_group[group] = hit
        hits.append(hit)
    return hits


def _normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))
