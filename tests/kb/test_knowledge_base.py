"""The keyword index (BM25 inside the snapshot) stays consistent with Chroma, the store of record, through
re-ingest, delete, prune, a stale snapshot on disk and an ingest killed before its registry flip."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from ccin.app import knowledge_base
from ingest.catalogue import Catalogue
from ingest.chunk import ChunkParams
from ingest.pipeline import Ingestor
from kb.filters import Filters
from kb.knowledge_base import KnowledgeBase
from kb.passage import TaggedPassage
from kb.snapshot import Snapshot
from kb.snapshot_files import read_snapshot
from kb.store import StoredRows
from tests.conftest import CORPUS, make_settings, search

CATALOGUE = Catalogue.load(CORPUS / "catalogue.yaml")
NET_ZERO = CORPUS / "pdfs" / "net-zero.pdf"


def current_ids(kb: KnowledgeBase) -> set[str]:
    """Chroma's passages of the versions the registry names."""
    versions = kb.registry.versions()
    rows = kb.store.rows(with_embeddings=False)
    return {
        pid
        for pid, meta in zip(rows.ids, rows.metadatas, strict=True)
        if versions.get(meta["document_id"]) == meta["doc_version"]
    }


def assert_consistent(kb: KnowledgeBase) -> set[str]:
    """Snapshot ids == Chroma's current ids == BM25 rows, in memory, on disk and in a fresh process."""
    current = current_ids(kb)
    table = kb.snapshot(fresh=True)
    assert table.generation == kb.registry.generation()
    assert sorted(table.ids) == sorted(current)
    assert len(table.keyword.scores("council cooperative")) == len(current)
    on_disk = read_snapshot(kb.snapshot_dir)
    assert on_disk is not None
    assert on_disk.generation == table.generation
    assert on_disk.ids == table.ids
    assert len(on_disk.keyword.scores("council cooperative")) == len(current)
    assert KnowledgeBase(kb.data_dir).snapshot().ids == table.ids
    return current


@pytest.mark.slow
def test_reingest_delete_and_prune_keep_bm25_and_chroma_in_step(writable_index: Path, tmp_path: Path) -> None:
    kb = knowledge_base(make_settings(writable_index, query_log=False))
    before = assert_consistent(kb)
    old_net_zero = {pid for pid in before if pid.startswith("net-zero:")}

    renamed = Catalogue(
        {
            f: CATALOGUE.get(f).model_copy(update={"title": "Kirklees Rooftop Energy Lessons"})  # type: ignore[union-attr]
            for f in CATALOGUE.files()
            if f == NET_ZERO.resolve()
        }
    )
    report = Ingestor(kb, renamed, ChunkParams()).run([NET_ZERO])
    assert [o.status for o in report.outcomes] == ["indexed"]
    after = assert_consistent(kb)
    assert set(kb.store.rows(with_embeddings=False).ids) == after  # the old version's rows are gone
    new_net_zero = {pid for pid in after if pid.startswith("net-zero:")}
    assert new_net_zero and not new_net_zero & old_net_zero
    assert after - new_net_zero == before - old_net_zero
    top = search(kb, "Kirklees Rooftop Energy Lessons", Filters(), 3, mode="bm25").results[0]
    assert (top.citation.document_id, top.citation.title) == ("net-zero", "Kirklees Rooftop Energy Lessons")

    kb.delete("beyond-asset-transfer")
    after_delete = assert_consistent(kb)
    assert after_delete == {pid for pid in after if not pid.startswith("beyond-asset-transfer:")}
    hits = search(kb, "community asset transfer Newcastle", Filters(), 20, mode="bm25").results
    assert hits and "beyond-asset-transfer" not in {h.citation.document_id for h in hits}

    drop = tmp_path / "drop"
    drop.mkdir()
    dropped = shutil.copy(CORPUS / "pdfs" / "values-driven-ai.pdf", drop / "values-driven-ai.pdf")
    Ingestor(kb, Catalogue.empty(), ChunkParams()).run([drop])
    with_new = assert_consistent(kb)
    assert {pid.split(":")[0] for pid in with_new - after_delete} == {"values-driven-ai"}
    Path(dropped).unlink()
    report = Ingestor(kb, Catalogue.empty(), ChunkParams()).run([drop], prune=True)
    assert report.pruned == ["values-driven-ai"]
    assert assert_consistent(kb) == after_delete
    assert kb.registry.get("values-driven-ai") is None


