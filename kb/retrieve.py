"""Retrieval over the passage table: BM25, dense (exact dot product over the filtered rows) and hybrid.

Dense search is an exact matrix-vector product over the rows the filters allow: at 100k passages it costs a
few milliseconds, and unlike an HNSW query with a broad metadata filter it never slows down or starves.
Hybrid fuses the two candidate lists (see kb/fusion.py) plus an exact-phrase list, reranks the fused list by
passage role and document (kb/fusion.Rerank: one pass, no second model), then collapses near-duplicate passages
into one result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kb.analysis import normalise
from kb.embed import Embedder
from kb.errors import InvalidQuery
from kb.filters import Filters
from kb.fusion import Fusion, Rerank
from kb.roles import asked_roles
from kb.snapshot import Snapshot

MODES = ("hybrid", "bm25", "dense")
# Chosen on the development queries by `python -m evaluations --only retrieval` (see evaluations/results).
DEFAULT_FUSION = Fusion(strategy="convex", bm25_weight=4.0, dense_weight=1.0, phrase_weight=0.5, coverage_power=3.0)
# Also chosen on the development queries (the same step, after the fusion): see kb/fusion.Rerank.
DEFAULT_RERANK = Rerank(introduction_weight=0.8, case_study_weight=1.6, recommendation_weight=2.0, document_weight=0.2)
NO_RERANK = Rerank()
COVERAGE_DEPTH = 5  # how many of BM25's top passages are checked for query-word coverage (see kb/fusion.py)
# How many passages each retriever ranks: at least CANDIDATE_DEPTH (what the evaluation measures, with k = 20),
# more for a large k. It never depends on the page offset, so pages of one query tile one ranked list.
CANDIDATE_DEPTH = 100

Scored = list[tuple[int, float]]


@dataclass
class Phrase:
    """`ranked`: rows holding the query verbatim or whose title contains it (the fusion's phrase list);
    `tiers`: rows moved to the front, in order: those whose document title is exactly the query, then those
    holding it verbatim."""

    ranked: Scored
    tiers: list[set[int]]


@dataclass
class Hit:
    row: int
    score: float
    duplicates: list[int] = field(default_factory=list)


def best_scored(scores: np.ndarray, rows: np.ndarray | None, n: int, positive_only: bool) -> Scored:
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
    def __init__(self, embedder: Embedder, fusion: Fusion = DEFAULT_FUSION, rerank: Rerank = DEFAULT_RERANK) -> None:
        self.embedder = embedder
        self.fusion = fusion
        self.rerank = rerank

    def bm25(
        self, table: Snapshot, query: str, mask: np.ndarray | None, n: int, scores: np.ndarray | None = None
    ) -> Scored:
        """`scores`: the query's BM25 scores when the caller already has them (hybrid computes them once)."""
        return _top_masked(table.keyword.scores(query) if scores is None else scores, mask, n, positive_only=True)

    def dense(self, table: Snapshot, query: str, mask: np.ndarray | None, n: int) -> Scored:
        if len(table) == 0:
            return []
        vector = self.embedder.embed_query(query)
        if table.ivf is not None:
            rows, scores = table.ivf.search(table.embeddings, vector, n, mask)
            return [(int(r), float(s)) for r, s in zip(rows, scores, strict=True)]
        return _top_masked(table.embeddings @ vector, mask, n, positive_only=False)

    def phrase(self, table: Snapshot, query: str, mask: np.ndarray | None, scores: np.ndarray | None = None) -> Phrase:
        """Exact matches of a multi-word query over every row the filters allow, not just the fused
        candidates: a passage holding the query verbatim can rank low in both BM25 (stop words dropped,
        common words) and dense, and would never be seen otherwise. The phrase list is ordered by BM25."""
        if len(normalise(query).split()) < 2:
            return Phrase([], [])
        if scores is None:
            scores = table.keyword.scores(query)
        in_text = table.lookups.phrase_rows(query, scores=scores)
        title_equal, title_contains = table.lookups.title_rows(query)
        boosted = np.union1d(in_text, title_contains)
        if mask is not None:
            in_text, title_equal, boosted = (rows[mask[rows]] for rows in (in_text, title_equal, boosted))
        ordered = sorted(boosted.tolist(), key=lambda row: (-float(scores[row]), row))
        return Phrase([(row, 1.0) for row in ordered], [set(title_equal.tolist()), set(in_text.tolist())])

    def search(self, table: Snapshot, query: str, filters: Filters, k: int, mode: str = "hybrid") -> list[Hit]:
        """The k best hits (the head of `candidates`)."""
        return self.candidates(table, query, filters, k, mode)[:k]

    def candidates(self, table: Snapshot, query: str, filters: Filters, k: int, mode: str = "hybrid") -> list[Hit]:
        """Every hit the retrievers find for the query, best first, near-duplicates collapsed: the candidate set
        that totals, facets and pages are drawn from. Each retriever ranks only the rows the filters allow (so
        k results come back whenever k match), `candidate_depth(k)` of them; hybrid fuses BM25, dense and the
        phrase list, reranks by role and document (`Rerank`), then puts exact matches first
        (`exact_matches_first`)."""
        if mode not in MODES:
            raise InvalidQuery(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        mask = filters.mask(table)
        if mask is not None and not mask.any():
            return []
        depth = candidate_depth(k)
        if mode == "bm25":
            ranked = self.bm25(table, query, mask, depth)
        elif mode == "dense":
            ranked = self.dense(table, query, mask, depth)
        else:
            scores = table.keyword.scores(query)
            keyword = self.bm25(table, query, mask, depth, scores)
            semantic = self.dense(table, query, mask, depth)
            phrase = self.phrase(table, query, mask, scores)
            coverage = table.lookups.coverage(query, [row for row, _ in keyword[:COVERAGE_DEPTH]])
            fused = self.fusion(keyword, semantic, phrase.ranked, coverage)
            if self.rerank != NO_RERANK:
                fused = self.rerank(fused, table.role, table.document_id, asked_roles(query))
            ranked = exact_matches_first(fused, phrase.tiers)
        return collapse_near_duplicates(table, ranked, len(ranked))


def candidate_depth(k: int) -> int:
    """How many passages each retriever ranks for a page of k."""
    return max(CANDIDATE_DEPTH, 5 * k)


def _top_masked(scores: np.ndarray, mask: np.ndarray | None, n: int, positive_only: bool) -> Scored:
    if mask is None:
        return best_scored(scores, None, n, positive_only)
    rows = np.flatnonzero(mask)
    return best_scored(scores[rows], rows, n, positive_only)


def exact_matches_first(ranked: Scored, tiers: list[set[int]]) -> Scored:
    """Exact matches first, tier by tier, each tier in fused order; a row counts in its first tier only.
    Fusion alone can bury them: a title typed in full or a sentence pasted from a report is the clearest
    intent a query can state, yet dense may rank that passage 150th (measured on the development queries:
    nDCG@10 unchanged, since natural questions rarely match verbatim)."""
    tiers = [tier for tier in tiers if tier]
    if not tiers:
        return ranked
    buckets: list[Scored] = [[] for _ in range(len(tiers) + 1)]
    for item in ranked:
        level = next((n for n, tier in enumerate(tiers) if item[0] in tier), len(tiers))
        buckets[level].append(item)
    # Scores stay in rank order: each tier is lifted just above the best score of the tiers below it.
    result: Scored = []
    floor = max((score for _, score in buckets[-1]), default=0.0)
    for bucket in reversed(buckets[:-1]):
        lifted = [(row, score - min(s for _, s in bucket) + floor + 1.0) for row, score in bucket] if bucket else []
        floor = max((score for _, score in lifted), default=floor)
        result = lifted + result
    return result + buckets[-1]


def collapse_near_duplicates(table: Snapshot, ranked: Scored, k: int) -> list[Hit]:
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
