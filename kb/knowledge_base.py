"""The knowledge base: one object that owns the Chroma store, the document registry and the searchable
snapshot, and keeps them consistent.

Commit order for a document (see kb/registry.py): write the new version's passages, flip the registry,
delete the old version's passages. A process killed anywhere in between leaves either orphan passages of a
version the registry never named (removed by `collect_garbage`) or stale passages of a replaced version
(removed the same way); readers ignore both because they only trust registry versions.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ccin.settings import Settings
from kb.dedupe import assign_groups, near_duplicate_documents
from kb.embed import Embedder, packaged_embedder
from kb.errors import DocumentNotFound
from kb.facets import count_facets
from kb.filters import Filters
from kb.listing import listing, page
from kb.passage import DocumentMeta, DocumentPrinciple, IndexedDocument, TaggedPassage
from kb.registry import DocumentRegistry
from kb.results import SearchResponse, passage_out, related_out
from kb.retrieve import Retriever
from kb.snapshot import Snapshot
from kb.store import PassageStore, StoredRows

_REFRESH_EVERY_S = 0.5
_REBUILD_ATTEMPTS = 5


@dataclass
class PrincipleStats:
    passage_count: int  # passages tagged with the principle
    document_count: int  # documents with at least one such passage
    documents_met: int  # documents that meet it (`principles_met`)


class KnowledgeBase:
    def __init__(self, settings: Settings, embedder_factory: Callable[[], Embedder] = packaged_embedder) -> None:
        self.settings = settings
        self.data_dir = Path(settings.data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.registry = DocumentRegistry(self.data_dir / "registry.sqlite3")
        self.store = PassageStore.open(self.data_dir, settings.collection, settings.chroma_url)
        self.files_dir = self.data_dir / "files"
        self._embedder_factory = embedder_factory
        self._table: Snapshot | None = None
        self._checked_at = 0.0
        self._urls: tuple[int, dict[str, str | None]] | None = None
        self._lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        return self._embedder_factory()

    @property
    def snapshot_dir(self) -> Path:
        return self.data_dir / "snapshot"

    # ---- reading -------------------------------------------------------------------------------------------

    def snapshot(self, fresh: bool = False) -> Snapshot:
        """The current snapshot, refreshed when the registry generation has moved (checked twice a second)."""
        now = time.monotonic()
        if not fresh and self._table is not None and now - self._checked_at < _REFRESH_EVERY_S:
            return self._table
        with self._lock:
            generation = self.registry.generation()
            self._checked_at = time.monotonic()
            if self._table is None or self._table.generation != generation:
                loaded = Snapshot.load(self.snapshot_dir)
                if loaded is None or loaded.generation != generation:
                    loaded = self._rebuild(generation).warm()  # warm first: the snapshot saves BM25 and IVF
                    self._try_save(loaded)
                self._table = loaded
            # A table loaded from disk, or left by a commit in this process, is current but not yet warm.
            return self._table.warm()

    def _current_table(self) -> Snapshot:
        """The rows as of the registry's current generation, neither persisted nor warmed: a commit needs only
        texts, vectors and groups to find near-duplicates. Read from the store only when another process (or
        nothing yet) moved the generation: after this process's own commit, `_apply_own_commit` keeps it current."""
        with self._lock:
            generation = self.registry.generation()
            if self._table is None or self._table.generation != generation:
                self._table = self._rebuild(generation)
            return self._table

    def _apply_own_commit(self, table: Snapshot, document_id: str, rows: StoredRows, moves: list[int]) -> None:
        """After a commit that made the registry writes `moves` (the generation each one moved to), swap the
        document's rows in the in-memory table instead of reading every row back from the store, so an ingest
        of n documents does not read the store n times. Only when those writes were the only ones since
        `table` was read (each moved the generation by exactly one); otherwise the next read rebuilds."""
        expected = list(range(table.generation + 1, table.generation + 1 + len(moves)))
        with self._lock:
            if self._table is not table:
                return
            self._table = table.replacing(document_id, rows, moves[-1]) if moves == expected else None

    def _try_save(self, table: Snapshot) -> None:
        """Persist a rebuilt snapshot for the next process; another process saving at the same moment or a
        read-only data directory only means the next process rebuilds too."""
        with contextlib.suppress(OSError):
            table.save(self.snapshot_dir)

    def _rebuild(self, generation: int) -> Snapshot:
        """Read the registry, then the rows, and trust the pair only if no commit happened meanwhile and every
        current document has exactly its registered passage count: an ingest running in another process
        may flip a version, or delete rows under a paged read, between the two reads."""
        for _ in range(_REBUILD_ATTEMPTS):
            documents = self.registry.all()
            rows = self.store.rows()
            table = Snapshot.build(rows, {d.meta.id: d.version for d in documents}, generation)
            latest = self.registry.generation()
            if latest == generation and _complete(table, documents):
                break
            generation = latest
        return table

    def search(
        self,
        query: str,
        filters: Filters,
        k: int = 10,
        mode: str = "hybrid",
        base_url: str = "",
        retriever: Retriever | None = None,
        offset: int = 0,
        group: str = "passage",
        sort: str = "relevance",
    ) -> SearchResponse:
        """A page of k results from `offset` of the query's candidate list (see kb/listing.py), with its total
        and facet counts."""
        started = time.perf_counter()
        table = self.snapshot()
        hits = (retriever or Retriever(self.embedder)).candidates(table, query, filters, k, mode)
        cards = listing(table, hits, group, sort)
        shown = page(cards, offset, k)
        urls = self.document_urls() if shown else {}
        results = [
            passage_out(
                table,
                card.hit.row,
                card.hit.score,
                query,
                urls,
                base_url,
                card.hit.duplicates,
                [related_out(table, h.row, h.score, query) for h in card.more],
            )
            for card in shown
        ]
        took = round((time.perf_counter() - started) * 1000, 2)
        if self.settings.query_log:
            self.registry.log_query(query, filters.as_dict(), mode, len(results), took)
        return SearchResponse(
            query=query,
            took_ms=took,
            mode=mode,
            filters=filters.as_dict(),
            group=group,
            sort=sort,
            total=len(cards),
            offset=offset,
            facets=count_facets(table, cards),
            results=results,
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
        table = self._current_table()
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
        self._apply_own_commit(table, meta.id, added, moves)
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
        with self._lock:
            table = self._rebuild(self.registry.generation()).warm()
            table.save(self.snapshot_dir)
            self._table = table
            self._checked_at = time.monotonic()
            return table


def _complete(table: Snapshot, documents: list[IndexedDocument]) -> bool:
    counts = Counter(table.document_id.tolist())
    return all(counts.get(d.meta.id, 0) == d.passage_count for d in documents)
