"""Fusing keyword and semantic rankings into one.

Two named strategies, both small callables over ranked candidate lists ``[(row, score), ...]``:

- ``rrf`` — reciprocal rank fusion: ``fused(d) = Σ_i w_i / (k + rank_i(d))`` with ranks from 1; a list
  that does not contain ``d`` contributes nothing. Ignores score scales entirely, which makes it robust.
- ``convex`` — weighted sum of min-max normalised scores:
  ``fused(d) = Σ_i w_i · (s_i(d) − min_i)/(max_i − min_i)`` (a list whose scores are all equal gives 1);
  keeps how much better the top hit is, which RRF throws away.

With ``coverage_power`` p > 0 the BM25 weight is scaled by ``coverage^p``, where coverage is the largest share
of the query's words that one of BM25's top passages holds. A query that shares no words with its answer
(a paraphrase) still gets a BM25 list, made of passages that matched one stray word; min-max normalisation
would give its top passage full weight. Coverage tells that list apart from one where a passage holds every
query word.

Either can take a third list, the exact-phrase list (passages containing the query verbatim, or whose title
does), so an exact title or phrase match is not buried by fusion. Weights and ``k`` are chosen on the
development queries (evaluations/), not by taste.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Ranked = Sequence[tuple[int, float]]


def rrf(lists: Sequence[Ranked], weights: Sequence[float], k: float = 60.0) -> dict[int, float]:
    fused: dict[int, float] = {}
    for ranked, weight in zip(lists, weights, strict=True):
        for rank, (row, _) in enumerate(ranked, start=1):
            fused[row] = fused.get(row, 0.0) + weight / (k + rank)
    return fused


def convex(lists: Sequence[Ranked], weights: Sequence[float]) -> dict[int, float]:
    fused: dict[int, float] = {}
    for ranked, weight in zip(lists, weights, strict=True):
        if not ranked:
            continue
        scores = [s for _, s in ranked]
        low, high = min(scores), max(scores)
        span = (high - low) or 1.0
        for row, score in ranked:
            fused[row] = fused.get(row, 0.0) + weight * ((score - low) / span if high > low else 1.0)
    return fused


@dataclass(frozen=True)
class Fusion:
    strategy: str = "rrf"
    bm25_weight: float = 1.0
    dense_weight: float = 1.0
    phrase_weight: float = 1.0
    k: float = 60.0
    coverage_power: float = 0.0

    def __call__(
        self, bm25: Ranked, dense: Ranked, phrase: Ranked = (), coverage: float = 1.0
    ) -> list[tuple[int, float]]:
        lists = [bm25, dense, phrase]
        weights = [self.bm25_weight * coverage**self.coverage_power, self.dense_weight, self.phrase_weight]
        if self.strategy == "rrf":
            fused = rrf(lists, weights, self.k)
        elif self.strategy == "convex":
            fused = convex(lists, weights)
        else:
            raise ValueError(f"unknown fusion strategy {self.strategy!r}")
        return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True)
class Rerank:
    """A second, cheap pass over the fused list that reads what each passage is, not only how well it matched:

    - by role (kb/roles.py): an introduction (foreword, opening page) is scaled by ``introduction_weight``
      (it restates a report's aims more than it answers); when the query asks for a kind of passage
      (kb/roles.asked_roles: "has any council …" asks for case studies, "recommendations", "should",
      "lessons" for recommendations), passages of that kind are scaled by ``case_study_weight`` or
      ``recommendation_weight``;
    - by document: each passage gains ``document_weight`` × the best (role-weighted) score of another passage of
      its document among the top ``depth``, so a passage of a document that answers the query well rises above
      a lone stray match elsewhere.

    Weights are chosen on the development queries (evaluations/retrieval.py); the identity (every weight 1,
    ``document_weight`` 0) leaves the fused order unchanged. Cost: one pass over the fused list."""

    introduction_weight: float = 1.0
    case_study_weight: float = 1.0
    recommendation_weight: float = 1.0
    document_weight: float = 0.0
    depth: int = 30

    def __call__(
        self,
        fused: Ranked,
        roles: Sequence[str] | np.ndarray,
        documents: Sequence[str] | np.ndarray,
        asked: frozenset[str] = frozenset(),
    ) -> list[tuple[int, float]]:
        """`roles` and `documents` are indexed by row (the snapshot's columns)."""
        weights = {"introduction": self.introduction_weight}
        if "case_study" in asked:
            weights["case_study"] = self.case_study_weight
        if "recommendation" in asked:
            weights["recommendation"] = self.recommendation_weight
        scored = [(row, score * weights.get(str(roles[row]), 1.0)) for row, score in fused]
        if self.document_weight:
            best: dict[str, list[tuple[float, int]]] = {}
            for row, score in sorted(scored, key=lambda item: (-item[1], item[0]))[: self.depth]:
                kept = best.setdefault(str(documents[row]), [])
                if len(kept) < 2:
                    kept.append((score, row))
            adjusted = []
            for row, score in scored:
                other = next((s for s, r in best.get(str(documents[row]), []) if r != row), 0.0)
                adjusted.append((row, score + self.document_weight * other))
            scored = adjusted
        return sorted(scored, key=lambda item: (-item[1], item[0]))
