"""The searchable snapshot: every current passage's text, vector and filterable metadata held as arrays, plus
the BM25 index over the same rows. Rebuilt from Chroma (the store of record) whenever the registry's
generation moves, and saved beside it so a fresh process starts without recomputing."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kb.keyword import TOKENIZER_VERSION, KeywordIndex
from kb.store import StoredRows


@dataclass
class PassageTable:
    generation: int
    ids: list[str]
    texts: list[str]
    metas: list[dict[str, Any]]
    embeddings: np.ndarray
    keyword: KeywordIndex
    year: np.ndarray
    doc_type: np.ndarray
    document_id: np.ndarray
    principle_bits: np.ndarray
    councils: list[str]

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(
        cls, rows: StoredRows, versions: dict[str, str], generation: int, keyword: KeywordIndex | None = None
    ) -> PassageTable:
        """Keep only passages of each document's current version, ordered by document and position."""
        keep = [
            i for i, meta in enumerate(rows.metadatas)
            if versions.get(meta.get("document_id", "")) == meta.get("doc_version")
        ]
        keep.sort(key=lambda i: (rows.metadatas[i]["document_id"], rows.metadatas[i].get("ordinal", 0)))
        ids = [rows.ids[i] for i in keep]
        texts = [rows.texts[i] for i in keep]
        metas = [rows.metadatas[i] for i in keep]
        dim = rows.embeddings.shape[1] if rows.embeddings.ndim == 2 and rows.embeddings.size else 384
        embeddings = rows.embeddings[keep] if keep else np.zeros((0, dim), dtype=np.float32)
        if keyword is None:
            keyword = KeywordIndex.build([keyword_text(m, t) for m, t in zip(metas, texts, strict=True)])
        return cls(generation, ids, texts, metas, np.ascontiguousarray(embeddings, dtype=np.float32), keyword,
                   *_columns(metas))

    def save(self, directory: Path) -> None:
        """Write next to the old snapshot, then swap, so a reader never loads a half-written one."""
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=directory.parent))
        np.save(staging / "vectors.npy", self.embeddings)
        with (staging / "rows.jsonl").open("w", encoding="utf-8") as out:
            for pid, text, meta in zip(self.ids, self.texts, self.metas, strict=True):
                out.write(json.dumps({"id": pid, "text": text, "meta": meta}) + "\n")
        self.keyword.save(staging / "bm25")
        (staging / "manifest.json").write_text(
            json.dumps({"generation": self.generation, "count": len(self), "tokenizer": TOKENIZER_VERSION})
        )
        old = directory.with_name(directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if directory.exists():
            os.replace(directory, old)
        os.replace(staging, directory)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path) -> PassageTable | None:
        try:
            manifest = json.loads((directory / "manifest.json").read_text())
            if manifest.get("tokenizer") != TOKENIZER_VERSION:
                return None
            embeddings = np.load(directory / "vectors.npy")
            records = [json.loads(line) for line in (directory / "rows.jsonl").open(encoding="utf-8")]
            keyword = KeywordIndex.load(directory / "bm25", manifest["count"])
        except (OSError, ValueError, KeyError):
            return None
        metas = [r["meta"] for r in records]
        return cls(
            manifest["generation"], [r["id"] for r in records], [r["text"] for r in records], metas,
            embeddings, keyword, *_columns(metas),
        )


def keyword_text(meta: dict[str, Any], text: str) -> str:
    """What BM25 sees: title, lead council and heading path give a passage its context words."""
    headings = " ".join(json.loads(meta.get("heading_path", "[]")))
    return f"{meta.get('title', '')} {meta.get('lead_council', '')} {headings} {text}"


def embedding_text(title: str, heading_path: list[str], text: str) -> str:
    """What the embedding model sees for a passage."""
    return " — ".join([title, *heading_path[-2:]]) + "\n" + text


def _columns(metas: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    year = np.array([int(m.get("year", -1)) for m in metas], dtype=np.int32)
    doc_type = np.array([m.get("type", "") for m in metas], dtype=object)
    document_id = np.array([m.get("document_id", "") for m in metas], dtype=object)
    bits = np.zeros(len(metas), dtype=np.int32)
    for i, meta in enumerate(metas):
        for principle in meta.get("principles", []) or []:
            bits[i] |= 1 << int(principle)
    councils = ["\n".join(m.get("councils", []) or []).lower() for m in metas]
    return year, doc_type, document_id, bits, councils
