"""The Chroma collection of passages: vectors, text and metadata. Embedded (PersistentClient under the data
directory) by default; a Chroma server when `CCIN_CHROMA_URL` is set."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from kb.passage import CITATION_UNITS, DocumentMeta, TaggedPassage
from kb.roles import ROLE_RULE, passage_role

_PAGE = 2000


@dataclass
class StoredRows:
    ids: list[str]
    texts: list[str]
    metadatas: list[dict[str, Any]]
    embeddings: np.ndarray

    @classmethod
    def of(
        cls,
        meta: DocumentMeta,
        version: str,
        passages: list[TaggedPassage],
        embeddings: np.ndarray,
        dup_groups: list[str],
        file_format: str = "",
    ) -> StoredRows:
        """One document version's passages as rows; `file_format` ("pdf", "html", "txt", …) decides whether
        citations point at a page."""
        metadatas = [
            passage_metadata(meta, version, p, g, file_format) for p, g in zip(passages, dup_groups, strict=True)
        ]
        return cls([p.id for p in passages], [p.text for p in passages], metadatas, embeddings)


class PassageStore:
    def __init__(self, collection: Any) -> None:
        self._collection = collection

    @classmethod
    def open(cls, data_dir: Path, name: str, chroma_url: str | None = None) -> PassageStore:
        os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if chroma_url:
            parsed = urlparse(chroma_url)
            client = chromadb.HttpClient(
                host=parsed.hostname or "127.0.0.1",
                port=parsed.port or 8000,
                ssl=parsed.scheme == "https",
                settings=chroma_settings,
            )
        else:
            (data_dir / "chroma").mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=chroma_settings)
        collection = client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"})
        return cls(collection)

    @property
    def collection(self) -> Any:
        """The underlying Chroma collection (for llama-index's ChromaVectorStore)."""
        return self._collection

    def count(self) -> int:
        return int(self._collection.count())

    def add(self, rows: StoredRows) -> None:
        """Upsert rows (one document version's passages, metadata made by `passage_metadata`)."""
        for start in range(0, len(rows.ids), _PAGE):
            end = start + _PAGE
            self._collection.upsert(
                ids=rows.ids[start:end],
                documents=rows.texts[start:end],
                embeddings=rows.embeddings[start:end].tolist(),
                metadatas=rows.metadatas[start:end],
            )

    def delete_stale(self, document_id: str, keep_version: str | None) -> None:
        """Remove a document's passages, except those of `keep_version`."""
        where: dict[str, Any] = {"document_id": document_id}
        if keep_version is not None:
            where = {"$and": [where, {"doc_version": {"$ne": keep_version}}]}
        self._collection.delete(where=where)

    def delete_ids(self, ids: list[str]) -> None:
        for start in range(0, len(ids), _PAGE):
            self._collection.delete(ids=ids[start : start + _PAGE])

    def rows(self, with_embeddings: bool = True) -> StoredRows:
        include = ["documents", "metadatas"] + (["embeddings"] if with_embeddings else [])
        ids: list[str] = []
        texts: list[str] = []
        metas: list[dict[str, Any]] = []
        vectors: list[np.ndarray] = []
        offset = 0
        while True:
            got = self._collection.get(include=include, limit=_PAGE, offset=offset)
            if not got["ids"]:
                break
            ids.extend(got["ids"])
            texts.extend(got["documents"])
            metas.extend(got["metadatas"])
            if with_embeddings:
                vectors.append(np.asarray(got["embeddings"], dtype=np.float32))
            offset += len(got["ids"])
        embeddings = np.vstack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)
        return StoredRows(ids, texts, metas, embeddings)


def passage_metadata(
    meta: DocumentMeta, version: str, passage: TaggedPassage, dup_group: str, file_format: str = ""
) -> dict[str, Any]:
    """Flat Chroma metadata. Chroma rejects empty lists and None, so absent values are omitted. `role` is the
    passage's role (kb/roles.py: a navigation kind, or body, case_study, recommendation, introduction), so
    search can leave navigation out or ask for one kind by a mask; `role_rule` names the rule that gave it."""
    record: dict[str, Any] = {
        "document_id": meta.id,
        "doc_version": version,
        "ordinal": passage.ordinal,
        "page": passage.page,
        "page_end": passage.page_end,
        "heading_path": json.dumps(passage.heading_path),
        "char_start": passage.char_start,
        "char_end": passage.char_end,
        "scores": json.dumps([round(s.score, 4) for s in passage.scores]),
        "evidence": json.dumps([s.evidence for s in passage.scores]),
        "dup_group": dup_group,
        "title": meta.title,
        "role": passage_role(passage.text, passage.heading_path, passage.ordinal),
        "role_rule": ROLE_RULE,
    }
    if file_format:
        record["format"] = file_format
    if file_format in CITATION_UNITS:
        record["unit"] = CITATION_UNITS[file_format]  # what `page` counts: a PDF's pages, a Word file's sections
    if passage.ocr:
        record["ocr"] = True
    if passage.principles:
        record["principles"] = list(passage.principles)
    councils = [c for c in [meta.lead_council, *meta.partners] if c]
    if councils:
        record["councils"] = councils
    for key in ("year", "lead_council", "type"):
        value = getattr(meta, key)
        if value is not None:
            record[key] = value
    if meta.inferred_fields:
        record["inferred_fields"] = list(meta.inferred_fields)
    return record
