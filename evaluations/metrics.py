"""Graded retrieval metrics over judgments.

A ranked result earns the grade of the best judgment it matches that no earlier result has already earned:
each judgment is credited once, so ten passages from one right document do not count ten times.
- nDCG@k = DCG@k / ideal DCG@k with gain 2^grade − 1 and discount log2(rank + 1);
- MRR@k = 1 / rank of the first result earning grade ≥ 2 (0 if none in the top k);
- Recall@k = share of grade ≥ 2 judgments earned within the top k.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from evaluations.data import Judgment, normalise


def gains(results: Sequence[tuple[str, str]], judgments: Sequence[Judgment]) -> list[tuple[int, int | None]]:
    """For each (document_id, text) result: (grade earned, index of the judgment credited)."""
    credited: set[int] = set()
    out = []
    for document_id, text in results:
        normalised = normalise(text)
        best, best_index = 0, None
        for index, judgment in enumerate(judgments):
            if index in credited or judgment.grade <= best:
                continue
            if judgment.matches(document_id, normalised):
                best, best_index = judgment.grade, index
        if best_index is not None:
            credited.add(best_index)
        out.append((best, best_index))
    return out


def ndcg(earned: Sequence[tuple[int, int | None]], judgments: Sequence[Judgment], k: int = 10) -> float:
    dcg = sum((2**g - 1) / math.log2(rank + 2) for rank, (g, _) in enumerate(earned[:k]))
    ideal = sorted((j.grade for j in judgments), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def mrr(earned: Sequence[tuple[int, int | None]], k: int = 10) -> float:
    for rank, (grade, _) in enumerate(earned[:k], start=1):
        if grade >= 2:
            return 1.0 / rank
    return 0.0


def recall(earned: Sequence[tuple[int, int | None]], judgments: Sequence[Judgment], k: int) -> float:
    relevant = [i for i, j in enumerate(judgments) if j.grade >= 2]
    if not relevant:
        return 0.0
    found = {index for grade, index in earned[:k] if index is not None and grade >= 2}
    return len(found & set(relevant)) / len(relevant)
