"""Retrieval quality: one class per method (bm25, dense, hybrid) over the same index and the same graded
queries. Hybrid's fusion parameters are chosen on the development queries only, then its rerank by passage role
and document (kb/fusion.Rerank) on the same development queries with that fusion; then every method is scored
on the test queries, hybrid also without the rerank and without each part of it (`rerank`).

Search leaves navigation passages (contents pages, reading lists, acknowledgements, covers) out by default, so
every figure is for that default; `navigation` compares it with `role=any` (what search returned before roles):
the share of navigation passages in the top 5 and passage-level nDCG@10. `document_level` scores the listed
documents (metrics.document_ndcg) of the passage list and of `group=document`, one card per document."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from evaluations.data import Query, load_queries
from evaluations.metrics import document_grades, document_ndcg, gains, mrr, ndcg, recall
from kb.filters import DEFAULT_ROLE, Filters
from kb.fusion import Fusion, Rerank
from kb.knowledge_base import KnowledgeBase
from kb.listing import listing
from kb.retrieve import DEFAULT_FUSION, DEFAULT_RERANK, NO_RERANK, Hit, Retriever
from kb.roles import NAVIGATION_ROLES

T = TypeVar("T")

K = 20
NAVIGATION_DEPTH = 5


@dataclass
class Scores:
    ndcg10: float
    mrr10: float
    recall5: float
    recall20: float
    queries: int

    def row(self) -> dict[str, float]:
        return {
            "nDCG@10": round(self.ndcg10, 4),
            "MRR@10": round(self.mrr10, 4),
            "Recall@5": round(self.recall5, 4),
            "Recall@20": round(self.recall20, 4),
            "queries": self.queries,
        }


class Method:
    name = "method"
    mode = "hybrid"

    def __init__(
        self,
        kb: KnowledgeBase,
        fusion: Fusion = DEFAULT_FUSION,
        role: str = DEFAULT_ROLE,
        rerank: Rerank = DEFAULT_RERANK,
    ) -> None:
        self.kb = kb
        self.retriever = Retriever(kb.embedder, fusion, rerank)
        self.role = role

    def hits(self, query: str) -> list[Hit]:
        return self.retriever.search(self.kb.snapshot(), query, Filters(role=self.role), K, self.mode)

    def ranked(self, query: str) -> list[tuple[str, str]]:
        table = self.kb.snapshot()
        return [(str(table.metas[h.row]["document_id"]), table.texts[h.row]) for h in self.hits(query)]

    def navigation_share(self, queries: list[Query], depth: int = NAVIGATION_DEPTH) -> float:
        """The share of the top `depth` results, over all queries, that are navigation passages."""
        table = self.kb.snapshot()
        roles = [str(table.role[h.row]) for q in queries for h in self.hits(q.text)[:depth]]
        return sum(role in NAVIGATION_ROLES for role in roles) / len(roles) if roles else 0.0

    def document_ndcg(self, queries: list[Query], grouped: bool) -> float:
        """Mean document-level nDCG@10 of the passage list, or of the group=document cards."""
        table = self.kb.snapshot()
        scores = []
        for query in queries:
            if grouped:
                candidates = self.retriever.candidates(table, query.text, Filters(role=self.role), K, self.mode)
                rows = [card.hit.row for card in listing(table, candidates, group="document")]
            else:
                rows = [h.row for h in self.hits(query.text)]
            documents = [str(table.document_id[row]) for row in rows]
            scores.append(document_ndcg(documents, document_grades(query.judgments), 10))
        return statistics.fmean(scores) if scores else 0.0

    def score(self, queries: list[Query]) -> Scores:
        rows = []
        for query in queries:
            earned = gains(self.ranked(query.text), query.judgments)
            rows.append(
                (
                    ndcg(earned, query.judgments, 10),
                    mrr(earned, 10),
                    recall(earned, query.judgments, 5),
                    recall(earned, query.judgments, 20),
                )
            )
        columns = list(zip(*rows, strict=True)) if rows else [[0.0]] * 4
        ndcg10, mrr10, recall5, recall20 = (statistics.fmean(c) for c in columns)
        return Scores(ndcg10, mrr10, recall5, recall20, queries=len(queries))


class BM25(Method):
    name, mode = "bm25", "bm25"


class Dense(Method):
    name, mode = "dense", "dense"


class Hybrid(Method):
    name, mode = "hybrid", "hybrid"


def tune_fusion(kb: KnowledgeBase, dev: list[Query]) -> tuple[Fusion, list[dict[str, object]]]:
    """Grid over strategies, weights and the BM25 coverage scaling on the development queries; best nDCG@10
    wins (ties: first in grid). The exact-phrase list always has some weight: guarding exact title/phrase
    matches is a requirement, so only its size is tuned. Scored without the rerank, which is tuned after it."""
    grid: list[Fusion] = []
    weights = itertools.product((0.5, 1.0, 1.5, 2.0, 3.0, 4.0), (1.0, 1.5, 2.0), (0.5, 1.0, 2.0), (0.0, 1.0, 2.0, 3.0))
    for bm25_w, dense_w, phrase_w, power in weights:
        for k in (10.0, 60.0):
            grid.append(Fusion("rrf", bm25_w, dense_w, phrase_w, k, power))
        grid.append(Fusion("convex", bm25_w, dense_w, phrase_w, coverage_power=power))
    return _best_on_dev(grid, DEFAULT_FUSION, "fusion", lambda fusion: Hybrid(kb, fusion, rerank=NO_RERANK).score(dev))


def tune_rerank(kb: KnowledgeBase, fusion: Fusion, dev: list[Query]) -> tuple[Rerank, list[dict[str, object]]]:
    """Grid over the rerank's weights with the chosen fusion on the development queries; best nDCG@10 wins (ties:
    first in grid, which starts at the identity, so a rerank is kept only when it improves on none)."""
    grid = [
        Rerank(introduction, case_study, recommendation, document)
        for introduction, case_study, recommendation, document in itertools.product(
            (1.0, 0.8, 0.6), (1.0, 1.2, 1.6), (1.0, 1.5, 2.0), (0.0, 0.1, 0.2, 0.3)
        )
    ]
    return _best_on_dev(grid, NO_RERANK, "rerank", lambda rerank: Hybrid(kb, fusion, rerank=rerank).score(dev))


def _best_on_dev(grid: list[T], fallback: T, name: str, score: Callable[[T], Any]) -> tuple[T, list[dict[str, object]]]:
    """The grid's first setting with the best development nDCG@10 (`fallback` for an empty grid), and every trial."""
    trials: list[dict[str, object]] = []
    best, best_score = fallback, -1.0
    for setting in grid:
        ndcg = score(setting).ndcg10
        trials.append({name: setting.__dict__, "dev_nDCG@10": round(ndcg, 4)})
        if ndcg > best_score + 1e-9:
            best, best_score = setting, ndcg
    return best, trials


