"""The embedding model is loaded once per process and repeated queries come from a small cache."""

from __future__ import annotations

import numpy as np

from kb.embed import Embedder, packaged_embedder
from kb.knowledge_base import KnowledgeBase


def test_packaged_model_is_loaded_once_and_shared(embedder: Embedder, kb: KnowledgeBase) -> None:
    assert packaged_embedder() is embedder
    assert kb.embedder is embedder
    assert embedder.dimension == 384


def test_repeated_query_returns_the_cached_array(embedder: Embedder) -> None:
    first = embedder.embed_query("community wealth building in coastal towns")
    second = embedder.embed_query("community wealth building in coastal towns")
    assert second is first
    assert first.shape == (384,)
    assert abs(float(np.linalg.norm(first)) - 1.0) < 1e-5


def test_query_vector_matches_passage_encoding_of_the_same_text(embedder: Embedder) -> None:
    text = "a food club run by its members"
    assert np.allclose(embedder.embed_query(text), embedder.embed_passages([text])[0], atol=1e-5)


def test_passages_come_back_in_input_order_whatever_their_length(embedder: Embedder) -> None:
    texts = ["a much longer passage about participatory budgeting in a borough " * 8, "co-op", "energy", "x y z"]
    together = embedder.embed_passages(texts)
    alone = np.vstack([embedder.embed_passages([text]) for text in texts])
    assert np.allclose(together, alone, atol=1e-5)
    assert embedder.embed_passages([]).shape == (0, 384)