@pytest.mark.slow
def test_commits_keep_the_in_memory_table_equal_to_a_rebuild_without_reading_the_store_each_time(
    writable_index: Path, tmp_path: Path
) -> None:
    kb = knowledge_base(make_settings(writable_index, query_log=False))
    full_reads = []
    in_memory: list[Snapshot | None] = []  # the table the commits left, as each full read starts
    read_rows = kb.store.rows

    def counted(with_embeddings: bool = True) -> StoredRows:
        full_reads.append(with_embeddings)
        in_memory.append(kb._cache._table)
        return read_rows(with_embeddings)

    kb.store.rows = counted  # type: ignore[method-assign]
    drop = tmp_path / "drop"
    drop.mkdir()
    for name in ("values-driven-ai.pdf", "net-zero.pdf", "sustainable-food.pdf"):
        # Copies under new names are new documents, and near-duplicates of the indexed originals.
        shutil.copy(CORPUS / "pdfs" / name, drop / f"copy-of-{name}")
    report = Ingestor(kb, Catalogue.empty(), ChunkParams()).run([drop])
    assert [o.status for o in report.outcomes] == ["indexed"] * 3
    assert kb.document("copy-of-net-zero").near_duplicate_of == ["net-zero"]
    assert "copy-of-net-zero" in kb.document("net-zero").near_duplicate_of
    # One read before the first commit, one for the snapshot the run saves: not one per document.
    assert full_reads.count(True) == 2

    # The last full read is the run's snapshot; the table in memory just before it is the commits' work.
    kept = in_memory[-1]
    assert kept is not None and kept is not kb._cache._table
    rebuilt = Snapshot.build(read_rows(), kb.registry.versions(), kb.registry.generation())
    assert kept.generation == rebuilt.generation
    assert kept.ids == rebuilt.ids
    assert kept.texts == rebuilt.texts
    assert kept.metas == rebuilt.metas
    # Chroma hands vectors back a rounding step away (differences near 1e-8) from those it was given.
    assert np.allclose(kept.embeddings, rebuilt.embeddings, rtol=0, atol=1e-6)


def test_a_snapshot_of_an_older_generation_on_disk_is_rebuilt(writable_index: Path, tmp_path: Path) -> None:
    settings = make_settings(writable_index, query_log=False)
    kb = knowledge_base(settings)
    old = kb.snapshot(fresh=True)
    saved = tmp_path / "old-snapshot"
    shutil.copytree(kb.snapshot_dir, saved)
    kb.delete("tackling-vawg")
    current = assert_consistent(kb)
    shutil.rmtree(kb.snapshot_dir)
    shutil.copytree(saved, kb.snapshot_dir)
    stale = read_snapshot(kb.snapshot_dir)
    assert stale is not None and stale.generation == old.generation < kb.registry.generation()

    table = knowledge_base(settings).snapshot()
    assert table.generation == kb.registry.generation()
    assert set(table.ids) == current
    assert not any(pid.startswith("tackling-vawg:") for pid in table.ids)
    rewritten = read_snapshot(kb.snapshot_dir)
    assert rewritten is not None and rewritten.generation == kb.registry.generation()


def test_snapshot_of_another_size_than_its_manifest_is_not_trusted(writable_index: Path) -> None:
    kb = knowledge_base(make_settings(writable_index, query_log=False))
    rows = kb.snapshot_dir / "rows.jsonl"
    lines = rows.read_text(encoding="utf-8").splitlines(keepends=True)
    rows.write_text("".join(lines[:-1]), encoding="utf-8")
    assert read_snapshot(kb.snapshot_dir) is None
    assert sorted(kb.snapshot().ids) == sorted(current_ids(kb))


def test_passages_written_without_the_registry_flip_are_invisible_then_collected(
    writable_index: Path,
) -> None:
    kb = knowledge_base(make_settings(writable_index, query_log=False))
    table = kb.snapshot(fresh=True)
    document = kb.document("net-zero")
    rows = [i for i, meta in enumerate(table.metas) if meta["document_id"] == "net-zero"]
    orphans = [
        TaggedPassage(
            id=f"net-zero:{n:04d}:killed000000",
            document_id="net-zero",
            ordinal=n,
            text=table.texts[row],
            page=table.metas[row]["page"],
            page_end=table.metas[row]["page_end"],
            heading_path=json.loads(table.metas[row]["heading_path"]),
            char_start=table.metas[row]["char_start"],
            char_end=table.metas[row]["char_end"],
        )
        for n, row in enumerate(rows)
    ]
    stored = kb.store.count()
    # What a process killed after writing a new version's passages and before `registry.commit` leaves.
    kb.store.add(
        StoredRows.of(document.meta, "killed-version", orphans, table.embeddings[rows], [p.id for p in orphans], "pdf")
    )
    assert kb.store.count() == stored + len(rows)

    current = assert_consistent(kb)
    assert not any(pid.endswith(":killed000000") for pid in current)
    shutil.rmtree(kb.snapshot_dir)
    fresh = KnowledgeBase(kb.data_dir)
    assert sorted(fresh.snapshot().ids) == sorted(current)
    results = search(fresh, "community energy society rooftop solar on schools", Filters(), 10).results
    assert not any(r.passage_id.endswith(":killed000000") for r in results)

    assert kb.collect_garbage() == len(rows)
    assert set(kb.store.rows(with_embeddings=False).ids) == current
    assert kb.collect_garbage() == 0
    assert assert_consistent(kb) == current
