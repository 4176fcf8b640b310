"""The snapshot on disk: vectors (.npy), rows with text and metadata (.jsonl), the BM25 index and a manifest
naming the generation, the row count and the tokenizer. Written beside the old one and swapped in, so a reader
never loads a half-written snapshot; read back only when every part agrees."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from kb.analysis import TOKENIZER_VERSION
from kb.ann import IVFIndex
from kb.bm25 import BM25Index
from kb.snapshot import Snapshot


def write_snapshot(table: Snapshot, directory: Path) -> None:
    """Write next to the old snapshot, then swap, so a reader never loads a half-written one.

    Two processes may save at once (an ingest and a reader that rebuilt): each moves the old snapshot to
    its own side directory, and when the other won the final rename this one just drops its copy, since
    a reader checks the generation anyway."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=directory.parent))
    np.save(staging / "vectors.npy", table.embeddings)
    if table.ivf is not None:
        np.savez(
            staging / "ivf.npz",
            centroids=table.ivf.centroids,
            order=table.ivf.order,
            offsets=table.ivf.offsets,
        )
    with (staging / "rows.jsonl").open("w", encoding="utf-8") as out:
        for pid, text, meta in zip(table.ids, table.texts, table.metas, strict=True):
            out.write(json.dumps({"id": pid, "text": text, "meta": meta}) + "\n")
    table.keyword.save(staging / "bm25")
    manifest = {"generation": table.generation, "count": len(table), "tokenizer": TOKENIZER_VERSION}
    (staging / "manifest.json").write_text(json.dumps(manifest))
    old = Path(tempfile.mkdtemp(prefix=".snapshot-old-", dir=directory.parent)) / "snapshot"
    try:
        with contextlib.suppress(FileNotFoundError):
            os.replace(directory, old)
        try:
            os.replace(staging, directory)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        shutil.rmtree(old.parent, ignore_errors=True)


def read_snapshot(directory: Path) -> Snapshot | None:
    """The saved snapshot, or None when there is none, it is from another tokenizer, or it was swapped
    or damaged while being read (the manifest is read again at the end and every part's size checked)."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text())
        if manifest.get("tokenizer") != TOKENIZER_VERSION:
            return None
        embeddings = np.load(directory / "vectors.npy")
        with (directory / "rows.jsonl").open(encoding="utf-8") as rows:
            records = [json.loads(line) for line in rows]
        keyword = BM25Index.load(directory / "bm25", manifest["count"])
        if json.loads((directory / "manifest.json").read_text()) != manifest:
            return None
    except (OSError, ValueError, KeyError):
        return None
    if not len(records) == embeddings.shape[0] == keyword.size == manifest["count"]:
        return None
    metas = [r["meta"] for r in records]
    texts = [r["text"] for r in records]
    table = Snapshot.of(manifest["generation"], [r["id"] for r in records], texts, metas, embeddings, keyword)
    ivf_file = directory / "ivf.npz"
    if ivf_file.is_file():
        with np.load(ivf_file) as saved:
            table.ivf = IVFIndex(saved["centroids"], saved["order"], saved["offsets"])
    return table
