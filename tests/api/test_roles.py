"""GET /search over real HTTP with the passage roles beyond navigation (kb/roles.py): one content kind by name,
the default keeping every kind of content, and the OpenAPI enum naming them."""

from __future__ import annotations

import httpx
import pytest

from kb.roles import CONTENT_ROLES, NAVIGATION_ROLES


def _search(http: httpx.Client, **params: str | int) -> dict:
    response = http.get("/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    ("role", "query"),
    [
        ("case_study", "council lease community building"),
        ("recommendation", "councils should"),
        ("introduction", "foreword"),
    ],
)
def test_one_kind_of_content_by_name(http: httpx.Client, role: str, query: str) -> None:
    only = _search(http, q=query, k=20, role=role)
    assert only["results"], role
    assert {r["role"] for r in only["results"]} == {role}
    assert only["filters"] == {"role": role}
    assert only["total"] == len(_all(http, q=query, role=role))


def _all(http: httpx.Client, **params: str | int) -> list[dict]:
    results: list[dict] = []
    while True:
        page = _search(http, k=100, offset=len(results), **params)
        results += page["results"]
        if not page["results"] or len(results) >= page["total"]:
            return results


def test_the_default_keeps_every_kind_of_content_and_no_navigation(http: httpx.Client) -> None:
    """role=body (the default) is content of every kind: a "has any council" query lists case studies beside
    plain body text, and never a contents page or reading list."""
    default = _search(http, q="has any council transferred a park building to a community group", k=20)
    roles = {r["role"] for r in default["results"]}
    assert "case_study" in roles
    assert roles <= set(CONTENT_ROLES)
    assert not roles & set(NAVIGATION_ROLES)
    assert default["facets"]["role"] and {f["value"] for f in default["facets"]["role"]} <= set(CONTENT_ROLES)


def test_an_unknown_role_is_refused_with_the_choices(http: httpx.Client) -> None:
    response = http.get("/search", params={"q": "energy", "role": "case-study"})
    assert response.status_code == 422
    assert "case_study" in response.text


def test_openapi_lists_the_roles(http: httpx.Client) -> None:
    parameters = {p["name"]: p for p in http.get("/openapi.json").json()["paths"]["/search"]["get"]["parameters"]}
    enum = set(parameters["role"]["schema"]["enum"])
    assert {"case_study", "recommendation", "introduction", "body", "navigation", "any"} <= enum
    assert set(NAVIGATION_ROLES) <= enum
