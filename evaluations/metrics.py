"""Graded retrieval metrics over judgments, and the tagging metrics (precision, recall and F1 per principle).

A ranked result earns the grade of the best judgment it matches that no earlier result has already earned:
each judgment is credited once, so ten passages from one right document do not count ten times.
- nDCG@k = DCG@k / ideal DCG@k with gain 2^grade − 1 and discount log2(rank + 1);
- MRR@k = 1 / rank of the first result earning grade ≥ 2 (0 if none in the top k);
- Recall@k = share of grade ≥ 2 judgments earned within the top k.

Document-level nDCG@k (`document_ndcg`) asks whether the right projects are listed: a document's grade is the
best grade any judgment gives it, a ranked document earns it the first time it appears (a second passage of the
same document earns nothing), and the ideal lists the judged documents best first.

These are written out because scikit-learn's ranking metrics score a list of items against its own
re-ordering: `ndcg_score` takes the ideal from the ranked items alone (ours comes from every judgment,
retrieved or not), uses the grade itself as the gain (ours is 2^grade − 1), averages over tied scores, and
knows nothing of crediting a judgment once. tests/evaluations/test_metrics.py checks `ndcg` against
`ndcg_score` given the unretrieved judgments after the ranking. Precision, recall and F1 come from scikit-learn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

from evaluations.data import Judgment, normalise
from kb.principles import NAMES


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


def document_grades(judgments: Sequence[Judgment]) -> dict[str, int]:
    """Each judged document's best grade."""
    grades: dict[str, int] = {}
    for judgment in judgments:
        grades[judgment.document_id] = max(grades.get(judgment.document_id, 0), judgment.grade)
    return grades


def document_ndcg(documents: Sequence[str], grades: dict[str, int], k: int = 10) -> float:
    """nDCG@k of a ranked list of document ids (repeats allowed, earning nothing)."""
    seen: set[str] = set()
    dcg = 0.0
    for rank, document_id in enumerate(documents[:k]):
        if document_id not in seen:
            dcg += (2 ** grades.get(document_id, 0) - 1) / math.log2(rank + 2)
            seen.add(document_id)
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def prf(truth: np.ndarray, predicted: np.ndarray) -> dict[str, object]:
    """Per-principle precision/recall/F1 plus micro and macro F1, over (n, 10) boolean matrices; a ratio with
    nothing to divide (no passage predicted, or none labelled) counts as 0."""
    precision, recall_, f1, support = precision_recall_fscore_support(truth, predicted, zero_division=0)
    micro_p, micro_r, micro, _ = precision_recall_fscore_support(truth, predicted, average="micro", zero_division=0)
    rows = {
        pid: {
            "name": NAMES[pid],
            "precision": round(float(precision[j]), 3),
            "recall": round(float(recall_[j]), 3),
            "f1": round(float(f1[j]), 3),
            "support": int(support[j]),
        }
        for j, pid in enumerate(NAMES)
    }
    return {
        "macro_f1": round(float(np.mean(f1)), 4),
        "micro_f1": round(float(micro), 4),
        "micro_precision": round(float(micro_p), 4),
        "micro_recall": round(float(micro_r), 4),
        "per_principle": rows,
    }
