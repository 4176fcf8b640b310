"""A data directory moved or restored elsewhere keeps serving every document's file, and a re-ingest keeps the
near-duplicate links of the documents it touches true."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ccin.app import knowledge_base, service_app
from ingest.catalogue import Catalogue
from ingest.chunk import ChunkParams
from ingest.pipeline import Ingestor
from tests.conftest import make_settings


@pytest.mark.slow
def test_a_moved_data_directory_serves_every_documents_file(sample_index: Path, tmp_path: Path) -> None:
    moved = tmp_path / "restored" / "data"
    shutil.copytree(sample_index, moved)
    kb = knowledge_base(make_settings(moved))
    documents = kb.documents()
    assert documents
    assert all(not Path(d.path).is_absolute() for d in documents), "paths are recorded relative to the data dir"
    with TestClient(service_app(make_settings(moved))) as client:
        for document in documents:
            response = client.get(f"/documents/{document.meta.id}/file")
            assert response.status_code == 200, (document.meta.id, response.text)
            assert response.content == (moved / document.path).read_bytes()


def _report(path: Path, topic: str, extra: str = "") -> None:
    sentences = [
        f"The {topic} project began when the council asked residents what they needed most from it.",
        f"Tenants, local businesses and the council formed a {topic} co-operative with a shared board.",
        f"Every member has one vote, and the {topic} co-operative publishes its accounts each spring.",
        f"After two years the {topic} scheme served four estates and trained twelve volunteers as organisers.",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{topic.title()} report\n\n" + "\n\n".join(sentences * 3) + extra, encoding="utf-8")


@pytest.mark.slow
def test_a_reingest_that_stops_repeating_a_document_drops_the_link_on_both_sides(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    _report(folder / "a-food.txt", "food")
    _report(folder / "b-food-copy.txt", "food", "\n\nThis copy adds a closing note.")
    kb = knowledge_base(make_settings(tmp_path / "data"))
    ingestor = Ingestor(kb, Catalogue.empty(), ChunkParams())
    report = ingestor.run([folder])
    a, b = (o.document_id for o in report.outcomes)
    assert kb.document(a).near_duplicate_of == [b] and kb.document(b).near_duplicate_of == [a]

    _report(folder / "b-food-copy.txt", "energy")  # same file, now about something else
    ingestor.run([folder])

    assert kb.document(b).near_duplicate_of == []
    assert kb.document(a).near_duplicate_of == [], "the other document no longer lists it"
