"""The snapshot's role column: stored with each passage since roles existed, computed for older rows."""

from __future__ import annotations

import json

from kb.knowledge_base import KnowledgeBase
from kb.roles import NAVIGATION_ROLES, ROLE_RULE, passage_role
from kb.snapshot import Snapshot
from kb.store import StoredRows


def test_every_stored_passage_carries_the_role_the_rule_gives_it(kb: KnowledgeBase) -> None:
    rows = kb.store.rows(with_embeddings=False)
    for text, meta in zip(rows.texts, rows.metadatas, strict=True):
        expected = passage_role(text, json.loads(meta["heading_path"]), int(meta["ordinal"]))
        assert meta["role"] == expected
        assert meta["role_rule"] == ROLE_RULE
    stored = {m["role"] for m in rows.metadatas}
    assert {"contents", "references", "case_study", "recommendation", "introduction", "body"} <= stored


def test_rows_stored_before_roles_get_theirs_when_the_table_is_built(kb: KnowledgeBase) -> None:
    rows = kb.store.rows()
    legacy = StoredRows(
        rows.ids,
        rows.texts,
        [{k: v for k, v in m.items() if k not in ("role", "role_rule")} for m in rows.metadatas],
        rows.embeddings,
    )
    versions = kb.registry.versions()
    current = Snapshot.build(rows, versions, 1)
    rebuilt = Snapshot.build(legacy, versions, 1)
    assert rebuilt.ids == current.ids
    assert rebuilt.role.tolist() == current.role.tolist()
    assert "contents" in rebuilt.role.tolist()


def test_rows_stored_under_an_older_role_rule_are_labelled_again(kb: KnowledgeBase) -> None:
    """A passage stored when every content passage was "body" (no `role_rule`) gets today's label, so a case
    study indexed before roles beyond navigation existed can be filtered as one without re-ingesting."""
    rows = kb.store.rows()
    older = [
        {
            **{k: v for k, v in m.items() if k != "role_rule"},
            "role": "body" if m["role"] not in NAVIGATION_ROLES else m["role"],
        }
        for m in rows.metadatas
    ]
    versions = kb.registry.versions()
    current = Snapshot.build(rows, versions, 1)
    rebuilt = Snapshot.build(StoredRows(rows.ids, rows.texts, older, rows.embeddings), versions, 1)
    assert rebuilt.role.tolist() == current.role.tolist()
    assert "case_study" in rebuilt.role.tolist()
    stale = [{**m, "role": "body"} for m in rows.metadatas]  # same rule, so the stored label is trusted as is
    assert set(Snapshot.build(StoredRows(rows.ids, rows.texts, stale, rows.embeddings), versions, 1).role) == {"body"}


def test_role_masks_are_made_once_and_cannot_be_changed(kb: KnowledgeBase) -> None:
    table = kb.snapshot()
    roles = [str(r) for r in table.role]
    for role in ("body", "navigation", "case_study", "contents", "references", "cover"):
        mask = table.with_role(role)
        navigation = [r in NAVIGATION_ROLES for r in roles]
        by_kind = {"navigation": navigation, "body": [not n for n in navigation]}
        expected = by_kind.get(role, [r == role for r in roles])
        assert mask.tolist() == expected, role
        assert table.with_role(role) is mask, "made once per table"
        assert not mask.flags.writeable, "a filter that and-ed into it would change every later search"
