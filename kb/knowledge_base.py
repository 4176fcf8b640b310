"""The knowledge base: the one object the other layers use. It owns the Chroma store, the document registry
and the process's snapshot, answers searches and document questions, and commits documents (kb/commit.py says
in which order and why)."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kb.commit import collect_garbage, commit_document, delete_document
from kb.embed import Embedder, packaged_embedder
from kb.errors import DocumentNotFound
from kb.facets import Facets, count_facets
from kb.filters import Filters
from kb.listing import Card, listing, page
from kb.passage import DocumentMeta, DocumentPrinciple, IndexedDocument, TaggedPassage
from kb.query_reading import Reading, read_query
from kb.registry import DocumentRegistry
from kb.retrieve import Retriever
from kb.snapshot import Snapshot
from kb.snapshot_cache import SnapshotCache
from kb.store import PassageStore
from kb.weak_match import is_weak

REGISTRY_FILE = "registry.sqlite3"


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
    interpreted: dict[str, Any] = field(default_factory=dict)  # filters read from the query (kb/query_reading.py)
    ranked_query: str = ""  # the text that was ranked: the query less what was read from it
    weak: bool = False  # no passage is close to the query (kb/weak_match.py)
    notices: list[str] = field(default_factory=list)  # things a person should know about this page


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
        self.registry = DocumentRegistry(self.data_dir / REGISTRY_FILE)
        self.store = PassageStore.open(self.data_dir, collection, chroma_url)
        self.files_dir = self.data_dir / "files"
        self._embedder_factory = embedder_factory
        self._cache = SnapshotCache(self.store, self.registry, self.data_dir / "snapshot")
        self._catalogue_facts: tuple[int, dict[str, str | None], list[str], list[str]] | None = None

    @staticmethod
    def exists(data_dir: Path | str) -> bool:
        """Whether `data_dir` holds an index (its registry), looked up without creating anything: opening a
        `KnowledgeBase` creates the directory, which a command that only reads should not do."""
        return (Path(data_dir) / REGISTRY_FILE).is_file()

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
        read: bool = False,
    ) -> SearchPage:
        """A page of k results from `offset` of the query's candidate list (see kb/listing.py), with its total
        and facet counts. With `read`, years, a known council and a document type named in the query become
        filters (kb/query_reading.py) and `SearchPage.interpreted` says which."""
        started = time.perf_counter()
        table = self.snapshot()
        reading = self._reading(query, filters) if read else None
        ranked, filters = (reading.text, reading.filters) if reading else (query, filters)
        hits = (retriever or Retriever(self.embedder)).candidates(table, ranked, filters, k, mode)
        weak = mode != "bm25" and is_weak(table, self.embedder.embed_query(ranked), [h.row for h in hits[:10]])
        cards = listing(table, hits, group, sort)
        shown = page(cards, offset, k)
        took = round((time.perf_counter() - started) * 1000, 2)
        if self.query_log:
            self.registry.log_query(query, filters.as_dict(), mode, len(shown), took)
        return SearchPage(
            query,
            took,
            mode,
            filters,
            group,
            sort,
            len(cards),
            offset,
            count_facets(table, cards),
            shown,
            table,
            reading.found if reading else {},
            ranked,
            weak,
            [notice] if (notice := self.council_notice(filters.council)) else [],
        )

    def ranked_text(self, query: str, filters: Filters, read: bool = False) -> str:
        """The text `search` ranks for `query` (with `read`, what is left once years, a council and a type are
        read from it): the text whose vector a caller can make ready beforehand (`embedder.embed_query_async`)."""
        return self._reading(query, filters).text if read else query

    def _reading(self, query: str, filters: Filters) -> Reading:
        return read_query(query, filters, self.councils(), self.document_types())

    def councils(self) -> list[str]:
        """Every council named in the index (lead councils and partners), sorted."""
        return self._facts()[1]

    def document_types(self) -> list[str]:
        return self._facts()[2]

    def council_notice(self, council: str | None) -> str | None:
        """What to tell a person whose council filter no council in the index matches (an empty page alone
        reads as "nothing on this topic")."""
        if council is None:
            return None
        wanted = council.strip().lower()
        known = self.councils()
        if not known or any(wanted in name.lower() for name in known):
            return None
        return f"No council in the index matches “{council.strip()}”. Councils: {', '.join(known)}."

    def _facts(self) -> tuple[dict[str, str | None], list[str], list[str]]:
        """Catalogue URLs by document id, council names and document types, read from the registry once per
        index generation, not per query."""
        generation = self.snapshot().generation
        if self._catalogue_facts is None or self._catalogue_facts[0] != generation:
            documents = self.registry.all()
            urls = {d.meta.id: d.meta.url for d in documents}
            councils = sorted({c for d in documents for c in [d.meta.lead_council, *d.meta.partners] if c})
            types = sorted({d.meta.type for d in documents if d.meta.type})
            self._catalogue_facts = (generation, urls, councils, types)
        return self._catalogue_facts[1:]

    def document_urls(self) -> dict[str, str | None]:
        """Catalogue URLs by document id."""
        return self._facts()[0]

    def document(self, document_id: str) -> IndexedDocument:
        document = self.registry.get(document_id)
        if document is None:
            raise DocumentNotFound(f"no document with id {document_id!r}")
        return document

    def find_document(self, document_id: str) -> IndexedDocument | None:
        return self.registry.get(document_id)

    def find_document_from(self, source: Path) -> IndexedDocument | None:
        """The document last ingested from the file at `source`, if any."""
        return self.registry.from_source(str(source))

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
        """The document's stored copy, if it is still there and inside the data directory. The registry keeps
        the path relative to the data directory, so a data directory can be moved or restored elsewhere; a path
        recorded absolute (before that) is looked up under this data directory's files by its name."""
        recorded = Path(document.path)
        path = (self.data_dir / recorded if not recorded.is_absolute() else recorded).resolve()
        files = self.files_dir.resolve()
        if recorded.is_absolute() and not path.is_file():
            path = files / recorded.name
        return path if path.is_file() and files in path.parents else None

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

    # ---- writing (kb/commit.py) -----------------------------------------------------------------------------

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
        """Index one document version; `stored_path` (the kept copy) is recorded relative to the data directory."""
        kept = Path(stored_path).resolve()
        with contextlib.suppress(ValueError):
            kept = kept.relative_to(self.data_dir.resolve())
        document = IndexedDocument(
            meta=meta,
            version=version,
            pages=pages,
            passage_count=len(passages),
            path=str(kept),
            source=source,
            near_duplicate_of=[],
            principles=principles or [],
        )
        return commit_document(self.store, self.registry, self._cache, document, passages, embeddings)

    def delete(self, document_id: str) -> None:
        document = self.document(document_id)
        delete_document(self.store, self.registry, document, self.stored_file(document))

    def collect_garbage(self) -> int:
        """Delete passages whose version the registry does not name (left by an interrupted ingest)."""
        return collect_garbage(self.store, self.registry)

    def save_snapshot(self) -> Snapshot:
        """Rebuild the snapshot from the store of record and persist it for other processes."""
        return self._cache.save_now()
