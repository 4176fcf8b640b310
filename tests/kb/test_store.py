"""One Chroma collection with the passage metadata, embedded under the data directory by default or on a
Chroma server when `chroma_url` is set: the same files give the same passages and the same answers."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from kb.filters import Filters
from kb.knowledge_base import KnowledgeBase
from kb.principles import NAMES
from tests.conftest import CORPUS, ingest_into, make_settings, search

FILES = [CORPUS / "pdfs" / "net-zero.pdf", CORPUS / "pdfs" / "sustainable-food.pdf"]
QUERIES = ["community energy society rooftop solar on schools", "food pantry membership", "Kirklees"]


@pytest.mark.server
def test_embedded_and_server_stores_hold_the_same_passages_and_answer_alike(tmp_path: Path, chroma_server: str) -> None:
    embedded = ingest_into(make_settings(tmp_path / "embedded", query_log=False), FILES)
    served = ingest_into(
        make_settings(
            tmp_path / "served",
            chroma_url=chroma_server,
            collection=f"kb-{uuid.uuid4().hex[:8]}",
            query_log=False,
        ),
        FILES,
    )
    assert (tmp_path / "embedded" / "chroma" / "chroma.sqlite3").is_file()
    assert not (tmp_path / "served" / "chroma").exists()

    local_rows = embedded.store.rows(with_embeddings=False)
    server_rows = served.store.rows(with_embeddings=False)
    assert local_rows.ids and sorted(local_rows.ids) == sorted(server_rows.ids)
    server_meta = dict(zip(server_rows.ids, server_rows.metadatas, strict=True))
    for pid, meta in zip(local_rows.ids, local_rows.metadatas, strict=True):
        assert server_meta[pid] == meta

    for query in QUERIES:
        for mode in ("hybrid", "bm25", "dense"):
            for filters in (Filters(), Filters(document_id="sustainable-food")):
                local = [r.passage_id for r in search(embedded, query, filters, 10, mode=mode).results]
                remote = [r.passage_id for r in search(served, query, filters, 10, mode=mode).results]
                assert local == remote, (query, mode, filters)
                assert local or mode == "bm25"


def test_passage_metadata_carries_document_page_heading_principles_and_group(kb: KnowledgeBase) -> None:
    rows = kb.store.rows(with_embeddings=True)
    assert rows.embeddings.shape == (len(rows.ids), 384)
    by_id = dict(zip(rows.ids, rows.metadatas, strict=True))
    meta = next(m for m in rows.metadatas if m["document_id"] == "growing-inclusive-cooperative-economy")
    assert meta["title"] == "Growing an Inclusive Cooperative Economy"
    assert (meta["year"], meta["lead_council"], meta["type"]) == (2022, "Oxford City Council", "policy-lab")
    assert meta["councils"] == ["Oxford City Council", "Stevenage Borough Council", "Torbay Council"]
    assert meta["format"] == "pdf"
    assert 1 <= meta["page"] <= meta["page_end"]
    assert isinstance(json.loads(meta["heading_path"]), list)
    scores = json.loads(meta["scores"])
    assert len(scores) == len(NAMES) == len(json.loads(meta["evidence"]))
    for principle in meta.get("principles", []):
        assert 1 <= principle <= 10
    assert meta["dup_group"] in by_id or meta["dup_group"].split(":")[0] in {"growing-inclusive-cooperative-economy"}
    pack = next(m for m in rows.metadatas if m["document_id"] == "004-d017fc122f128cc7")
    assert "lead_council" not in pack and "councils" not in pack and pack["format"] == "txt"
    web = next(m for m in rows.metadatas if m["document_id"] == "tackling-vawg")
    assert (web["type"], web["format"]) == ("web-page", "html")
