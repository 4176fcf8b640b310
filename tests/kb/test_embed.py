"""The embedding model is loaded once per process and repeated queries come from a small cache."""

from __future__ import annotations

import numpy as np

from kb.embed import SentenceTransformerEmbedder, packaged_embedder
from kb.knowledge_base import KnowledgeBase


def test_packaged_model_is_loaded_once_and_shared(embedder: SentenceTransformerEmbedder, kb: KnowledgeBase) -> None:
    assert packaged_embedder() is embedder
    assert kb.embedder is embedder
    assert embedder.dimension == 384


def test_repeated_query_returns_the_cached_array(embedder: SentenceTransformerEmbedder) -> None:
    first = embedder.embed_query("community wealth building in coastal towns")
    second = embedder.embed_query("community wealth building in coastal towns")
    assert second is first
    assert first.shape == (384,)
    assert abs(float(np.linalg.norm(first)) - 1.0) < 1e-5


def test_query_vector_matches_passage_encoding_of_the_same_text(
    embedder: SentenceTransformerEmbedder,
) -> None:
    text = "a food club run by its members"
    assert np.allclose(embedder.embed_query(text), embedder.embed_passages([text])[0], atol=1e-5)
