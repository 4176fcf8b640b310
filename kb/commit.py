"""Writing to the knowledge base: commit a document version, delete a document, collect garbage.

Commit order for a document (see kb/registry.py): write the new version's passages, flip the registry,
delete the old version's passages. A process killed anywhere in between leaves either orphan passages of a
version the registry never named (removed by `collect_garbage`) or stale passages of a replaced version
(removed the same way); readers ignore both because they only trust registry versions.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kb.dedupe import assign_groups, near_duplicate_documents
from kb.passage import IndexedDocument, TaggedPassage
from kb.registry import DocumentRegistry
from kb.snapshot_cache import SnapshotCache
from kb.store import PassageStore, StoredRows


def commit_document(
    store: PassageStore,
    registry: DocumentRegistry,
    cache: SnapshotCache,
    document: IndexedDocument,
    passages: list[TaggedPassage],
    embeddings: np.ndarray,
) -> IndexedDocument:
    """Index one document version, finding which documents it nearly duplicates on the way; returns the
    document as registered (with `near_duplicate_of` filled in)."""
    meta = document.meta
    table = cache.for_commit()
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
    file_format = Path(document.path).suffix.lower().lstrip(".")
    added = StoredRows.of(meta, document.version, passages, embeddings, groups, file_format)
    store.add(added)
    document = document.model_copy(update={"near_duplicate_of": near})
    previous = registry.get(meta.id)
    moves = [registry.commit(document)]
    store.delete_stale(meta.id, keep_version=document.version)
    for other in near:
        existing = registry.get(other)
        if existing is not None and meta.id not in existing.near_duplicate_of:
            moves.append(registry.set_near_duplicates(other, [*existing.near_duplicate_of, meta.id]))
    for other in set(previous.near_duplicate_of if previous else []) - set(near):
        # The links are kept both ways, so only documents the previous version repeated can list this one.
        existing = registry.get(other)
        if existing is not None and meta.id in existing.near_duplicate_of:
            kept = [d for d in existing.near_duplicate_of if d != meta.id]
            moves.append(registry.set_near_duplicates(other, kept))
    cache.apply_own_commit(table, meta.id, added, moves)
    return document


def delete_document(
    store: PassageStore, registry: DocumentRegistry, document: IndexedDocument, stored_file: Path | None
) -> None:
    """Unregister the document, delete its passages and its stored file (`stored_file`, checked to be inside
    the data directory by the caller), and drop it from others' near-duplicate lists."""
    document_id = document.meta.id
    registry.delete(document_id)
    store.delete_stale(document_id, keep_version=None)
    if stored_file is not None:
        stored_file.unlink(missing_ok=True)
    for other in registry.all():
        if document_id in other.near_duplicate_of:
            registry.set_near_duplicates(other.meta.id, [d for d in other.near_duplicate_of if d != document_id])


def collect_garbage(store: PassageStore, registry: DocumentRegistry) -> int:
    """Delete passages whose version the registry does not name (left by an interrupted ingest)."""
    versions = registry.versions()
    rows = store.rows(with_embeddings=False)
    stale = [
        pid
        for pid, meta in zip(rows.ids, rows.metadatas, strict=True)
        if versions.get(meta.get("document_id", "")) != meta.get("doc_version")
    ]
    store.delete_ids(stale)
    return len(stale)