def rerank_ablation(kb: KnowledgeBase, fusion: Fusion, rerank: Rerank, queries: list[Query]) -> dict[str, float]:
    """nDCG@10 of hybrid with the rerank, without it, and without each of its parts (reported, never chosen on)."""
    parts = {
        "with rerank": rerank,
        "without rerank": NO_RERANK,
        "without introduction weight": replace(rerank, introduction_weight=1.0),
        "without case-study weight": replace(rerank, case_study_weight=1.0),
        "without recommendation weight": replace(rerank, recommendation_weight=1.0),
        "without document weight": replace(rerank, document_weight=0.0),
    }
    return {name: round(Hybrid(kb, fusion, rerank=r).score(queries).ndcg10, 4) for name, r in parts.items()}


def navigation_effect(kb: KnowledgeBase, fusion: Fusion, rerank: Rerank, test: list[Query]) -> dict[str, object]:
    """Per mode on the test queries, before (role=any) and after (the default, navigation left out): the share
    of navigation passages in the top 5 and passage-level nDCG@10."""
    methods = {
        "bm25": lambda role: BM25(kb, role=role),
        "dense": lambda role: Dense(kb, role=role),
        "hybrid": lambda role: Hybrid(kb, fusion, role=role, rerank=rerank),
    }
    share: dict[str, dict[str, float]] = {}
    quality: dict[str, dict[str, float]] = {}
    for name, make in methods.items():
        before, after = make("any"), make(DEFAULT_ROLE)
        share[name] = {
            "before (role=any)": round(before.navigation_share(test), 4),
            "after (default)": round(after.navigation_share(test), 4),
        }
        quality[name] = {
            "before (role=any)": round(before.score(test).ndcg10, 4),
            "after (default)": round(after.score(test).ndcg10, 4),
        }
    return {f"test_navigation_share@{NAVIGATION_DEPTH}": share, "test_nDCG@10": quality}


def evaluate_retrieval(kb: KnowledgeBase, tune: bool = True) -> dict[str, object]:
    queries = load_queries()
    dev = [q for q in queries if q.split == "dev"]
    test = [q for q in queries if q.split == "test"]
    fusion, trials = tune_fusion(kb, dev) if tune else (DEFAULT_FUSION, [])
    rerank, rerank_trials = tune_rerank(kb, fusion, dev) if tune else (DEFAULT_RERANK, [])
    results: dict[str, object] = {
        "dev_queries": len(dev),
        "test_queries": len(test),
        "fusion": fusion.__dict__,
        "rerank": rerank.__dict__,
    }
    for split_name, split in (("dev", dev), ("test", test)):
        results[split_name] = {
            "bm25": BM25(kb).score(split).row(),
            "dense": Dense(kb).score(split).row(),
            "hybrid": Hybrid(kb, fusion, rerank=rerank).score(split).row(),
            "hybrid_without_rerank": Hybrid(kb, fusion, rerank=NO_RERANK).score(split).row(),
            "hybrid_defaults": Hybrid(kb).score(split).row(),
        }
    results["rerank_ablation_nDCG@10"] = {
        name: rerank_ablation(kb, fusion, rerank, split) for name, split in (("dev", dev), ("test", test))
    }
    # The same systems scored against the author's judgments alone: the figures before pooling added judgments.
    authored = [q.author_only() for q in test]
    results["test_author_judgments_only"] = {
        m.name: m.score(authored).row() for m in (BM25(kb), Dense(kb), Hybrid(kb, fusion, rerank=rerank))
    }
    by_category: dict[str, dict[str, float]] = {}
    for category in sorted({q.category for q in test}):
        subset = [q for q in test if q.category == category]
        by_category[category] = {
            m.name: round(m.score(subset).ndcg10, 4) for m in (BM25(kb), Dense(kb), Hybrid(kb, fusion, rerank=rerank))
        }
    results["test_nDCG@10_by_category"] = by_category
    results["navigation"] = navigation_effect(kb, fusion, rerank, test)
    results["document_level"] = {
        "test_document_nDCG@10": {
            m.name: {
                "passage list": round(m.document_ndcg(test, grouped=False), 4),
                "group=document": round(m.document_ndcg(test, grouped=True), 4),
            }
            for m in (BM25(kb), Dense(kb), Hybrid(kb, fusion, rerank=rerank))
        }
    }
    results["fusion_trials"] = trials
    results["rerank_trials"] = rerank_trials
    return results
