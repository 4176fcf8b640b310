"""Speed benchmarks (never asserted in tests): ingest throughput against embedding alone, and query latency
per mode at growing index sizes.

Large indexes are synthetic but derived from the corpus: texts are corpus passages with words resampled from
the corpus vocabulary, vectors are corpus passage vectors plus Gaussian noise, re-normalised. Embedding a
million real passages is not feasible on this machine (about 17 passages/s).

`embedding_backends` sets the two embedding backends (ONNX Runtime and PyTorch) side by side in one process,
interleaved query by query, since the machine may be shared: compare their ratios across runs rather than the
absolute figures."""

from __future__ import annotations

import os
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import cast

import numpy as np

from ccin.app import extract_options, extraction_budget, knowledge_base
from ccin.settings import load_settings
from ingest.chunk import ChunkParams
from ingest.discovery import load_catalogue
from ingest.pipeline import Ingestor
from kb.analysis import embedding_text
from kb.ann import IVF_MIN_ROWS
from kb.bm25 import BM25Index
from kb.embed import MODEL_NAME, Embedder, SentenceTransformerEmbedder, packaged_model_dir
from kb.filters import Filters
from kb.knowledge_base import KnowledgeBase
from kb.onnx_embed import OnnxEmbedder
from kb.retrieve import Retriever
from kb.snapshot import Snapshot
from kb.snapshot_files import write_snapshot

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 3),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000, 3),
        "n": len(ordered),
    }


def ingest_throughput(files: list[Path] | None = None, embedder: str = "auto") -> dict[str, object]:
    """End-to-end ingest (extract + chunk + embed + tag + index) into a fresh directory, as `ccin ingest` runs it
    (files read in the budgeted worker process, the next while the current one is embedded), then embedding alone
    for the very same passage texts with the same model: the difference is the indexing overhead. `embedder`
    is the backend (`CCIN_EMBEDDER`)."""
    catalogue = load_catalogue(None, [CORPUS])
    paths = files or [CORPUS]
    with tempfile.TemporaryDirectory() as directory:
        settings = load_settings(data_dir=Path(directory), query_log=False, embedder=embedder)
        kb = knowledge_base(settings)
        kb.embedder.embed_passages(["warm-up"])
        from ingest.tagger import tagger_for

        tagger_for(kb.embedder)
        ingestor = Ingestor(kb, catalogue, ChunkParams(), extraction_budget(settings), extract_options(settings))
        report = ingestor.run(paths)
        started = time.perf_counter()
        table = kb.save_snapshot()
        snapshot_seconds = time.perf_counter() - started
        texts = [
            embedding_text(str(m.get("title", "")), __import__("json").loads(m.get("heading_path", "[]")), t)
            for m, t in zip(table.metas, table.texts, strict=True)
        ]
        started = time.perf_counter()
        kb.embedder.embed_passages(texts)
        embed_seconds = time.perf_counter() - started
    extract = max(report.extract_seconds, 1e-9)
    return {
        "documents": report.count("indexed"),
        "pages": report.pages,
        "passages": report.passages,
        "end_to_end_seconds": round(report.seconds, 2),
        "end_to_end_passages_per_s": round(report.passages / report.seconds, 2),
        "end_to_end_pages_per_s": round(report.pages / report.seconds, 2),
        "extraction_seconds": round(report.extract_seconds, 2),
        "extraction_pages_per_s": round(report.pages / extract, 1),
        "extraction_passages_per_s": round(report.passages / extract, 1),
        "embedding_only_seconds": round(embed_seconds, 2),
        "embedding_only_passages_per_s": round(len(texts) / embed_seconds, 2),
        "overhead_vs_embedding": round((report.seconds - embed_seconds) / embed_seconds, 4),
        "stage_seconds": {stage: round(report.stage_seconds(stage), 2) for stage in ("chunk", "embed", "tag", "index")},
        "indexing_overhead_vs_embedding": round(
            (report.stage_seconds("tag") + report.stage_seconds("index") + snapshot_seconds)
            / max(report.stage_seconds("embed"), 1e-9),
            4,
        ),
        "snapshot_seconds": round(snapshot_seconds, 2),
    }


