"""The document registry keeps each document's principles, and opens a registry written before it did."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kb.knowledge_base import KnowledgeBase
from kb.passage import DocumentMeta, DocumentPrinciple, IndexedDocument
from kb.registry import DocumentRegistry

OLD_SCHEMA = """
CREATE TABLE documents (
    id TEXT PRIMARY KEY, version TEXT NOT NULL, meta TEXT NOT NULL, pages INTEGER NOT NULL,
    passage_count INTEGER NOT NULL, path TEXT NOT NULL, source TEXT NOT NULL,
    near_duplicate_of TEXT NOT NULL DEFAULT '[]',
    ingested_at REAL NOT NULL
);
CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _document(principles: list[DocumentPrinciple]) -> IndexedDocument:
    meta = DocumentMeta(id="a", title="A", principles_declared=[9, 3, 3])
    return IndexedDocument(
        meta=meta, version="v2", pages=1, passage_count=2, path="p", source="s", principles=principles
    )


def test_principles_and_declared_list_round_trip(tmp_path: Path) -> None:
    registry = DocumentRegistry(tmp_path / "registry.sqlite")
    principles = [
        DocumentPrinciple(id=pid, score=0.1 * pid, met=pid > 5, tagged_passages=pid % 2, passage_ids=["a:0:x"])
        for pid in range(1, 11)
    ]
    registry.commit(_document(principles))
    stored = registry.get("a")
    assert stored is not None
    assert stored.principles == principles
    assert stored.meta.principles_declared == [3, 9]


def test_a_registry_from_before_document_principles_opens_and_takes_them(tmp_path: Path) -> None:
    path = tmp_path / "registry.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_SCHEMA)
        db.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ("old", "v1", DocumentMeta(id="old", title="Old").model_dump_json(), 3, 4, "p", "s", "[]", 0.0),
        )
    registry = DocumentRegistry(path)
    old = registry.get("old")
    assert old is not None and old.principles == [] and old.passage_count == 4
    registry.commit(_document([DocumentPrinciple(id=8, score=0.9, met=True)]))
    assert [p.id for p in registry.get("a").principles] == [8]  # type: ignore[union-attr]


def test_a_document_indexed_before_document_principles_meets_what_its_passages_are_tagged_with(
    kb: KnowledgeBase,
) -> None:
    import json

    document = kb.document("net-zero").model_copy(update={"principles": []})
    table = kb.snapshot()
    rows = [r for r, d in enumerate(table.document_id) if d == "net-zero"]
    tagged = {pid for r in rows for pid in table.metas[r].get("principles") or []}
    found = kb.document_principles(document)
    assert {p.id for p in found} == tagged == kb.principles_met(document)
    for principle in found:
        carrying = [r for r in rows if principle.id in (table.metas[r].get("principles") or [])]
        best = max(json.loads(table.metas[r]["scores"])[principle.id - 1] for r in carrying)
        assert principle.met and principle.tagged_passages == len(carrying)
        assert principle.best_passage_score == round(best, 4)
        assert 1 <= len(principle.passage_ids) <= 3
