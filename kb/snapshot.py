"""The searchable snapshot: every current passage's text, vector and filterable metadata held as arrays, plus
the BM25 index over the same rows. Rebuilt from Chroma (the store of record) whenever the registry's
generation moves, and saved beside it so a fresh process starts without recomputing."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from kb.analysis import TOKENIZER_VERSION, keyword_text, normalise, tokenize
from kb.ann import IVF_MIN_ROWS, IVFIndex
from kb.bm25 import BM25Index
from kb.navigation import navigation_role
from kb.store import StoredRows


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
    role: np.ndarray  # "body" or a navigation role (kb/navigation.py), per row
    ivf: IVFIndex | None = None  # built for large tables only (see kb/ann.py)
    _tokens_by_row: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)  # see coverage()
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
        """Boolean row mask (read-only) of the passages with `role`: "body", "navigation" (every kind of it) or
        one kind. Made once per table: every default search filters on role=body, and comparing a million
        strings would cost more than the rest of the query."""
        mask = self._role_masks.get(role)
        if mask is None:
            mask = self.role != "body" if role == "navigation" else self.role == role
            mask.flags.writeable = False
            self._role_masks[role] = mask
        return mask

    def tagged_with(self, principle: int) -> np.ndarray:
        """Boolean row mask: the passages tagged with `principle`."""
        return (self.principle_bits & (1 << principle)) != 0

    def phrase_rows(self, phrase: str, limit: int = 5000, scores: np.ndarray | None = None) -> np.ndarray:
        """Rows whose text contains `phrase` as whole words (after `normalise`), in row order.

        Every passage can qualify, not only those another retriever ranked (an exact phrase can be buried
        by both BM25 and dense), but only passages holding all of the phrase's words are checked: the BM25
        postings give those, and at most `limit` of them, the best by BM25, are verified against the
        normalised text (`scores`: the phrase's BM25 scores, when the caller has them already). A phrase made
        only of stop words matches nothing."""
        needle = f" {normalise(phrase)} "
        candidates = self.keyword.rows_with_all(phrase)
        if needle.strip() == "" or candidates is None or candidates.size == 0:
            return np.zeros(0, dtype=np.int64)
        if candidates.size > limit:
            ranking = (self.keyword.scores(phrase) if scores is None else scores)[candidates]
            candidates = np.sort(candidates[np.argpartition(-ranking, limit - 1)[:limit]])
        corpus, starts = self._phrase_corpus
        found = [int(row) for row in candidates if corpus.find(needle, starts[row], starts[row + 1]) >= 0]
        return np.asarray(found, dtype=np.int64)

    def title_rows(self, phrase: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows whose document title equals `phrase`, rows whose title contains it as whole words);
        checked once per distinct title, not once per row."""
        needle = normalise(phrase)
        empty = np.zeros(0, dtype=np.int64)
        if not needle:
            return empty, empty
        equal, contains = [], []
        for title, rows in self._rows_by_title.items():
            if title == needle:
                equal.append(rows)
            if f" {needle} " in f" {title} ":
                contains.append(rows)
        return (
            np.sort(np.concatenate(equal)) if equal else empty,
            np.sort(np.concatenate(contains)) if contains else empty,
        )

    def coverage(self, query: str, rows: list[int]) -> float:
        """The largest share of the query's distinct (stemmed, non-stop-word) tokens that any one of `rows`
        holds in its indexed text: 1.0 when some passage has every query word, near 0 when BM25 matched only a
        stray word or two (a paraphrase shares no words with its answer, and its BM25 list is then mostly
        noise). Reads only those rows' own text, so the cost does not grow with the index."""
        tokens = set(tokenize(query))
        if not tokens or not rows:
            return 0.0
        return max(len(tokens & self._row_tokens(row)) for row in rows) / len(tokens)

    def _row_tokens(self, row: int) -> frozenset[str]:
        cached = self._tokens_by_row.get(row)
        if cached is None:
            cached = frozenset(tokenize(keyword_text(self.metas[row], self.texts[row])))
            self._tokens_by_row[row] = cached
        return cached

    @cached_property
    def _phrase_corpus(self) -> tuple[str, list[int]]:
        """Every passage normalised as " w1 w2 … wn " and joined by newlines, which no needle contains, so a
        match never spans two passages; row i is corpus[starts[i]:starts[i + 1]]."""
        pieces, starts, offset = [], [], 0
        for text in self.texts:
            piece = f" {normalise(text)} \n"
            starts.append(offset)
            pieces.append(piece)
            offset += len(piece)
        starts.append(offset)
        return "".join(pieces), starts

    @cached_property
    def _rows_by_title(self) -> dict[str, np.ndarray]:
        rows: dict[str, list[int]] = {}
        for row, meta in enumerate(self.metas):
            rows.setdefault(normalise(str(meta.get("title", ""))), []).append(row)
        return {title: np.asarray(found, dtype=np.int64) for title, found in rows.items()}

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
        table = cls(
            generation,
            ids,
            texts,
            metas,
            np.ascontiguousarray(embeddings, dtype=np.float32),
            None,
            *_columns(metas, texts),
        )
        return table

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
        _ = self.keyword, self._phrase_corpus, self._rows_by_title, self.with_role("body")
        if self.ivf is None:
            self.attach_ivf()
        return self

    def attach_ivf(self) -> None:
        """Build the IVF index when the table is large enough for it to pay (see kb/ann.py)."""
        self.ivf = IVFIndex.build(self.embeddings) if len(self) >= IVF_MIN_ROWS else None

    def save(self, directory: Path) -> None:
        """Write next to the old snapshot, then swap, so a reader never loads a half-written one.

        Two processes may save at once (an ingest and a reader that rebuilt): each moves the old snapshot to
        its own side directory, and when the other won the final rename this one just drops its copy, since
        a reader checks the generation anyway."""
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=directory.parent))
        np.save(staging / "vectors.npy", self.embeddings)
        if self.ivf is not None:
            np.savez(
                staging / "ivf.npz",
                centroids=self.ivf.centroids,
                order=self.ivf.order,
                offsets=self.ivf.offsets,
            )
        with (staging / "rows.jsonl").open("w", encoding="utf-8") as out:
            for pid, text, meta in zip(self.ids, self.texts, self.metas, strict=True):
                out.write(json.dumps({"id": pid, "text": text, "meta": meta}) + "\n")
        self.keyword.save(staging / "bm25")
        (staging / "manifest.json").write_text(json.dumps(self._manifest()))
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

    def _manifest(self) -> dict[str, Any]:
        return {"generation": self.generation, "count": len(self), "tokenizer": TOKENIZER_VERSION}

    @classmethod
    def load(cls, directory: Path) -> Snapshot | None:
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
        table = cls(
            manifest["generation"],
            [r["id"] for r in records],
            texts,
            metas,
            embeddings,
            keyword,
            *_columns(metas, texts),
        )
        ivf_file = directory / "ivf.npz"
        if ivf_file.is_file():
            with np.load(ivf_file) as saved:
                table.ivf = IVFIndex(saved["centroids"], saved["order"], saved["offsets"])
        return table


def _columns(
    metas: list[dict[str, Any]], texts: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str], np.ndarray]:
    """The filter columns. A row stored before passages carried a `role` gets it from its text and heading path
    here, by the same rule ingest applies (kb/navigation.py), so old indexes filter navigation too."""
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
    if stored:
        return str(stored)
    return navigation_role(text, json.loads(meta.get("heading_path", "[]"))) or "body"
