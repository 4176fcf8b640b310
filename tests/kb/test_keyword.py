"""The BM25 keyword index's helpers over its postings: exact-word candidates and query-word coverage."""

from __future__ import annotations

import pytest

from kb.keyword import KeywordIndex

TEXTS = [
    "Community energy cooperatives installed solar panels on council roofs.",
    "Residents voted on the neighbourhood budget.",
    "Solar panels on school roofs cut energy bills.",
]


@pytest.fixture(scope="module")
def index() -> KeywordIndex:
    return KeywordIndex.build(TEXTS)


def test_coverage_is_the_best_share_of_query_words_one_row_holds(index: KeywordIndex) -> None:
    # query tokens after stop words and stemming: solar, panel, school, vote
    query = "solar panels at the school they voted for"
    assert index.coverage(query, [0]) == pytest.approx(2 / 4)
    assert index.coverage(query, [1]) == pytest.approx(1 / 4)
    assert index.coverage(query, [0, 1, 2]) == pytest.approx(3 / 4)


def test_coverage_of_words_the_corpus_lacks_is_zero(index: KeywordIndex) -> None:
    assert index.coverage("phoning housebound pensioners", [0, 1, 2]) == 0.0
    assert index.coverage("", [0]) == 0.0
    assert index.coverage("solar", []) == 0.0


def test_rows_with_all_needs_every_word(index: KeywordIndex) -> None:
    assert index.rows_with_all("solar roofs").tolist() == [0, 2]  # type: ignore[union-attr]
    assert index.rows_with_all("solar budget").tolist() == []  # type: ignore[union-attr]
    assert index.rows_with_all("the of") is None
