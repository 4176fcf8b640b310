"""The knowledge base: one object that owns the Chroma store, the document registry and the searchable
snapshot, and keeps them consistent.

Commit order for a document (see kb/registry.py): write the new version's passages, flip the registry,
delete the old version's passages. A process killed anywhere in between leaves either orphan passages of a
version the registry never named (removed by `collect_garbage`) or stale passages of a replaced version
(removed the same way); readers ignore both because they only trust registry versions.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kb.dedupe import assign_groups, near_duplicate_documents
from kb.embed import Embedder, packaged_embedder
from kb.errors import DocumentNotFound
from kb.facets import Facets, count_facets
from kb.filters import Filters
from kb.listing import Card, listing, page
from kb.passage import DocumentMeta, DocumentPrinciple, IndexedDocument, TaggedPassage
from kb.registry import DocumentRegistry
from kb.retrieve import Retriever
from kb.snapshot import Snapshot
from kb.snapshot_cache import SnapshotCache
from kb.store import PassageStore, StoredRows


@dataclass
class SearchPage:
    """A page of a search: `cards` from `offset` of the query's candidate list, with the `total` and `facets`
    of the whole list, and the snapshot the cards' rows index into."""

    query: str
    took_ms: float
    mode: str
    filters: Filters
    group: str
    sort: str
    total: int
    offset: int
    facets: Facets
    cards: list[Card]
    snapshot: Snapshot


@dataclass
class PrincipleStats:
    passage_count: int  # passages tagged with the principle
    document_count: int  # documents with at least one such passage
    documents_met: int  # documents that meet it (`principles_met`)


