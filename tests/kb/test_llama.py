"""The llama-index adapter returns the knowledge base's own ranking, with citation metadata on each node."""

from __future__ import annotations

from kb.filters import Filters
from kb.knowledge_base import KnowledgeBase
from kb.llama import KnowledgeBaseRetriever
from kb.retrieve import Retriever


def test_llama_retriever_matches_the_product_ranking(kb: KnowledgeBase) -> None:
    query = "community energy society rooftop solar on schools"
    nodes = KnowledgeBaseRetriever(kb, k=5).retrieve(query)
    table = kb.snapshot()
    hits = Retriever(kb.embedder).search(table, query, Filters(), 5, "hybrid")
    assert [n.node.node_id for n in nodes] == [table.ids[h.row] for h in hits]
    assert [n.score for n in nodes] == [h.score for h in hits]
    assert nodes[0].node.metadata["document_id"] == "net-zero"
    assert nodes[0].node.metadata["lead_council"] == "Kirklees Council"
