"""The packaged model through ONNX Runtime: the same vectors as sentence-transformers, without PyTorch's
per-call overhead (which dominates on short inputs such as queries).

The ONNX graph is exported once from the packaged weights with `torch.onnx.export` (opset 17, dynamic batch and
sequence axes; the transformer only, up to its last hidden state) into a cache directory,
`$XDG_CACHE_HOME/ccin-kb/onnx/<sha256 of the weights and config>/model.onnx` (`~/.cache` without
XDG_CACHE_HOME). The file is written to a temporary name and renamed into place, so two processes exporting at
once never read half a file, and changed weights get a directory of their own. Everything around the graph is
what sentence-transformers does for this model: the model's own fast tokenizer with the same `max_seq_length`
and truncation, mean pooling over the attention mask, then L2 normalisation.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Lock
from typing import Any

import numpy as np

from kb.embed import QueryCache

ONNX_OPSET = 17
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Files whose bytes decide the exported graph: the weights and the architecture.
SOURCE_FILES = ("config.json", "model.safetensors", "pytorch_model.bin")


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ccin-kb" / "onnx"


def source_checksum(model_dir: Path) -> str:
    """sha256 over the model's weights and config, the key of its export in the cache."""
    digest = hashlib.sha256()
    for name in SOURCE_FILES:
        path = model_dir / name
        if path.is_file():
            digest.update(name.encode() + b"\0")
            with path.open("rb") as file:
                for block in iter(lambda: file.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def exported_model(model_dir: Path, cache_dir: Path | None = None) -> Path:
    """The ONNX file for the model in `model_dir`, exported on first use (offline, a few seconds)."""
    target = (cache_dir or default_cache_dir()) / source_checksum(model_dir) / "model.onnx"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".model-", suffix=".onnx.tmp")
    os.close(handle)
    try:
        _export(model_dir, Path(temporary))
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return target


def _export(model_dir: Path, destination: Path) -> None:
    """The transformer from the packaged folder to ONNX with the TorchScript exporter (`dynamo=False` needs
    no onnxscript). Eager attention traces to plain MatMul/Softmax nodes that ONNX Runtime fuses itself."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class _LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    example = tuple(torch.ones((2, 8), dtype=torch.int64) for _ in INPUTS)
    axes = {name: {0: "batch", 1: "sequence"} for name in (*INPUTS, "last_hidden_state")}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about shape-dependent branches the inputs never take
        torch.onnx.export(
            _LastHiddenState(),
            example,
            str(destination),
            input_names=list(INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=ONNX_OPSET,
            dynamo=False,
        )


def _max_seq_length(model_dir: Path, tokenizer_limit: int) -> int:
    """As sentence-transformers reads it: `sentence_bert_config.json`, else the tokenizer's own limit."""
    config = model_dir / "sentence_bert_config.json"
    configured = json.loads(config.read_text()).get("max_seq_length") if config.is_file() else None
    return int(configured or tokenizer_limit)


