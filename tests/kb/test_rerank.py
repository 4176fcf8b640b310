"""The hybrid rerank by passage role and document (kb/fusion.Rerank) and the query cues it reads
(kb/roles.asked_roles)."""

from __future__ import annotations

from kb.filters import Filters
from kb.fusion import Rerank
from kb.knowledge_base import KnowledgeBase
from kb.retrieve import DEFAULT_FUSION, DEFAULT_RERANK, NO_RERANK, Retriever
from kb.roles import asked_roles

ROLES = ["body", "introduction", "case_study", "recommendation", "body", "body"]
DOCUMENTS = ["a", "a", "b", "c", "b", "d"]
FUSED = [(0, 1.0), (1, 0.95), (2, 0.9), (3, 0.85), (4, 0.8), (5, 0.79)]


def order(rerank: Rerank, asked: frozenset[str] = frozenset()) -> list[int]:
    return [row for row, _ in rerank(FUSED, ROLES, DOCUMENTS, asked)]


def test_the_identity_keeps_the_fused_order() -> None:
    assert order(NO_RERANK) == [0, 1, 2, 3, 4, 5]
    assert order(NO_RERANK, frozenset({"case_study", "recommendation"})) == [0, 1, 2, 3, 4, 5]


def test_introductions_are_weighed_down() -> None:
    assert order(Rerank(introduction_weight=0.8)) == [0, 2, 3, 4, 5, 1]


def test_the_kind_a_query_asks_for_is_weighed_up_only_when_asked() -> None:
    boost = Rerank(case_study_weight=1.2, recommendation_weight=1.5)
    assert order(boost) == [0, 1, 2, 3, 4, 5]
    assert order(boost, frozenset({"case_study"}))[0] == 2
    assert order(boost, frozenset({"recommendation"}))[0] == 3


def test_a_passage_rises_with_another_strong_passage_of_its_document() -> None:
    """Rows 4 and 5 score almost alike; row 4's document also holds row 2, so it moves ahead of row 5 and of
    row 3 (a lone match in its document)."""
    ranked = order(Rerank(document_weight=0.2))
    assert ranked.index(4) < ranked.index(3) and ranked.index(4) < ranked.index(5)


def test_queries_asking_for_a_kind_of_passage() -> None:
    assert asked_roles("has any council run a repair café") == {"case_study"}
    assert asked_roles("councils that lease roofs to energy co-ops") == {"case_study"}
    assert asked_roles("what should we check before a transfer") == {"recommendation"}
    assert asked_roles("Croydon housing commission recommendations") == {"recommendation"}
    assert asked_roles("community land trust") == frozenset()


def _roles(kb: KnowledgeBase, query: str, rerank: Rerank) -> list[str]:
    table = kb.snapshot()
    hits = Retriever(kb.embedder, DEFAULT_FUSION, rerank).search(table, query, Filters(), 3)
    return [str(table.role[hit.row]) for hit in hits]


def test_the_rerank_lifts_what_a_query_asks_for(kb: KnowledgeBase) -> None:
    """On the real sample index: a query for recommendations gets them first with the rerank and not without it
    (the fused list alone ranks other passages of the report higher); a "has any council" query gets a second
    case study where the fused list had the report's foreword."""
    for query in ("social value toolkit recommendations", "what should councils do about community energy"):
        assert _roles(kb, query, DEFAULT_RERANK)[0] == "recommendation", query
        assert _roles(kb, query, NO_RERANK)[0] != "recommendation", query
    query = "has any council transferred a park building"
    assert _roles(kb, query, DEFAULT_RERANK)[:2] == ["case_study", "case_study"]
    assert "introduction" in _roles(kb, query, NO_RERANK)
