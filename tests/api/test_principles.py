"""GET /principles (the ten, named as in DESIGN.md, with counts that agree with search); /health; /ready."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import LiveServer

DESIGN_NAMES = [
    "Social partnership",
    "Democratic engagement",
    "Co-production",
    "Enterprise and social economy",
    "Maximising social value",
    "Community leadership and a new role for councillors",
    "New models of meeting priority needs",
    "Innovation",
    "Learning",
    "Walking the talk",
]


@pytest.fixture(scope="module")
def principles(live_server: LiveServer) -> list[dict]:
    response = httpx.get(f"{live_server.url}/principles", timeout=60)
    assert response.status_code == 200
    return response.json()


def test_there_are_ten_principles_named_exactly_as_in_the_design(principles: list[dict]) -> None:
    assert [p["id"] for p in principles] == list(range(1, 11))
    assert [p["name"] for p in principles] == DESIGN_NAMES
    for principle in principles:
        assert set(principle) == {"id", "name", "description", "passage_count", "document_count", "documents_met"}
        assert len(principle["description"].split()) >= 15, "a description in the project's own words"
    assert len({p["description"] for p in principles}) == 10


def test_every_principle_is_evidenced_somewhere_in_the_sample(principles: list[dict]) -> None:
    for principle in principles:
        assert principle["passage_count"] >= principle["document_count"] >= 1


@pytest.mark.parametrize("pid", range(1, 11))
def test_counts_agree_with_a_search_filtered_by_the_principle(
    http: httpx.Client, principles: list[dict], pid: int
) -> None:
    """Dense search scores every row the filter allows, so with k above the count it returns every tagged
    passage once: shown, or folded into a shown one's `also_in` as a near-duplicate from another document.
    The counts include navigation passages, so the search asks for every role."""
    expected = principles[pid - 1]
    assert expected["passage_count"] <= 100
    body = http.get(
        "/search", params={"q": "council", "principle": pid, "k": 100, "mode": "dense", "role": "any"}
    ).json()
    shown = len(body["results"])
    folded = sum(len(r["also_in"]) for r in body["results"])
    assert shown + folded == expected["passage_count"]
    documents = {r["citation"]["document_id"] for r in body["results"]}
    documents |= {c["document_id"] for r in body["results"] for c in r["also_in"]}
    assert len(documents) == expected["document_count"]


def test_health_says_ok(http: httpx.Client) -> None:
    response = http.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_counts_the_loaded_index(http: httpx.Client) -> None:
    ready = http.get("/ready").json()
    documents = http.get("/documents", params={"limit": 200}).json()
    assert set(ready) == {"status", "documents", "passages", "generation"}
    assert ready["status"] == "ready"
    assert ready["documents"] == documents["total"] == 9
    assert ready["passages"] == sum(d["passage_count"] for d in documents["documents"])
    assert isinstance(ready["generation"], int) and ready["generation"] >= 9