def _session(model_file: Path) -> Any:
    """An ONNX Runtime session whose every call runs on its caller's thread alone (no intra-op thread pool), so
    callers decide how many cores are busy. Sessions are safe to call from several threads at once."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])


class OnnxEmbedder:
    """The packaged model run by ONNX Runtime on the CPU; vectors come back in input order, and queries share
    `QueryCache` with the PyTorch embedder.

    Every call runs on one thread of one session. Passages (`embed_passages`) run side by side, one per core and
    one passage a call, longest first, so nothing is padded. Splitting small batches across two cores instead
    costs their threads a meeting per operator: the sample corpus took 13.9 s and 26.5 CPU-s that way against
    11.5 s and 22.6 CPU-s as two batches at once (2 cores, same vectors), and the meetings wait longest when
    ingest's reader and writer want a core too. Document by document in ingest's slices of 64, side by side,
    batches of four took 13.6 s and 24.8 CPU-s, one passage a call 12.2 s and 23.2 (three runs each).

    Queries go through the query cache's one encoding thread (kb/embed.py) in length-sorted batches of four, on
    one core, leaving the other to the searches' Python. A batch split across both cores took 5.0-5.6 CPU-ms a
    query against 4.3 on one (15-token queries in batches of four), and under load at concurrency 8 its second
    core was the one the searches needed: the API served more requests a second with one (evaluations/load.py;
    see README, Results). A lone query takes 5.6 ms on one core against 4.2-4.6 on two."""

    def __init__(
        self,
        model_dir: Path | str,
        name: str,
        *,
        cache_dir: Path | None = None,
        cache_size: int = 1024,
        batch_size: int = 4,
        threads: int | None = None,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from transformers import AutoTokenizer

        model_dir = Path(model_dir)
        self.name = name
        self.model_file = exported_model(model_dir, cache_dir)
        self._tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
        self.max_seq_length = _max_seq_length(model_dir, int(self._tokenizer.model_max_length))
        sbert = model_dir / "sentence_bert_config.json"
        self._lower_case = bool(sbert.is_file() and json.loads(sbert.read_text()).get("do_lower_case"))
        self._tokenizer_lock = Lock()  # the fast tokenizer's truncation settings are not safe to share
        self._threads = threads or min(4, os.cpu_count() or 1)  # passages side by side
        self._session = _session(self.model_file)
        self.dimension = int(self._session.get_outputs()[0].shape[-1])
        self._batch_size = batch_size
        self._side_by_side: ThreadPoolExecutor | None = None  # made on first use (ingest only)
        self._side_by_side_lock = Lock()
        self._queries = QueryCache(lambda texts: self._embed(texts, side_by_side=False), cache_size, batch_size)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts, side_by_side=True)

    def _embed(self, texts: list[str], side_by_side: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._tokenizer_lock:
            encoded = self._tokenizer(
                [t.lower() for t in texts] if self._lower_case else texts,
                truncation="longest_first",
                max_length=self.max_seq_length,
                padding=False,
            )
        ids: list[list[int]] = encoded["input_ids"]
        types: list[list[int]] = encoded["token_type_ids"]
        order = np.argsort([len(row) for row in ids], kind="stable")
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)

        def encode(rows: np.ndarray) -> None:
            vectors[rows] = self._encode([ids[r] for r in rows], [types[r] for r in rows])

        if side_by_side and len(texts) > 1 and self._threads > 1:
            # One text a call, longest first: nothing padded, and the cores finish together.
            for _ in self._callers().map(encode, order[::-1, None]):  # re-raises a call's error here
                pass
        else:
            for start in range(0, len(texts), self._batch_size):
                encode(order[start : start + self._batch_size])
        return vectors

    def _callers(self) -> ThreadPoolExecutor:
        """One thread per core to call the session side by side (each call runs on its caller's thread)."""
        with self._side_by_side_lock:
            if self._side_by_side is None:
                self._side_by_side = ThreadPoolExecutor(self._threads, thread_name_prefix="ccin-encode")
            return self._side_by_side

    def embed_query(self, text: str) -> np.ndarray:
        """Cached; concurrent cache misses are encoded together in one batch (see `kb.embed.QueryEncoder`)."""
        return self._queries.embed(text)

    async def embed_query_async(self, text: str) -> np.ndarray:
        return await self._queries.embed_async(text)

    def _encode(self, ids: list[list[int]], types: list[list[int]]) -> np.ndarray:
        """One padded batch through the graph, then mean pooling over real tokens and L2 normalisation."""
        width = max(len(row) for row in ids)
        input_ids = np.full((len(ids), width), self._tokenizer.pad_token_id or 0, dtype=np.int64)
        token_types = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for i, (row, kinds) in enumerate(zip(ids, types, strict=True)):
            input_ids[i, : len(row)] = row
            token_types[i, : len(kinds)] = kinds
            mask[i, : len(row)] = 1
        feeds = {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": token_types}
        hidden = np.asarray(self._session.run(None, feeds)[0], dtype=np.float32)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
