"""The retrieval metrics behind the README's table, checked on hand-worked rankings."""

from __future__ import annotations

import math

import pytest

from evaluations.data import Judgment, load_passages, load_queries
from evaluations.metrics import document_grades, document_ndcg, gains, mrr, ndcg, recall

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
