"""CORS is limited to CCIN_CORS_ORIGINS (the `live_server` allows only http://allowed.example)."""

from __future__ import annotations

import httpx
import pytest

ALLOWED = "http://allowed.example"


@pytest.mark.parametrize(
    "path",
    ["/search?q=asset+transfer", "/principles", "/evidence?principle=1", "/search?q=", "/documents/nope"],
)
def test_an_allowed_origin_may_read_answers_and_errors(http: httpx.Client, path: str) -> None:
    response = http.get(path, headers={"Origin": ALLOWED})
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "Origin" in response.headers["vary"]


def test_an_allowed_origin_passes_the_preflight(http: httpx.Client) -> None:
    response = http.options(
        "/search",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert response.headers["access-control-allow-methods"] == "GET"


@pytest.mark.parametrize(
    "origin",
    ["http://evil.example", "http://allowed.example.evil.example", "https://allowed.example", "null"],
)
def test_any_other_origin_gets_no_cors_headers(http: httpx.Client, origin: str) -> None:
    response = http.get("/search", params={"q": "asset transfer"}, headers={"Origin": origin})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    preflight = http.options("/search", headers={"Origin": origin, "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers


def test_the_browser_may_not_write_cross_origin(http: httpx.Client) -> None:
    preflight = http.options("/admin/documents", headers={"Origin": ALLOWED, "Access-Control-Request-Method": "DELETE"})
    assert preflight.status_code == 400
    assert "DELETE" not in preflight.headers.get("access-control-allow-methods", "")
