"""The snapshot's role column: stored with each passage since roles existed, computed for older rows."""

from __future__ import annotations

import json

from kb.knowledge_base import KnowledgeBase
from kb.navigation import navigation_role
from kb.snapshot import Snapshot
from kb.store import StoredRows


def test_every_stored_passage_carries_the_role_navigation_gives_it(kb: KnowledgeBase) -> None:
    rows = kb.store.rows(with_embeddings=False)
    for text, meta in zip(rows.texts, rows.metadatas, strict=True):
        expected = navigation_role(text, json.loads(meta["heading_path"])) or "body"
        assert meta["role"] == expected
    assert {"contents", "references"} <= {m["role"] for m in rows.metadatas}


def test_rows_stored_before_roles_get_theirs_when_the_table_is_built(kb: KnowledgeBase) -> None:
    rows = kb.store.rows()
    legacy = StoredRows(
        rows.ids, rows.texts, [{k: v for k, v in m.items() if k != "role"} for m in rows.metadatas], rows.embeddings
    )
    versions = kb.registry.versions()
    current = Snapshot.build(rows, versions, 1)
    rebuilt = Snapshot.build(legacy, versions, 1)
    assert rebuilt.ids == current.ids
    assert rebuilt.role.tolist() == current.role.tolist()
    assert "contents" in rebuilt.role.tolist()


def test_role_masks_are_made_once_and_cannot_be_changed(kb: KnowledgeBase) -> None:
    table = kb.snapshot()
    roles = [str(r) for r in table.role]
    for role in ("body", "navigation", "contents", "references", "cover"):
        mask = table.with_role(role)
        expected = [(r != "body") if role == "navigation" else (r == role) for r in roles]
        assert mask.tolist() == expected, role
        assert table.with_role(role) is mask, "made once per table"
        assert not mask.flags.writeable, "a filter that and-ed into it would change every later search"
