"""The retrieval and tagging metrics behind the README's tables, checked on hand-worked examples and against
scikit-learn."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import ndcg_score

from evaluations.data import Judgment, load_passages, load_queries
from evaluations.metrics import document_grades, document_ndcg, gains, mrr, ndcg, prf, recall

JUDGMENTS = (
    Judgment("net-zero", 3, "780 kW on 11 schools"),
    Judgment("sustainable-food", 2, None),
    Judgment("social-value-toolkit", 1, None),
)


def test_each_judgment_is_credited_once_and_evidence_must_match() -> None:
    results = [
        ("sustainable-food", "any passage"),
        ("sustainable-food", "another passage of the same document"),
        ("net-zero", "installed 780 kW on 11 schools, two leisure centres"),
        ("net-zero", "a net zero passage without the phrase"),
    ]
    assert gains(results, JUDGMENTS) == [(2, 1), (0, None), (3, 0), (0, None)]


def test_ndcg_mrr_recall_by_hand() -> None:
    earned = [(2, 1), (0, None), (3, 0)]
    dcg = (2**2 - 1) / math.log2(2) + (2**3 - 1) / math.log2(4)
    idcg = (2**3 - 1) / math.log2(2) + (2**2 - 1) / math.log2(3) + (2**1 - 1) / math.log2(4)
    assert ndcg(earned, JUDGMENTS, 10) == pytest.approx(dcg / idcg)
    assert mrr(earned, 10) == 1.0
    assert mrr([(1, 2), (3, 0)], 10) == 0.5
    assert recall(earned, JUDGMENTS, 1) == 0.5
    assert recall(earned, JUDGMENTS, 5) == 1.0


def test_labelled_data_meets_its_promises() -> None:
    queries = load_queries()
    assert len(queries) >= 80 and {q.split for q in queries} == {"dev", "test"}
    assert all(any(j.grade == 3 for j in q.judgments) for q in queries)
    passages = load_passages()
    test = [p for p in passages if p.split == "test"]
    assert len(passages) >= 300 and len(test) >= 100
    for principle in range(1, 11):
        assert sum(principle in p.labels for p in test) >= 8, principle
    dev_texts = {p.text for p in passages if p.split == "dev"}
    assert not dev_texts & {p.text for p in test}


def test_document_ndcg_credits_each_document_once_at_its_best_grade() -> None:
    grades = document_grades((*JUDGMENTS, Judgment("net-zero", 1, "another"), Judgment("sustainable-food", 3, None)))
    assert grades == {"net-zero": 3, "sustainable-food": 3, "social-value-toolkit": 1}
    ideal = 7 + 7 / math.log2(3) + 1 / 2
    repeated = ["net-zero", "net-zero", "sustainable-food"]  # the repeat earns nothing and takes a slot
    assert document_ndcg(repeated, grades) == pytest.approx((7 + 7 / 2) / ideal)
    assert document_ndcg(["net-zero", "sustainable-food", "social-value-toolkit"], grades) == pytest.approx(1.0)
    assert document_ndcg(["unjudged"], grades) == 0.0


def _sklearn_ndcg(earned: list[tuple[int, int | None]], judgments: tuple[Judgment, ...], k: int) -> float:
    """scikit-learn's nDCG@k of the ranking with gains 2^grade − 1, padded to k, then the judgments it did not
    earn ranked after it, so that its ideal is drawn from every judgment as ours is."""
    ranked = [2**grade - 1 for grade, _ in earned[:k]]
    ranked += [0] * (k - len(ranked))
    credited = {index for _, index in earned[:k] if index is not None}
    missed = [2**j.grade - 1 for i, j in enumerate(judgments) if i not in credited]
    relevance = np.array([ranked + missed], dtype=float)
    return float(ndcg_score(relevance, -np.arange(relevance.shape[1], dtype=float)[None, :], k=k))


@pytest.mark.parametrize(
    "earned",
    [[(2, 1), (0, None), (3, 0)], [(0, None)] * 12, [(1, 2), (3, 0), (0, None), (2, 1)], [(3, 0)], []],
)
@pytest.mark.parametrize("k", [1, 3, 10])
def test_ndcg_equals_scikit_learn_given_the_unretrieved_judgments(earned: list[tuple[int, int | None]], k: int) -> None:
    assert ndcg(earned, JUDGMENTS, k) == pytest.approx(_sklearn_ndcg(earned, JUDGMENTS, k))


def test_scikit_learn_ndcg_of_the_ranking_alone_is_not_ours() -> None:
    # Its ideal is the ranking's own best order: a list that found only the grade-2 document scores 1.0.
    earned = [(2, 1), (0, None)]
    assert ndcg_score([[3, 0]], [[2, 1]], k=10) == 1.0
    assert ndcg(earned, JUDGMENTS, 10) < 0.5


def test_prf_by_hand_with_a_principle_neither_labelled_nor_predicted() -> None:
    truth = np.zeros((4, 10), dtype=bool)
    predicted = np.zeros((4, 10), dtype=bool)
    truth[[0, 1, 2], 0] = True
    predicted[[0, 1, 3], 0] = True  # tp 2, fp 1, fn 1
    truth[0, 1] = True  # principle 2: missed
    predicted[1, 2] = True  # principle 3: wrongly predicted
    scores = prf(truth, predicted)
    first = scores["per_principle"][1]  # type: ignore[index]
    assert (first["precision"], first["recall"], first["f1"], first["support"]) == (0.667, 0.667, 0.667, 3)
    assert scores["per_principle"][2]["f1"] == scores["per_principle"][4]["f1"] == 0.0  # type: ignore[index]
    assert scores["macro_f1"] == round((2 / 3) / 10, 4)
    micro_p, micro_r = 2 / 4, 2 / 4  # tp 2; fp 1 + 1; fn 1 + 1
    assert (scores["micro_precision"], scores["micro_recall"], scores["micro_f1"]) == (micro_p, micro_r, 0.5)
