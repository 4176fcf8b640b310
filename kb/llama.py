"""llama-index glue: the knowledge base's retrieval and embedding model as llama-index components, so
llama-index applications (query engines, agents) can use the CCIN index as it is.

The product's own hot path does not go through llama-index: `python -m evaluations --only latency` measures
llama-index's Chroma vector-store retriever against the snapshot's exact dense search on the same index and
reports both (see the README's results)."""

from __future__ import annotations

from typing import Any

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from pydantic import PrivateAttr

from kb.embed import Embedder
from kb.filters import Filters
from kb.knowledge_base import KnowledgeBase
from kb.retrieve import Retriever


class PackagedEmbedding(BaseEmbedding):
    """The product's embedder behind llama-index's embedding interface."""

    _embedder: Embedder = PrivateAttr()

    def __init__(self, embedder: Embedder, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.name, **kwargs)
        self._embedder = embedder

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embedder.embed_query(query).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.embed_passages([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed_passages(texts).tolist()


class KnowledgeBaseRetriever(BaseRetriever):
    """Hybrid (or bm25/dense) CCIN retrieval returning llama-index nodes with the citation in their metadata."""

    def __init__(self, kb: KnowledgeBase, k: int = 10, mode: str = "hybrid", filters: Filters | None = None) -> None:
        super().__init__()
        self._kb = kb
        self._k = k
        self._mode = mode
        self._filters = filters or Filters()

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        table = self._kb.snapshot()
        hits = Retriever(self._kb.embedder).search(table, query_bundle.query_str, self._filters, self._k, self._mode)
        nodes = []
        for hit in hits:
            meta = {k: v for k, v in table.metas[hit.row].items() if isinstance(v, str | int | float)}
            nodes.append(
                NodeWithScore(
                    node=TextNode(id_=table.ids[hit.row], text=table.texts[hit.row], metadata=meta),
                    score=hit.score,
                )
            )
        return nodes


def chroma_vector_retriever(kb: KnowledgeBase, k: int = 10) -> BaseRetriever:
    """llama-index's own path over the same Chroma collection: ChromaVectorStore + VectorStoreIndex."""
    from llama_index.core import VectorStoreIndex
    from llama_index.vector_stores.chroma import ChromaVectorStore

    store = ChromaVectorStore(chroma_collection=kb.store.collection)
    index = VectorStoreIndex.from_vector_store(store, embed_model=PackagedEmbedding(kb.embedder))
    return index.as_retriever(similarity_top_k=k)
