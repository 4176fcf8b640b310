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
