"""The document registry (SQLite beside the index): which version of each document is current.

It is the commit point of an ingest: passages of a new version are written to Chroma first, then the registry
row flips to that version in one transaction, then the old version's passages are deleted. Readers only trust
passages whose version the registry names, so they see the old document or the new one, never both or neither.
A generation counter bumps on every change so readers know when to refresh.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from kb.passage import DocumentMeta, DocumentPrinciple, IndexedDocument

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, version TEXT NOT NULL, meta TEXT NOT NULL, pages INTEGER NOT NULL,
    passage_count INTEGER NOT NULL, path TEXT NOT NULL, source TEXT NOT NULL,
    near_duplicate_of TEXT NOT NULL DEFAULT '[]',
    ingested_at REAL NOT NULL,
    principles TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS query_log (
    at REAL NOT NULL, query TEXT NOT NULL, filters TEXT NOT NULL, mode TEXT NOT NULL,
    result_count INTEGER NOT NULL, took_ms REAL NOT NULL
);
"""
_COLUMNS = "meta, version, pages, passage_count, path, source, near_duplicate_of, principles"


class DocumentRegistry:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as db:
            db.executescript(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(documents)")}
            if "principles" not in columns:  # a registry written before document-level principles
                db.execute("ALTER TABLE documents ADD COLUMN principles TEXT NOT NULL DEFAULT '[]'")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def generation(self) -> int:
        with self._connect() as db:
            row = db.execute("SELECT value FROM state WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    def versions(self) -> dict[str, str]:
        with self._connect() as db:
            return dict(db.execute("SELECT id, version FROM documents").fetchall())

    def get(self, document_id: str) -> IndexedDocument | None:
        with self._connect() as db:
            row = db.execute(
                f"SELECT {_COLUMNS} FROM documents WHERE id=?",
                (document_id,),
            ).fetchone()
        return _document(row) if row else None

    def from_source(self, source: str) -> IndexedDocument | None:
        """The document last ingested from the file at `source` (lets an uncatalogued file that has not changed
        be skipped before it is read, as a catalogued one is)."""
        with self._connect() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM documents WHERE source=? LIMIT 1", (source,)).fetchone()
        return _document(row) if row else None

    def all(self) -> list[IndexedDocument]:
        with self._connect() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM documents ORDER BY id").fetchall()
        return [_document(row) for row in rows]

    def commit(self, document: IndexedDocument) -> int:
        """Register the document's version; returns the generation this write moved the registry to."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    document.meta.id,
                    document.version,
                    document.meta.model_dump_json(),
                    document.pages,
                    document.passage_count,
                    document.path,
                    document.source,
                    json.dumps(document.near_duplicate_of),
                    time.time(),
                    json.dumps([p.model_dump() for p in document.principles]),
                ),
            )
            generation = _bump(db)
            db.execute("COMMIT")
        return generation

    def set_near_duplicates(self, document_id: str, others: list[str]) -> int:
        """Returns the generation this write moved the registry to."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "UPDATE documents SET near_duplicate_of=? WHERE id=?",
                (json.dumps(sorted(others)), document_id),
            )
            generation = _bump(db)
            db.execute("COMMIT")
        return generation

    def delete(self, document_id: str) -> bool:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            deleted = db.execute("DELETE FROM documents WHERE id=?", (document_id,)).rowcount
            _bump(db)
            db.execute("COMMIT")
        return bool(deleted)

    def log_query(self, query: str, filters: dict[str, Any], mode: str, result_count: int, took_ms: float) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO query_log VALUES (?, ?, ?, ?, ?, ?)",
                (time.time(), query, json.dumps(filters, sort_keys=True), mode, result_count, took_ms),
            )

    def queries(self, limit: int = 100, zero_results_only: bool = False) -> list[dict[str, Any]]:
        where = "WHERE result_count = 0" if zero_results_only else ""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT at, query, filters, mode, result_count, took_ms FROM query_log {where} "
                "ORDER BY at DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            {"at": at, "query": q, "filters": json.loads(f), "mode": m, "result_count": n, "took_ms": t}
            for at, q, f, m, n, t in rows
        ]


def _bump(db: sqlite3.Connection) -> int:
    """Move the generation on by one inside the caller's transaction; returns the new value."""
    db.execute(
        "INSERT INTO state VALUES ('generation', '1') ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )
    return int(db.execute("SELECT value FROM state WHERE key='generation'").fetchone()[0])


def _document(row: tuple[Any, ...]) -> IndexedDocument:
    meta, version, pages, passage_count, path, source, near, principles = row
    return IndexedDocument(
        meta=DocumentMeta.model_validate_json(meta),
        version=version,
        pages=pages,
        passage_count=passage_count,
        path=path,
        source=source,
        near_duplicate_of=json.loads(near),
        principles=[DocumentPrinciple.model_validate(p) for p in json.loads(principles)],
    )
