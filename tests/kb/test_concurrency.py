"""Search keeps answering while an ingest runs on the same index: no errors, no document that is not (or was
not just) in the registry, never two versions of one passage."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ccin.app import knowledge_base, service_app
from ccin.settings import Settings
from ingest.catalogue import Catalogue
from ingest.chunk import ChunkParams
from ingest.pipeline import Ingestor
from kb.filters import Filters
from tests.conftest import CORPUS, make_settings, search

CATALOGUE = Catalogue.load(CORPUS / "catalogue.yaml")
NEW = [CORPUS / "pdfs" / "values-driven-ai.pdf", CORPUS / "pdfs" / "community-led-housing.pdf"]
REPLACED = [CORPUS / "pdfs" / "net-zero.pdf", CORPUS / "pdfs" / "sustainable-food.pdf"]
QUERIES = [
    "community energy on council roofs",
    "food pantry membership",
    "artificial intelligence values",
    "community led housing",
    "cooperative council network",
]


def _catalogue() -> Catalogue:
    """The corpus catalogue with the replaced documents retitled, so they get new versions."""
    entries = {}
    for file in CATALOGUE.files():
        meta = CATALOGUE.get(file)
        assert meta is not None
        if file in {p.resolve() for p in REPLACED}:
            meta = meta.model_copy(update={"title": meta.title + " (second edition)"})
        entries[file] = meta
    return Catalogue(entries)


def _ingester(settings: Settings, errors: list[BaseException]) -> threading.Thread:
    """A thread that ingests two new documents and new versions of two others (errors go to `errors`)."""

    def ingest() -> None:
        try:
            Ingestor(knowledge_base(settings), _catalogue(), ChunkParams()).run([REPLACED[0], *NEW, REPLACED[1]])
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    return threading.Thread(target=ingest)


@pytest.mark.slow
def test_searches_during_an_ingest_see_whole_documents_only(writable_index: Path) -> None:
    settings = make_settings(writable_index, query_log=False)
    errors: list[BaseException] = []
    reader = knowledge_base(settings)
    ingester = _ingester(settings, errors)
    ingester.start()
    searches, during, seen_documents = 0, 0, set()
    while ingester.is_alive() or searches < len(QUERIES):
        during += ingester.is_alive()
        query = QUERIES[searches % len(QUERIES)]
        before = set(reader.registry.versions())
        results = search(reader, query, Filters(), 20, mode="hybrid").results
        after = set(reader.registry.versions())
        documents = [r.citation.document_id for r in results]
        assert set(documents) <= before | after
        prefixes = [r.passage_id.rsplit(":", 1)[0] for r in results]  # "document:ordinal", one per version
        assert len(prefixes) == len(set(prefixes)), prefixes
        titles = {r.citation.document_id: r.citation.title for r in results}
        assert len({(r.citation.document_id, r.citation.title) for r in results}) == len(titles)
        seen_documents |= set(documents)
        searches += 1
    ingester.join()
    assert errors == []
    assert searches >= len(QUERIES) and during >= 1

    final = knowledge_base(settings)
    assert {"values-driven-ai", "community-led-housing"} <= set(final.registry.versions())
    table = final.snapshot(fresh=True)
    assert len(table.ids) == len({pid.rsplit(":", 1)[0] for pid in table.ids})
    top = search(final, "community energy on council roofs", Filters(document_id="net-zero"), 1).results[0]
    assert top.citation.title == "Cooperative Approaches to Reaching Net Zero (second edition)"
    assert search(reader, "community led housing", Filters(), 3).results[0].citation.document_id == (
        "community-led-housing"
    )


@pytest.mark.slow
def test_document_routes_answer_during_an_ingest_without_a_server_error(writable_index: Path) -> None:
    """The reads the reliability probe saw fail (56 x 500 while an ingest replaced documents): every document
    route, over HTTP, while changing versions are committed into the same data directory."""
    settings = make_settings(writable_index, query_log=False)
    errors: list[BaseException] = []
    statuses: list[tuple[str, int]] = []
    with TestClient(service_app(settings)) as client:
        ingester = _ingester(settings, errors)
        ingester.start()
        rounds = 0
        while ingester.is_alive() or rounds < 2:
            listed = client.get("/documents", params={"limit": 100})
            statuses.append(("/documents", listed.status_code))
            for document in listed.json()["documents"][:6] if listed.status_code == 200 else []:
                for path in (f"/documents/{document['id']}", f"/documents/{document['id']}/file"):
                    statuses.append((path, client.get(path).status_code))
            statuses.append(
                ("/search", client.get("/search", params={"q": QUERIES[rounds % len(QUERIES)]}).status_code)
            )
            rounds += 1
        ingester.join()
    assert errors == []
    assert rounds >= 2 and len(statuses) > 20
    assert [(path, status) for path, status in statuses if status >= 500] == []
    assert all(status in (200, 404) for _, status in statuses), "a replaced document may be gone, never broken"
