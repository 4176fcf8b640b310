"""Near-duplicate passages (the two seed members' packs repeat most of their text) collapse into one
result that cites every source."""

from __future__ import annotations

import numpy as np

from kb.dedupe import assign_groups, is_near_duplicate
from kb.filters import Filters
from kb.knowledge_base import KnowledgeBase
from tests.conftest import search

PACKS = {"001-e33d7f85c6ea2c8b", "004-d017fc122f128cc7"}


def test_dynamic_purchasing_system_is_one_result_citing_both_packs(kb: KnowledgeBase) -> None:
    table = kb.snapshot()
    results = search(kb, "Dynamic Purchasing System", Filters(), 10).results
    top = results[0]
    assert top.citation.document_id in PACKS
    assert "Dynamic Purchas" in top.text
    assert [c.document_id for c in top.also_in] == sorted(PACKS - {top.citation.document_id})
    other = kb.document(top.also_in[0].document_id)
    assert (top.also_in[0].title, top.also_in[0].year) == (other.meta.title, other.meta.year)
    groups = [table.metas[table.ids.index(r.passage_id)]["dup_group"] for r in results]
    assert len(groups) == len(set(groups))
    texts_with_heading = [r for r in results if r.text.count("Dynamic Purchase System") > 0]
    assert len(texts_with_heading) == 1


def test_no_two_results_share_a_group_on_queries_about_the_packs(kb: KnowledgeBase) -> None:
    table = kb.snapshot()
    for query in (
        "membership subscriptions fund policy labs",
        "cooperative values and principles board",
        "executive oversight committee",
    ):
        for mode in ("hybrid", "bm25", "dense"):
            results = search(kb, query, Filters(), 15, mode=mode).results
            groups = [table.metas[table.ids.index(r.passage_id)]["dup_group"] for r in results]
            assert len(groups) == len(set(groups)), (query, mode)


def test_the_packs_are_recorded_as_near_duplicate_documents(kb: KnowledgeBase) -> None:
    assert kb.document("004-d017fc122f128cc7").near_duplicate_of == ["001-e33d7f85c6ea2c8b"]
    assert kb.document("001-e33d7f85c6ea2c8b").near_duplicate_of == ["004-d017fc122f128cc7"]
    assert kb.document("net-zero").near_duplicate_of == []


def test_rule_close_meaning_and_words_or_almost_wholly_inside() -> None:
    assert is_near_duplicate(0.95, 0.6, 5)
    assert not is_near_duplicate(0.95, 0.59, 500)
    assert is_near_duplicate(0.85, 0.9, 20)
    assert not is_near_duplicate(0.85, 0.9, 19)  # a few words inside a long passage prove nothing
    assert not is_near_duplicate(0.79, 1.0, 200)
    assert not is_near_duplicate(0.78, 0.85, 110)  # the sample reports' shared cover boilerplate


def test_assign_groups_joins_the_group_of_the_best_contained_passage() -> None:
    words = " ".join(f"w{i}" for i in range(60))
    vectors = np.eye(3, dtype=np.float32)
    near = np.array([[0.95, 0.31, 0.0]], dtype=np.float32)
    groups = assign_groups(["new"], [words], near, [words, "unrelated text here", words], vectors, ["g0", "g1", "g2"])
    assert groups == ["g0"]
    far = np.array([[0.0, 0.0, 0.5]], dtype=np.float32)
    assert assign_groups(["new"], [words], far, [words, "x", words], vectors, ["g0", "g1", "g2"]) == ["new"]