def embedding_backends(queries: list[str], files: list[Path] | None = None) -> dict[str, object]:
    """ONNX Runtime against PyTorch on the same model: query embedding p50/p95 (the encoder alone, and
    `embed_query` on a cache miss, which adds the hand-over to the query encoder's thread), interleaved query
    by query with the order alternating; then ingest end to end and embedding alone for each backend."""
    backends: dict[str, Embedder] = {
        "onnx": OnnxEmbedder(packaged_model_dir(), MODEL_NAME),  # fresh instances: empty query caches
        "torch": SentenceTransformerEmbedder(str(packaged_model_dir()), MODEL_NAME),
    }
    load_before = os.getloadavg()
    for embedder in backends.values():
        for query in queries[:5]:
            embedder.embed_passages([query])  # warm-up
    encode: dict[str, list[float]] = {name: [] for name in backends}
    cold: dict[str, list[float]] = {name: [] for name in backends}
    for i, query in enumerate(queries):
        for name in list(backends)[:: 1 if i % 2 == 0 else -1]:
            t0 = time.perf_counter()
            backends[name].embed_passages([query])
            encode[name].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            backends[name].embed_query(query)
            cold[name].append(time.perf_counter() - t0)
    result: dict[str, object] = {
        "query_encode": {name: percentiles(samples) for name, samples in encode.items()},
        "embed_query_cache_miss": {name: percentiles(samples) for name, samples in cold.items()},
        "query_encode_p50_torch_over_onnx": round(
            statistics.median(encode["torch"]) / statistics.median(encode["onnx"]), 2
        ),
    }
    ingest: dict[str, dict[str, object]] = {}
    for name in backends:
        full = ingest_throughput(files, embedder=name)
        ingest[name] = {
            key: full[key]
            for key in ("passages", "end_to_end_seconds", "end_to_end_passages_per_s", "embedding_only_passages_per_s")
        }
        ingest[name]["embed_stage_seconds"] = cast(dict[str, float], full["stage_seconds"])["embed"]
    result["ingest"] = ingest
    result["ingest_end_to_end_onnx_over_torch"] = round(
        cast(float, ingest["onnx"]["end_to_end_passages_per_s"])
        / cast(float, ingest["torch"]["end_to_end_passages_per_s"]),
        2,
    )
    result["load_average_before_after"] = [round(load_before[0], 2), round(os.getloadavg()[0], 2)]
    return result


def synthetic_table(base: Snapshot, size: int, seed: int = 7) -> Snapshot:
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(base), size)
    vocabulary = np.array(" ".join(base.texts).split())
    texts = []
    for i, pick in enumerate(picks):
        words = base.texts[pick].split()
        swap = rng.random(len(words)) < 0.3
        replaced = np.where(swap, rng.choice(vocabulary, len(words)), np.array(words, dtype=object))
        texts.append(" ".join(replaced.tolist()) + f" ref{i}")
    vectors = base.embeddings[picks] + rng.normal(0, 0.035, (size, base.embeddings.shape[1])).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    metas = []
    for i, pick in enumerate(picks):
        meta = dict(base.metas[pick])
        meta["year"] = int(2017 + (i % 9))
        meta["dup_group"] = f"s{i}"
        meta["role"] = str(base.role[pick])
        metas.append(meta)
    keyword = BM25Index.build(texts)
    table = Snapshot.of(0, [f"s{i}" for i in range(size)], texts, metas, np.ascontiguousarray(vectors), keyword)
    table.attach_ivf()  # as Snapshot.warm does for a real index
    return table


def query_latency(base: Snapshot, retriever: Retriever, queries: list[str], sizes: list[int]) -> dict[str, object]:
    """p50/p95 per mode and size, query embedding excluded (queries are embedded once beforehand)."""
    for query in queries:
        retriever.embedder.embed_query(query)
    results: dict[str, object] = {"ivf_from_rows": IVF_MIN_ROWS}
    for size in sizes:
        started = time.perf_counter()
        table = synthetic_table(base, size)
        build_seconds = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as directory:
            write_snapshot(table, Path(directory) / "snapshot")
            disk = sum(f.stat().st_size for f in (Path(directory) / "snapshot").rglob("*") if f.is_file())
        table.warm()  # lazy lookups are built once per snapshot, as KnowledgeBase does on load
        row: dict[str, object] = {
            "dense_index": "ivf" if table.ivf is not None else "exact",
            "build_seconds": round(build_seconds, 1),
            "vectors_mb": round(table.embeddings.nbytes / 2**20, 1),
            "snapshot_disk_mb": round(disk / 2**20, 1),
            "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
        for label, filters in (("unfiltered", Filters()), ("year>=2021", Filters(year_from=2021))):
            for mode in ("bm25", "dense", "hybrid"):
                samples = []
                for query in queries:
                    t0 = time.perf_counter()
                    retriever.search(table, query, filters, 10, mode)
                    samples.append(time.perf_counter() - t0)
                row[f"{mode} {label}"] = percentiles(samples)
        results[str(size)] = row
        del table
    return results


def machine() -> dict[str, object]:
    return {"cores": os.cpu_count(), "python": os.sys.version.split()[0]}  # type: ignore[attr-defined]


def dense_paths(kb: KnowledgeBase, queries: list[str]) -> dict[str, object]:
    """The same dense top-10 on the real corpus index two ways: llama-index's ChromaVectorStore retriever
    (HNSW inside Chroma) and the snapshot's exact dot product; query embeddings cached for both."""
    from kb.llama import chroma_vector_retriever

    llama = chroma_vector_retriever(kb, 10)
    retriever = Retriever(kb.embedder)
    table = kb.snapshot()
    for query in queries:
        kb.embedder.embed_query(query)
    timings: dict[str, list[float]] = {"llama-index ChromaVectorStore": [], "snapshot exact dense": []}
    overlap = []
    for query in queries:
        t0 = time.perf_counter()
        nodes = llama.retrieve(query)
        timings["llama-index ChromaVectorStore"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        hits = retriever.search(table, query, Filters(), 10, "dense")
        timings["snapshot exact dense"].append(time.perf_counter() - t0)
        overlap.append(len({n.node.node_id for n in nodes} & {table.ids[h.row] for h in hits}) / 10)
    result: dict[str, object] = {name: percentiles(samples) for name, samples in timings.items()}
    result["top10_overlap"] = round(statistics.fmean(overlap), 3)
    return result
