"""Retrieval modes on the sample index, and the exact-title/phrase guard in hybrid."""

from __future__ import annotations

import numpy as np
import pytest

from kb.analysis import normalise, tokenize
from kb.errors import InvalidQuery
from kb.filters import Filters
from kb.knowledge_base import KnowledgeBase
from kb.retrieve import Retriever, collapse_near_duplicates, exact_matches_first
from tests.conftest import search

QUERY = "community energy society rooftop solar on schools"


def _expected(kb: KnowledgeBase, scores: np.ndarray, k: int, positive_only: bool) -> list[str]:
    """The oracle: every row by score (ties by row), one per near-duplicate group, first k."""
    order = sorted(range(len(scores)), key=lambda row: (-float(scores[row]), row))
    ranked = [(row, float(scores[row])) for row in order if not positive_only or scores[row] > 0]
    table = kb.snapshot()
    return [table.ids[hit.row] for hit in collapse_near_duplicates(table, ranked, k)]


def test_bm25_mode_is_pure_keyword_ranking(kb: KnowledgeBase) -> None:
    table = kb.snapshot()
    results = search(kb, QUERY, Filters(role="any"), 8, mode="bm25").results
    assert [r.passage_id for r in results] == _expected(kb, table.keyword.scores(QUERY), 8, positive_only=True)
    terms = set(tokenize(QUERY))
    for result in results:
        assert terms & set(tokenize(result.text + " " + result.citation.title))


def test_dense_mode_is_pure_cosine_ranking(kb: KnowledgeBase) -> None:
    table = kb.snapshot()
    scores = table.embeddings @ kb.embedder.embed_query(QUERY)
    results = search(kb, QUERY, Filters(role="any"), 8, mode="dense").results
    assert [r.passage_id for r in results] == _expected(kb, scores, 8, positive_only=False)
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)


def test_hybrid_finds_the_answer_first(kb: KnowledgeBase) -> None:
    top = search(kb, QUERY, Filters(), 3).results[0]
    assert top.citation.document_id == "net-zero"
    assert "<mark>rooftop solar</mark>" in top.snippet


def test_unknown_mode_is_rejected(kb: KnowledgeBase) -> None:
    with pytest.raises(InvalidQuery, match="unknown mode 'fuzzy': use one of hybrid, bm25, dense"):
        search(kb, QUERY, Filters(), 3, mode="fuzzy")


def test_exact_phrase_puts_its_passage_first_even_when_dense_ranks_it_low(kb: KnowledgeBase) -> None:
    phrase = "What role, if any, has local and regional government played"
    table = kb.snapshot()
    owners = [row for row, text in enumerate(table.texts) if normalise(phrase) in normalise(text)]
    assert [table.metas[row]["document_id"] for row in owners] == ["study-visit-mondragon"]
    retriever = Retriever(kb.embedder)
    dense_order = [row for row, _ in retriever.dense(table, phrase, None, len(table))]
    assert dense_order.index(owners[0]) >= 10  # dense alone buries it
    results = search(kb, phrase, Filters(), 5).results
    assert results[0].passage_id == table.ids[owners[0]]
    assert "<mark>regional government played</mark>" in results[0].snippet


def test_exact_title_puts_that_document_first_over_a_passage_quoting_it(kb: KnowledgeBase) -> None:
    title = "Cooperative Approaches to Sustainable Food"
    table = kb.snapshot()
    quoting = {table.metas[row]["document_id"] for row in table.lookups.phrase_rows(title)}
    assert {"sustainable-food", "001-e33d7f85c6ea2c8b"} <= quoting  # a members' pack quotes the title too
    results = search(kb, title, Filters(), 5).results
    assert results[0].citation.document_id == "sustainable-food"
    assert results[0].citation.title == title


def test_guard_keeps_fused_order_inside_each_tier() -> None:
    ranked = [(1, 0.9), (2, 0.8), (3, 0.7), (4, 0.6), (5, 0.5)]
    guarded = exact_matches_first(ranked, [{4}, {2, 4, 5}])
    assert [row for row, _ in guarded] == [4, 2, 5, 1, 3]
    # Each tier is lifted just above the tiers below it, so scores still fall with rank.
    assert [score for _, score in guarded] == pytest.approx([3.2, 2.2, 1.9, 0.9, 0.7])
    assert exact_matches_first(ranked, [set(), set()]) == ranked


def test_single_word_query_gets_no_phrase_guard(kb: KnowledgeBase) -> None:
    phrase = Retriever(kb.embedder).phrase(kb.snapshot(), "cooperative", None)
    assert (phrase.ranked, phrase.tiers) == ([], [])


def test_coverage_is_the_best_share_of_query_words_one_row_holds(kb: KnowledgeBase) -> None:
    table = kb.snapshot()
    words = sorted(set(tokenize(table.texts[0])))
    present = [w for w in words if w.isalpha() and len(w) > 4][:2]
    query = f"{present[0]} {present[1]} xylophonist quasarfield"
    assert table.lookups.coverage(query, [0]) == pytest.approx(2 / 4)
    assert table.lookups.coverage(" ".join(present), [0]) == 1.0
    assert table.lookups.coverage("xylophonist quasarfield", list(range(len(table)))) == 0.0
    assert table.lookups.coverage("", [0]) == 0.0
    assert table.lookups.coverage(query, []) == 0.0


def test_a_query_sharing_no_words_with_the_corpus_ranks_as_dense_does(kb: KnowledgeBase) -> None:
    # BM25 matches only "council"-like stray words, so coverage is low and hybrid follows dense at the top
    table = kb.snapshot()
    query = "xylophonist quasarfield council"
    retriever = Retriever(kb.embedder)
    keyword = retriever.bm25(table, query, None, 50)
    assert table.lookups.coverage(query, [row for row, _ in keyword[:5]]) <= 1 / 3
    dense = [hit.row for hit in retriever.search(table, query, Filters(), 3, "dense")]
    hybrid = [hit.row for hit in retriever.search(table, query, Filters(), 3, "hybrid")]
    assert hybrid[0] == dense[0]
