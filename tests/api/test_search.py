"""GET /search over real HTTP on the sample index: the contract's shape, every filter, the modes, and the
empty answer."""

from __future__ import annotations

import httpx
import pytest

from kb.principles import NAMES
from tests.conftest import LiveServer

RESULT_KEYS = {
    "passage_id",
    "text",
    "snippet",
    "score",
    "principles",
    "citation",
    "heading_path",
    "ocr",
    "role",
    "also_in",
    "also_in_document",
}
CITATION_KEYS = {
    "document_id",
    "title",
    "lead_council",
    "year",
    "type",
    "page",
    "page_end",
    "url",
    "label",
    "unit",
    "inferred_fields",
}
BEYOND = "Beyond Asset Transfer: harnessing community asset transfer to create stronger local communities"


def _search(http: httpx.Client, **params: str | int) -> dict:
    response = http.get("/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _documents(body: dict) -> set[str]:
    return {r["citation"]["document_id"] for r in body["results"]}


def test_a_search_answers_cited_passages_in_the_contract_shape(http: httpx.Client, live_server: LiveServer) -> None:
    body = _search(http, q="community asset transfer", k=3)

    assert set(body) == {
        "query",
        "took_ms",
        "mode",
        "filters",
        "group",
        "sort",
        "total",
        "offset",
        "facets",
        "interpreted",
        "ranked_query",
        "weak",
        "notices",
        "results",
    }
    assert body["query"] == "community asset transfer"
    assert body["mode"] == "hybrid"
    assert body["filters"] == {}
    assert (body["group"], body["sort"], body["offset"]) == ("passage", "relevance", 0)
    assert body["total"] >= 3
    assert isinstance(body["took_ms"], float) and body["took_ms"] >= 0
    assert len(body["results"]) == 3
    for result in body["results"]:
        assert set(result) == RESULT_KEYS
        citation = result["citation"]
        assert set(citation) == CITATION_KEYS
        assert result["passage_id"].startswith(citation["document_id"] + ":")
        assert isinstance(result["score"], float)
        assert result["text"].strip()
        for principle in result["principles"]:
            assert set(principle) == {"id", "name", "score"}
            assert principle["name"] == NAMES[principle["id"]]
    assert any(result["principles"] for result in body["results"]), "no result carried a principle to check"

    top = body["results"][0]["citation"]
    page = top["page"]
    assert top == {
        "document_id": "beyond-asset-transfer",
        "title": BEYOND,
        "lead_council": "Newcastle City Council",
        "year": 2021,
        "type": "policy-lab",
        "page": page,
        "page_end": page,
        "url": f"{live_server.url}/documents/beyond-asset-transfer/file#page={page}",
        "label": f"{BEYOND} (Newcastle City Council, 2021), p. {page}",
        "unit": "page",
        "inferred_fields": [],
    }
    assert "<mark>" in body["results"][0]["snippet"]


def test_the_cited_page_link_opens_the_stored_pdf(http: httpx.Client, live_server: LiveServer) -> None:
    citation = _search(http, q="community asset transfer", k=1)["results"][0]["citation"]
    response = http.get(citation["url"].removeprefix(live_server.url).split("#")[0])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_k_bounds_the_number_of_results(http: httpx.Client) -> None:
    assert len(_search(http, q="cooperative council", k=1)["results"]) == 1
    assert len(_search(http, q="cooperative council", k=7)["results"]) == 7


def test_principle_filter_keeps_only_passages_tagged_with_it(http: httpx.Client) -> None:
    body = _search(http, q="residents", principle=3, k=20)
    assert body["filters"] == {"principle": 3}
    assert body["results"]
    for result in body["results"]:
        assert 3 in [p["id"] for p in result["principles"]]


def test_council_filter_matches_lead_and_partner_councils_case_insensitively(http: httpx.Client) -> None:
    # Newcastle leads one sample document; Torbay is only a partner of another.
    assert _documents(_search(http, q="community", council="newcastle", k=30)) == {"beyond-asset-transfer"}
    assert _documents(_search(http, q="economy", council="TORBAY", k=30)) == {"growing-inclusive-cooperative-economy"}
    oxford = _search(http, q="social value", council="Oxford City", k=60)
    assert _documents(oxford) == {"social-value-toolkit", "growing-inclusive-cooperative-economy"}


def test_year_range_filter_is_inclusive(http: httpx.Client) -> None:
    body = _search(http, q="cooperative", year_from=2024, year_to=2024, k=100, mode="dense")
    assert body["filters"] == {"year_from": 2024, "year_to": 2024}
    assert {r["citation"]["year"] for r in body["results"]} == {2024}
    assert {"sustainable-food", "social-value-toolkit"} <= _documents(body)
    older = _search(http, q="cooperative", year_to=2021, k=100, mode="dense")
    assert older["results"]
    assert all(r["citation"]["year"] <= 2021 for r in older["results"])
    assert "beyond-asset-transfer" in _documents(older)


def test_type_and_document_filters(http: httpx.Client) -> None:
    assert _documents(_search(http, q="social value", type="toolkit", k=30)) == {"social-value-toolkit"}
    labs = _search(http, q="council", type="policy-lab", k=100, mode="dense")
    assert _documents(labs) == {
        "sustainable-food",
        "growing-inclusive-cooperative-economy",
        "beyond-asset-transfer",
    }
    only = _search(http, q="energy", document="net-zero", k=30)
    assert only["filters"] == {"document_id": "net-zero"}
    assert _documents(only) == {"net-zero"}


def test_filters_combine(http: httpx.Client) -> None:
    body = _search(http, q="enterprise", principle=4, council="oxford", year_from=2022, year_to=2022, k=50)
    assert body["results"]
    assert _documents(body) == {"growing-inclusive-cooperative-economy"}
    for result in body["results"]:
        assert 4 in [p["id"] for p in result["principles"]]


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_every_mode_answers_and_says_which_it_used(http: httpx.Client, mode: str) -> None:
    body = _search(http, q="asset transfer leases", k=5, mode=mode)
    assert body["mode"] == mode
    assert body["results"]
    assert body["results"][0]["citation"]["document_id"] == "beyond-asset-transfer"


def test_a_query_with_no_results_answers_200_and_an_empty_list(http: httpx.Client) -> None:
    # No sample document is a case study, so the filter matches nothing.
    body = _search(http, q="community asset transfer", type="case-study")
    assert body["results"] == []
    assert body["query"] == "community asset transfer"
    # BM25 only returns passages that contain a query term.
    assert _search(http, q="zyxwvutsrqp", mode="bm25")["results"] == []


def test_snippets_escape_markup_and_mark_only_query_terms(http: httpx.Client) -> None:
    body = _search(http, q="<b>asset</b> transfer", k=3, mode="bm25")
    assert len(body["results"]) == 3
    assert any("<mark>" in result["snippet"] for result in body["results"])
    for result in body["results"]:
        without_marks = result["snippet"].replace("<mark>", "").replace("</mark>", "")
        assert "<" not in without_marks


def test_a_council_and_a_year_in_the_query_become_filters_and_are_reported(http: httpx.Client) -> None:
    body = _search(http, q="Newcastle community assets", k=30)
    assert body["interpreted"] == {"council": "Newcastle"}
    assert body["filters"]["council"] == "Newcastle"
    assert body["ranked_query"] == "community assets"
    assert _documents(body) == {"beyond-asset-transfer"}
    typed = _search(http, q="Newcastle community assets", k=30, interpret="false")
    assert typed["interpreted"] == {} and "council" not in typed["filters"]
    assert len(_documents(typed)) > 1, "as typed, the council's name is only a word to rank"
    dated = _search(http, q="cooperative 2024", k=100, mode="dense")
    assert dated["interpreted"] == {"year_from": 2024, "year_to": 2024}
    assert {r["citation"]["year"] for r in dated["results"]} == {2024}


def test_an_off_topic_query_is_flagged_weak_and_an_answerable_one_is_not(http: httpx.Client) -> None:
    off_topic = _search(http, q="xyzzyplugh quantum blockchain")
    assert off_topic["results"] and off_topic["weak"] is True
    assert _search(http, q="community asset transfer")["weak"] is False


def test_a_council_filter_that_matches_no_council_says_so(http: httpx.Client) -> None:
    body = _search(http, q="community", council="Narnia")
    assert body["results"] == []
    assert len(body["notices"]) == 1
    assert "Narnia" in body["notices"][0] and "Newcastle City Council" in body["notices"][0]