class KnowledgeBase:
    def __init__(
        self,
        data_dir: Path | str,
        *,
        collection: str = "ccin_passages",
        chroma_url: str | None = None,
        query_log: bool = True,
        embedder_factory: Callable[[], Embedder] = packaged_embedder,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.query_log = query_log
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.registry = DocumentRegistry(self.data_dir / "registry.sqlite3")
        self.store = PassageStore.open(self.data_dir, collection, chroma_url)
        self.files_dir = self.data_dir / "files"
        self._embedder_factory = embedder_factory
        self._cache = SnapshotCache(self.store, self.registry, self.data_dir / "snapshot")
        self._urls: tuple[int, dict[str, str | None]] | None = None

    @property
    def embedder(self) -> Embedder:
        return self._embedder_factory()

    @property
    def snapshot_dir(self) -> Path:
        return self._cache.directory

    # ---- reading -------------------------------------------------------------------------------------------

    def snapshot(self, fresh: bool = False) -> Snapshot:
        """The current snapshot (kb/snapshot_cache.py): refreshed when another process has committed."""
        return self._cache.current(fresh)

    def search(
        self,
        query: str,
        filters: Filters,
        k: int = 10,
        mode: str = "hybrid",
        retriever: Retriever | None = None,
        offset: int = 0,
        group: str = "passage",
        sort: str = "relevance",
    ) -> SearchPage:
        """A page of k results from `offset` of the query's candidate list (see kb/listing.py), with its total
        and facet counts."""
        started = time.perf_counter()
        table = self.snapshot()
        hits = (retriever or Retriever(self.embedder)).candidates(table, query, filters, k, mode)
        cards = listing(table, hits, group, sort)
        shown = page(cards, offset, k)
        took = round((time.perf_counter() - started) * 1000, 2)
        if self.query_log:
            self.registry.log_query(query, filters.as_dict(), mode, len(shown), took)
        return SearchPage(
            query, took, mode, filters, group, sort, len(cards), offset, count_facets(table, cards), shown, table
        )

    def document_urls(self) -> dict[str, str | None]:
        """Catalogue URLs by document id, read from the registry once per index generation, not per query."""
        generation = self.snapshot().generation
        if self._urls is None or self._urls[0] != generation:
            self._urls = (generation, {d.meta.id: d.meta.url for d in self.registry.all()})
        return self._urls[1]

    def document(self, document_id: str) -> IndexedDocument:
        document = self.registry.get(document_id)
        if document is None:
            raise DocumentNotFound(f"no document with id {document_id!r}")
        return document

    def find_document(self, document_id: str) -> IndexedDocument | None:
        return self.registry.get(document_id)

    def documents(self) -> list[IndexedDocument]:
        return self.registry.all()

    def document_count(self) -> int:
        return len(self.registry.versions())

    def generation(self) -> int:
        """The registry's generation: it moves with every commit, delete and near-duplicate change."""
        return self.registry.generation()

    def recent_queries(self, limit: int = 100, zero_results_only: bool = False) -> list[dict[str, Any]]:
        return self.registry.queries(limit, zero_results_only=zero_results_only)

    def file_path_for(self, document_id: str, suffix: str) -> Path:
        """Where a document's file is kept inside the data directory."""
        return self.files_dir / f"{document_id}{suffix.lower()}"

    def stored_file(self, document: IndexedDocument) -> Path | None:
        """The document's stored copy, if it is still there and inside the data directory."""
        path = Path(document.path).resolve()
        return path if path.is_file() and self.files_dir.resolve() in path.parents else None

    def snapshot_is_current_on_disk(self) -> bool:
        """Whether a saved snapshot exists and matches the registry (ingest saves one when not)."""
        return self._cache.is_saved_and_current()

    def principle_stats(self) -> dict[int, PrincipleStats]:
        """Per principle: passages tagged with it, documents with such a passage, and documents that meet it."""
        table = self.snapshot()
        met = [self.principles_met(d) for d in self.registry.all()]
        stats = {}
        for pid in range(1, 11):
            rows = table.tagged_with(pid)
            stats[pid] = PrincipleStats(
                int(rows.sum()),
                len(set(table.document_id[rows].tolist())),
                sum(1 for principles in met if pid in principles),
            )
        return stats

    def principles_met(self, document: IndexedDocument) -> set[int]:
        return {p.id for p in self.document_principles(document) if p.met}

    def document_principles(self, document: IndexedDocument) -> list[DocumentPrinciple]:
        """The document-level principles stored at ingest; for a document indexed before there were any, those
        its passages are tagged with (each met, with its three best tagged passages)."""
        if document.principles:
            return document.principles
        table = self.snapshot()
        rows = np.flatnonzero(table.document_id == document.meta.id)
        found = []
        for pid in range(1, 11):
            tagged = [int(r) for r in rows if pid in (table.metas[r].get("principles") or [])]
            if not tagged:
                continue
            scores = {
                r: (json.loads(table.metas[r].get("scores", "[]") or "[]") or [0.0] * 10)[pid - 1] for r in tagged
            }
            best = sorted(tagged, key=lambda r: -scores[r])[:3]
            found.append(
                DocumentPrinciple(
                    id=pid,
                    score=round(float(scores[best[0]]), 4),
                    met=True,
                    tagged_passages=len(tagged),
                    best_passage_score=round(float(scores[best[0]]), 4),
                    passage_ids=[table.ids[r] for r in best],
                )
            )
        return found

    # ---- writing -------------------------------------------------------------------------------------------

    def commit(
        self,
        meta: DocumentMeta,
        version: str,
        pages: int,
        stored_path: str,
        source: str,
        passages: list[TaggedPassage],
        embeddings: np.ndarray,
        principles: list[DocumentPrinciple] | None = None,
    ) -> IndexedDocument:
        """Index one document version (see the module docstring for the order and why)."""
        table = self._cache.for_commit()
        others = table.document_id != meta.id
        groups = assign_groups(
            [p.id for p in passages],
            [p.text for p in passages],
            embeddings,
            [t for t, keep in zip(table.texts, others, strict=True) if keep],
            table.embeddings[others],
            [str(m.get("dup_group") or i) for m, i, keep in zip(table.metas, table.ids, others, strict=True) if keep],
        )
        group_documents: dict[str, set[str]] = {}
        for m, pid in zip(table.metas, table.ids, strict=True):
            group_documents.setdefault(str(m.get("dup_group") or pid), set()).add(str(m["document_id"]))
        near = near_duplicate_documents(meta.id, groups, [p.id for p in passages], group_documents)
        file_format = Path(stored_path).suffix.lower().lstrip(".")
        added = StoredRows.of(meta, version, passages, embeddings, groups, file_format)
        self.store.add(added)
        document = IndexedDocument(
            meta=meta,
            version=version,
            pages=pages,
            passage_count=len(passages),
            path=stored_path,
            source=source,
            near_duplicate_of=near,
            principles=principles or [],
        )
        moves = [self.registry.commit(document)]
        self.store.delete_stale(meta.id, keep_version=version)
        for other in near:
            existing = self.registry.get(other)
            if existing is not None and meta.id not in existing.near_duplicate_of:
                moves.append(self.registry.set_near_duplicates(other, [*existing.near_duplicate_of, meta.id]))
        self._cache.apply_own_commit(table, meta.id, added, moves)
        return document

    def delete(self, document_id: str) -> None:
        document = self.document(document_id)
        self.registry.delete(document_id)
        self.store.delete_stale(document_id, keep_version=None)
        stored = Path(document.path)
        if stored.is_file() and self.files_dir in stored.parents:
            stored.unlink()
        for other in self.registry.all():
            if document_id in other.near_duplicate_of:
                self.registry.set_near_duplicates(
                    other.meta.id, [d for d in other.near_duplicate_of if d != document_id]
                )

    def collect_garbage(self) -> int:
        """Delete passages whose version the registry does not name (left by an interrupted ingest)."""
        versions = self.registry.versions()
        rows = self.store.rows(with_embeddings=False)
        stale = [
            pid
            for pid, meta in zip(rows.ids, rows.metadatas, strict=True)
            if versions.get(meta.get("document_id", "")) != meta.get("doc_version")
        ]
        self.store.delete_ids(stale)
        return len(stale)

    def save_snapshot(self) -> Snapshot:
        """Rebuild the snapshot from the store of record and persist it for other processes."""
        return self._cache.save_now()
