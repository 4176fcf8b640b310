"""The ONNX Runtime backend against the PyTorch one, both on the real packaged model: the same vectors, the same
rankings, and one export per set of weights."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from safetensors import safe_open
from safetensors.numpy import save_file

from evaluations.data import load_queries
from kb.analysis import embedding_text
from kb.embed import Embedder, packaged_embedder, packaged_model_dir, resolve_backend
from kb.filters import Filters
from kb.knowledge_base import KnowledgeBase
from kb.onnx_embed import OnnxEmbedder, source_checksum
from kb.retrieve import Retriever


@pytest.fixture(scope="module")
def torch_embedder() -> Embedder:
    return packaged_embedder("torch")


@pytest.fixture(scope="module")
def onnx_embedder() -> OnnxEmbedder:
    embedder = packaged_embedder("onnx")
    assert isinstance(embedder, OnnxEmbedder)
    return embedder


def test_auto_means_onnx_when_onnxruntime_is_installed(embedder: Embedder, onnx_embedder: OnnxEmbedder) -> None:
    assert resolve_backend("auto") == "onnx"
    assert embedder is onnx_embedder
    assert onnx_embedder.max_seq_length == 256  # SentenceTransformer(...).max_seq_length for this model


def test_backends_share_the_model_name(onnx_embedder: OnnxEmbedder, torch_embedder: Embedder) -> None:
    assert onnx_embedder.name == torch_embedder.name == "all-MiniLM-L6-v2"
    assert onnx_embedder.dimension == torch_embedder.dimension == 384


def test_an_unknown_backend_fails_naming_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown embedding backend 'tf': use one of auto, onnx, torch"):
        resolve_backend("tf")


def sample_passages(kb: KnowledgeBase, count: int = 48) -> list[str]:
    """Passages from the sample index as ingest embeds them: the longest (cut at 256 tokens) and a spread."""
    table = kb.snapshot()
    texts = [
        embedding_text(str(meta.get("title", "")), json.loads(str(meta.get("heading_path", "[]"))), text)
        for meta, text in zip(table.metas, table.texts, strict=True)
    ]
    longest = sorted(range(len(texts)), key=lambda i: -len(texts[i]))[: count // 3]
    spread = np.linspace(0, len(texts) - 1, count - len(longest)).astype(int).tolist()
    return [texts[i] for i in sorted(set(longest) | set(spread))]


def test_both_backends_give_the_same_passage_vectors(
    kb: KnowledgeBase, onnx_embedder: OnnxEmbedder, torch_embedder: Embedder
) -> None:
    texts = sample_passages(kb)
    assert len(texts) >= 40
    onnx, torch = onnx_embedder.embed_passages(texts), torch_embedder.embed_passages(texts)
    cosines = (onnx * torch).sum(axis=1)
    assert cosines.min() >= 0.9999, [texts[i][:60] for i in np.flatnonzero(cosines < 0.9999)]
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)


def test_passages_side_by_side_give_the_vectors_of_one_at_a_time(kb: KnowledgeBase) -> None:
    """Ingest embeds a document's passages side by side, one thread each; queries are encoded by the query
    encoder's one thread and never start the side-by-side callers."""
    embedder = OnnxEmbedder(packaged_model_dir(), "m", threads=2)
    before, encoders_before = _threads("ccin-encode_"), _threads("ccin-query-encoder")
    queries = [q.text for q in load_queries()[:12]]
    for query in queries:
        embedder.embed_query(query)
    assert _threads("ccin-encode_") == before
    assert len(_threads("ccin-query-encoder") - encoders_before) == 1
    texts = sample_passages(kb)
    together = embedder.embed_passages(texts)
    assert len(_threads("ccin-encode_") - before) == 2
    one_by_one = np.vstack([embedder.embed_passages([text]) for text in texts])
    assert np.abs(together - one_by_one).max() < 1e-5
    queried = np.vstack([embedder.embed_query(q) for q in queries])
    assert np.abs(queried - embedder.embed_passages(queries)).max() < 1e-5


def _threads(prefix: str) -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name.startswith(prefix)}


@pytest.mark.parametrize("mode", ["dense", "hybrid"])
def test_both_backends_rank_the_evaluation_queries_alike(
    kb: KnowledgeBase, onnx_embedder: OnnxEmbedder, torch_embedder: Embedder, mode: str
) -> None:
    table = kb.snapshot()
    by_onnx, by_torch = Retriever(onnx_embedder), Retriever(torch_embedder)
    different = []
    for query in (q.text for q in load_queries()):
        onnx_rows = [hit.row for hit in by_onnx.search(table, query, Filters(), 10, mode)]
        torch_rows = [hit.row for hit in by_torch.search(table, query, Filters(), 10, mode)]
        if onnx_rows != torch_rows:
            different.append(query)
    assert different == []


@pytest.mark.slow
def test_the_export_is_made_once_and_again_when_the_weights_change(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = OnnxEmbedder(packaged_model_dir(), "m", cache_dir=cache)
    exported = first.model_file
    assert exported == cache / source_checksum(packaged_model_dir()) / "model.onnx"
    made = exported.stat().st_mtime_ns

    again = OnnxEmbedder(packaged_model_dir(), "m", cache_dir=cache)
    assert again.model_file == exported
    assert exported.stat().st_mtime_ns == made
    assert [p.name for p in exported.parent.iterdir()] == ["model.onnx"]  # no temporary file left behind

    changed_dir = tmp_path / "model"
    shutil.copytree(packaged_model_dir(), changed_dir)
    weights = changed_dir / "model.safetensors"
    with safe_open(str(weights), "np") as source:
        metadata = source.metadata()
        tensors = {key: source.get_tensor(key) for key in source.keys()}  # noqa: SIM118 (not a dict)
    tensors["pooler.dense.bias"] = tensors["pooler.dense.bias"] + 1.0  # unused by mean pooling
    tensors["embeddings.word_embeddings.weight"] = tensors["embeddings.word_embeddings.weight"] * 1.5
    save_file(tensors, str(weights), metadata=metadata)

    changed = OnnxEmbedder(changed_dir, "m", cache_dir=cache)
    assert changed.model_file == cache / source_checksum(changed_dir) / "model.onnx"
    assert changed.model_file != exported
    assert exported.stat().st_mtime_ns == made
    text = ["a community energy co-operative owned by its members"]
    assert float(changed.embed_passages(text)[0] @ first.embed_passages(text)[0]) < 0.9999
