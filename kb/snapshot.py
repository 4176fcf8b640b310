"""The searchable snapshot: every current passage's text, vector and filterable metadata held as arrays, plus
the BM25 index over the same rows. Rebuilt from Chroma (the store of record) whenever the registry's
generation moves, and saved beside it so a fresh process starts without recomputing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from kb.analysis import keyword_text
from kb.ann import IVF_MIN_ROWS, IVFIndex
from kb.bm25 import BM25Index
from kb.roles import NAVIGATION_ROLES, ROLE_RULE, passage_role
from kb.store import StoredRows
from kb.text_lookups import TextLookups


@dataclass
class Snapshot:
    generation: int
    ids: list[str]
    texts: list[str]
    metas: list[dict[str, Any]]
    embeddings: np.ndarray
    keyword_index: BM25Index | None  # None until first use (see `keyword`)
    year: np.ndarray
    doc_type: np.ndarray
    document_id: np.ndarray
    principle_bits: np.ndarray
    councils: list[str]
    role: np.ndarray  # a content role ("body", "case_study", …) or a navigation role (kb/roles.py), per row
    ivf: IVFIndex | None = None  # built for large tables only (see kb/ann.py)
    _role_masks: dict[str, np.ndarray] = field(default_factory=dict, repr=False)  # see with_role()

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def keyword(self) -> BM25Index:
        """The BM25 index over the rows, built on first use: a commit reads the table only to find
        near-duplicates (texts and vectors), which never needs it."""
        if self.keyword_index is None:
            self.keyword_index = BM25Index.build(
                [keyword_text(m, t) for m, t in zip(self.metas, self.texts, strict=True)]
            )
        return self.keyword_index

    def with_role(self, role: str) -> np.ndarray:
        """Boolean row mask (read-only) of the passages with `role`: "body" (every content kind: plain body, case
        studies, recommendations, introductions), "navigation" (every kind of it) or one kind. Made once per
        table: every default search filters on role=body, and comparing a million strings would cost more than
        the rest of the query."""
        mask = self._role_masks.get(role)
        if mask is None:
            if role in ("body", "navigation"):
                navigation = np.isin(self.role, NAVIGATION_ROLES)
                mask = ~navigation if role == "body" else navigation
            else:
                mask = self.role == role
            mask.flags.writeable = False
            self._role_masks[role] = mask
        return mask

    def tagged_with(self, principle: int) -> np.ndarray:
        """Boolean row mask: the passages tagged with `principle`."""
        return (self.principle_bits & (1 << principle)) != 0

    @cached_property
    def lookups(self) -> TextLookups:
        """Exact-phrase, title and query-word-coverage lookups over the rows (kb/text_lookups.py)."""
        return TextLookups(self.texts, self.metas, self.keyword)

    @classmethod
    def of(
        cls,
        generation: int,
        ids: list[str],
        texts: list[str],
        metas: list[dict[str, Any]],
        embeddings: np.ndarray,
        keyword_index: BM25Index | None = None,
    ) -> Snapshot:
        """A snapshot of these rows, with the filter columns worked out from their metadata."""
        return cls(generation, ids, texts, metas, embeddings, keyword_index, *_columns(metas, texts))

    @classmethod
    def build(cls, rows: StoredRows, versions: dict[str, str], generation: int) -> Snapshot:
        """Keep only passages of each document's current version, ordered by document and position; BM25 and
        the IVF index are left to `warm` (BM25 also to first use), which only a table that serves queries needs."""
        keep = [
            i
            for i, meta in enumerate(rows.metadatas)
            if versions.get(meta.get("document_id", "")) == meta.get("doc_version")
        ]
        keep.sort(key=lambda i: (rows.metadatas[i]["document_id"], rows.metadatas[i].get("ordinal", 0)))
        ids = [rows.ids[i] for i in keep]
        texts = [rows.texts[i] for i in keep]
        metas = [rows.metadatas[i] for i in keep]
        dim = rows.embeddings.shape[1] if rows.embeddings.ndim == 2 and rows.embeddings.size else 384
        embeddings = rows.embeddings[keep] if keep else np.zeros((0, dim), dtype=np.float32)
        return cls.of(generation, ids, texts, metas, np.ascontiguousarray(embeddings, dtype=np.float32))

    def replacing(self, document_id: str, rows: StoredRows, generation: int) -> Snapshot:
        """This table with `document_id`'s rows swapped for `rows` (its new version), as of `generation`:
        what one commit changes, without reading every row back from the store."""
        keep = np.flatnonzero(self.document_id != document_id)
        merged = StoredRows(
            [self.ids[i] for i in keep] + rows.ids,
            [self.texts[i] for i in keep] + rows.texts,
            [self.metas[i] for i in keep] + rows.metadatas,
            np.vstack([self.embeddings[keep], rows.embeddings.reshape(-1, self.embeddings.shape[1])]),
        )
        versions = {str(m["document_id"]): str(m["doc_version"]) for m in merged.metadatas}
        return Snapshot.build(merged, versions, generation)

    def warm(self) -> Snapshot:
        """Build the lazy lookups (BM25, normalised text for phrase checks, rows by title, and the IVF index
        when the table is large enough for one) now, so the first query does not pay for them. Idempotent."""
        _ = self.keyword, self.lookups.phrase_corpus, self.lookups.rows_by_title, self.with_role("body")
        if self.ivf is None:
            self.attach_ivf()
        return self

    def attach_ivf(self) -> None:
        """Build the IVF index when the table is large enough for it to pay (see kb/ann.py)."""
        self.ivf = IVFIndex.build(self.embeddings) if len(self) >= IVF_MIN_ROWS else None


def _columns(
    metas: list[dict[str, Any]], texts: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str], np.ndarray]:
    """The filter columns. A row stored before passages carried a `role`, or under an older role rule, gets it
    from its text, heading path and ordinal here, by the same rule ingest applies (kb/roles.py), so old indexes
    filter roles too."""
    year = np.array([int(m.get("year", -1)) for m in metas], dtype=np.int32)
    doc_type = np.array([m.get("type", "") for m in metas], dtype=object)
    document_id = np.array([m.get("document_id", "") for m in metas], dtype=object)
    bits = np.zeros(len(metas), dtype=np.int32)
    for i, meta in enumerate(metas):
        for principle in meta.get("principles", []) or []:
            bits[i] |= 1 << int(principle)
    councils = ["\n".join(m.get("councils", []) or []).lower() for m in metas]
    role = np.array([_role(m, t) for m, t in zip(metas, texts, strict=True)], dtype=object)
    return year, doc_type, document_id, bits, councils, role


def _role(meta: dict[str, Any], text: str) -> str:
    stored = meta.get("role")
    if stored and str(meta.get("role_rule", "")) == ROLE_RULE:
        return str(stored)
    return passage_role(text, json.loads(meta.get("heading_path", "[]")), int(meta.get("ordinal", -1)))
