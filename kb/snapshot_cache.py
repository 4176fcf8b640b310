"""The process's copy of the snapshot: loaded from disk or rebuilt from the store when the registry's
generation moves, kept current by this process's own commits, and saved for the next process.

Readers call `current()` (checked against the registry twice a second); a commit calls `for_commit()` (rows
only, neither warmed nor saved) and then `apply_own_commit()`, so an ingest of n documents does not read the
store n times.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from pathlib import Path

from kb.errors import IndexBusy
from kb.passage import IndexedDocument
from kb.registry import DocumentRegistry
from kb.snapshot import Snapshot
from kb.snapshot_files import read_snapshot, write_snapshot
from kb.store import PassageStore, StoredRows

REFRESH_EVERY_S = 0.5
REBUILD_ATTEMPTS = 5


class StoreBusy(Exception):
    """Every attempt to read the rows met a concurrent commit (only that: any other failure is raised as it is,
    so a bug answers 500 with its traceback in the log, not an endless 503 index_busy)."""


class SnapshotCache:
    def __init__(self, store: PassageStore, registry: DocumentRegistry, directory: Path) -> None:
        self.store = store
        self.registry = registry
        self.directory = directory
        self._table: Snapshot | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()
        self.busy_reads = 0  # reads of the rows that met another process's commit (each retried)

    def current(self, fresh: bool = False) -> Snapshot:
        """The current snapshot, refreshed when the registry generation has moved (checked twice a second)."""
        now = time.monotonic()
        if not fresh and self._table is not None and now - self._checked_at < REFRESH_EVERY_S:
            return self._table
        with self._lock:
            generation = self.registry.generation()
            self._checked_at = time.monotonic()
            if self._table is None or self._table.generation != generation:
                loaded = read_snapshot(self.directory)
                if loaded is None or loaded.generation != generation:
                    try:
                        loaded = self._rebuild(generation).warm()  # warm first: the snapshot saves BM25 and IVF
                    except StoreBusy:
                        if self._table is None:
                            raise IndexBusy("the index is being updated; try again in a moment") from None
                        return self._table.warm()  # the last whole snapshot; the next call tries again
                    self._try_save(loaded)
                self._table = loaded
            # A table loaded from disk, or left by a commit in this process, is current but not yet warm.
            return self._table.warm()

    def for_commit(self) -> Snapshot:
        """The rows as of the registry's current generation, neither persisted nor warmed: a commit needs only
        texts, vectors and groups to find near-duplicates. Read from the store only when another process (or
        nothing yet) moved the generation: after this process's own commit, `apply_own_commit` keeps it
        current."""
        with self._lock:
            generation = self.registry.generation()
            if self._table is None or self._table.generation != generation:
                self._table = self._rebuild(generation)
            return self._table

    def apply_own_commit(self, table: Snapshot, document_id: str, rows: StoredRows, moves: list[int]) -> None:
        """After a commit that made the registry writes `moves` (the generation each one moved to), swap the
        document's rows in the in-memory table instead of reading every row back from the store. Only when
        those writes were the only ones since `table` was read (each moved the generation by exactly one);
        otherwise the next read rebuilds."""
        expected = list(range(table.generation + 1, table.generation + 1 + len(moves)))
        with self._lock:
            if self._table is not table:
                return
            self._table = table.replacing(document_id, rows, moves[-1]) if moves == expected else None

    def save_now(self) -> Snapshot:
        """Rebuild from the store of record and persist it for other processes."""
        with self._lock:
            table = self._rebuild(self.registry.generation()).warm()
            write_snapshot(table, self.directory)
            self._table = table
            self._checked_at = time.monotonic()
            return table

    def is_saved_and_current(self) -> bool:
        return self.current().generation == self.registry.generation() and (self.directory / "manifest.json").is_file()

    def _try_save(self, table: Snapshot) -> None:
        """Persist a rebuilt snapshot for the next process; another process saving at the same moment or a
        read-only data directory only means the next process rebuilds too."""
        with contextlib.suppress(OSError):
            write_snapshot(table, self.directory)

    def _rebuild(self, generation: int) -> Snapshot:
        """Read the registry, then the rows, and trust the pair only if no commit happened meanwhile and every
        current document has exactly its registered passage count: an ingest running in another process
        may flip a version, or delete rows under a paged read, between the two reads."""
        for attempt in range(REBUILD_ATTEMPTS):
            documents = self.registry.all()
            try:
                rows = self.store.rows()
            except _concurrent_write_errors() as exc:  # anything else is a bug: it surfaces as it is
                self.busy_reads += 1
                if attempt == REBUILD_ATTEMPTS - 1:
                    raise StoreBusy(str(exc)) from exc
                time.sleep(0.05 * (attempt + 1))
                generation = self.registry.generation()
                continue
            table = Snapshot.build(rows, {d.meta.id: d.version for d in documents}, generation)
            latest = self.registry.generation()
            if latest == generation and _complete(table, documents):
                break
            generation = latest
        return table


def _concurrent_write_errors() -> tuple[type[Exception], ...]:
    """What a read of the rows raises when another process is committing to the same collection, seen with a
    writer process replacing rows under a reader (tests/kb/test_snapshot_cache.py): Chroma's InternalError,
    for a paged read whose rows the commit deleted ("Error finding id") or an index segment the commit was
    rewriting ("Error creating hnsw segment reader: Nothing found on disk"). A Chroma server answers the same
    class. Imported when a read has failed: importing chromadb costs a second."""
    from chromadb.errors import InternalError

    return (InternalError,)


def _complete(table: Snapshot, documents: list[IndexedDocument]) -> bool:
    counts = Counter(table.document_id.tolist())
    return all(counts.get(d.meta.id, 0) == d.passage_count for d in documents)
