"""GET /search over real HTTP: navigation left out unless asked for, one card per document, totals and pages,
facet counts and newest-first order."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest

from kb.roles import NAVIGATION_ROLES


def _search(http: httpx.Client, **params: str | int) -> dict:
    response = http.get("/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _ids(body: dict) -> list[str]:
    return [r["passage_id"] for r in body["results"]]


# ---- navigation ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "role"),
    [("Mondragon study visit programme", "contents"), ("resources and further reading", "references")],
)
def test_navigation_that_used_to_rank_first_is_left_out_unless_asked_for(
    http: httpx.Client, query: str, role: str
) -> None:
    everything = _search(http, q=query, k=5, role="any")
    first = everything["results"][0]
    assert first["role"] == role  # what the search answered before roles: a contents page or a reading list
    assert everything["filters"] == {"role": "any"}

    default = _search(http, q=query, k=5)
    assert default["filters"] == {}
    assert default["results"] and all(r["role"] not in NAVIGATION_ROLES for r in default["results"])
    assert first["passage_id"] not in _ids(default)

    navigation = _search(http, q=query, k=5, role="navigation")
    assert navigation["results"][0]["passage_id"] == first["passage_id"]
    assert all(r["role"] in NAVIGATION_ROLES for r in navigation["results"])
    only = _search(http, q=query, k=5, role=role)
    assert only["results"][0]["passage_id"] == first["passage_id"]
    assert {r["role"] for r in only["results"]} == {role}


# ---- one card per document -------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_group_by_document_gives_each_document_one_card_with_its_next_best_passages(
    http: httpx.Client, mode: str
) -> None:
    query = "cooperative council"
    passages = _search(http, q=query, k=10, mode=mode)
    documents = [r["citation"]["document_id"] for r in passages["results"]]
    assert len(set(documents)) < len(documents)  # ungrouped, one report takes several slots

    grouped = _search(http, q=query, k=10, mode=mode, group="document")
    assert grouped["group"] == "document"
    cards = grouped["results"]
    documents = [r["citation"]["document_id"] for r in cards]
    assert len(cards) == min(10, grouped["total"]) and len(set(documents)) == len(documents)
    assert any(card["also_in_document"] for card in cards)
    for card in cards:
        assert len(card["also_in_document"]) <= 2
        scores = [card["score"]]
        for other in card["also_in_document"]:
            assert set(other) == {"passage_id", "page", "page_end", "snippet", "score"}
            assert other["passage_id"].startswith(card["citation"]["document_id"] + ":")
            assert other["passage_id"] != card["passage_id"]
            assert other["page"] <= other["page_end"]
            scores.append(other["score"])
        assert scores == sorted(scores, reverse=True)
    assert cards[0]["passage_id"] == passages["results"][0]["passage_id"]  # the best passage leads either way
    assert all(not r["also_in_document"] for r in passages["results"])


# ---- totals and pages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("group", ["passage", "document"])
@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_pages_tile_the_ranked_list(http: httpx.Client, mode: str, group: str) -> None:
    query = "community energy"
    whole = _search(http, q=query, k=8, mode=mode, group=group)
    first = _search(http, q=query, k=3, mode=mode, group=group)
    second = _search(http, q=query, k=5, offset=3, mode=mode, group=group)
    assert second["offset"] == 3
    assert whole["total"] == first["total"] == second["total"] >= 8
    assert not set(_ids(first)) & set(_ids(second))
    assert _ids(first) + _ids(second) == _ids(whole)
    last = _search(http, q=query, k=5, offset=whole["total"] - 2, mode=mode, group=group)
    assert len(last["results"]) == 2
    assert _search(http, q=query, k=5, offset=whole["total"], mode=mode, group=group)["results"] == []


def test_the_total_counts_every_result_a_client_can_page_to(http: httpx.Client) -> None:
    body = _search(http, q="asset transfer leases", k=100, mode="bm25", group="document")
    assert body["total"] == len(body["results"]) > 1


# ---- facets ----------------------------------------------------------------------------------------------------


def _all_pages(http: httpx.Client, **params: str | int) -> list[dict]:
    results: list[dict] = []
    while True:
        body = _search(http, **params, k=20, offset=len(results))
        results += body["results"]
        if not body["results"] or len(results) >= body["total"]:
            assert len(results) == body["total"]
            return results


@pytest.mark.parametrize("group", ["passage", "document"])
def test_facets_count_the_results_a_client_can_fetch(http: httpx.Client, group: str) -> None:
    """Every facet count is the number of the query's results with that value (over all its pages), and the
    same search with that value as a filter finds at least those (it ranks within the filter, so may go deeper;
    see kb/facets.py)."""
    query = "community energy"
    body = _search(http, q=query, k=5, group=group)
    facets = body["facets"]
    assert set(facets) == {"principle", "council", "year", "type", "role"}
    fetched = _all_pages(http, q=query, group=group)
    citations = [r["citation"] for r in fetched]
    assert {f["value"]: f["count"] for f in facets["type"]} == Counter(c["type"] for c in citations if c["type"])
    assert {f["value"]: f["count"] for f in facets["year"]} == Counter(c["year"] for c in citations if c["year"])
    assert {f["value"]: f["count"] for f in facets["council"]} == Counter(
        c["lead_council"] for c in citations if c["lead_council"]
    )
    assert {f["value"]: f["count"] for f in facets["role"]} == Counter(r["role"] for r in fetched)
    if group == "passage":
        tagged = Counter(p["id"] for r in fetched for p in r["principles"])
        assert {f["value"]: f["count"] for f in facets["principle"]} == tagged
    assert [f["label"] for f in facets["principle"]] == [_name(http, f["value"]) for f in facets["principle"]]
    counts = [f["count"] for f in facets["type"]]
    assert counts == sorted(counts, reverse=True)

    for facet in facets["type"]:
        assert _search(http, q=query, k=1, group=group, type=facet["value"])["total"] >= facet["count"]
    for facet in facets["principle"]:
        assert _search(http, q=query, k=1, group=group, principle=facet["value"])["total"] >= facet["count"]
    for facet in facets["role"]:
        assert _search(http, q=query, k=1, group=group, role=facet["value"])["total"] >= facet["count"]
    for facet in facets["year"]:
        year = facet["value"]
        assert _search(http, q=query, k=1, group=group, year_from=year, year_to=year)["total"] >= facet["count"]


@pytest.mark.parametrize("group", ["passage", "document"])
def test_when_every_match_is_a_candidate_a_facet_is_what_its_filter_finds(http: httpx.Client, group: str) -> None:
    """BM25 ranks every passage sharing a query word; this query has fewer of them than the candidate depth, so a
    type (a property of the document) finds exactly its count. A principle finds at least its count: a passage
    tagged with it that is a near-duplicate of a shown passage not tagged with it is collapsed into that result
    unfiltered, and shown on its own when the filter leaves its twin out."""
    query = "asset transfer leases"
    body = _search(http, q=query, k=5, mode="bm25", group=group)
    assert body["facets"]["type"] and body["facets"]["principle"]
    for facet in body["facets"]["type"]:
        assert _search(http, q=query, k=1, mode="bm25", group=group, type=facet["value"])["total"] == facet["count"]
    for facet in body["facets"]["principle"]:
        filtered = _search(http, q=query, k=1, mode="bm25", group=group, principle=facet["value"])
        assert facet["count"] <= filtered["total"] <= facet["count"] + 2


def _name(http: httpx.Client, principle: int) -> str:
    return next(p["name"] for p in http.get("/principles").json() if p["id"] == principle)


# ---- sort ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("group", ["passage", "document"])
def test_newest_sorts_by_year_descending_over_the_same_results(http: httpx.Client, group: str) -> None:
    query = "cooperative council"
    relevance = _all_pages(http, q=query, group=group)
    newest = _all_pages(http, q=query, group=group, sort="newest")
    assert sorted(_ids({"results": newest})) == sorted(_ids({"results": relevance}))
    years = [r["citation"]["year"] or 0 for r in newest]
    assert years == sorted(years, reverse=True)
    assert len(set(years)) > 1
    body = _search(http, q=query, k=3, group=group, sort="newest")
    assert body["sort"] == "newest"
    assert body["results"][0]["citation"]["year"] == max(f["value"] for f in body["facets"]["year"])


# ---- bad parameters --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"role": "toc"}, "role"),
        ({"group": "project"}, "group"),
        ({"sort": "oldest"}, "sort"),
        ({"offset": -1}, "offset"),
        ({"offset": "two"}, "offset"),
        ({"offset": 10_001}, "offset"),
    ],
)
def test_bad_listing_parameters_are_422_naming_the_field(http: httpx.Client, params: dict, field: str) -> None:
    response = http.get("/search", params={"q": "energy", **params})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert [d["field"] for d in error["details"]] == [field]
