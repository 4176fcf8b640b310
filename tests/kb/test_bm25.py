"""The BM25 keyword index's helper over its postings: the rows holding every word of a phrase."""

from __future__ import annotations

import pytest

from kb.bm25 import BM25Index

TEXTS = [
    "Community energy cooperatives installed solar panels on council roofs.",
    "Residents voted on the neighbourhood budget.",
    "Solar panels on school roofs cut energy bills.",
]


@pytest.fixture(scope="module")
def index() -> BM25Index:
    return BM25Index.build(TEXTS)


def test_rows_with_all_needs_every_word(index: BM25Index) -> None:
    assert index.rows_with_all("solar roofs").tolist() == [0, 2]  # type: ignore[union-attr]
    assert index.rows_with_all("solar budget").tolist() == []  # type: ignore[union-attr]
    assert index.rows_with_all("the of") is None
