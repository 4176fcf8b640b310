"""The whole path once: real PDFs in, a real index, the real app over HTTP, a cited answer out."""

from __future__ import annotations

import httpx


def test_search_over_http_returns_cited_passage(http: httpx.Client) -> None:
    response = http.get("/search", params={"q": "community energy society rooftop solar on schools", "k": 3})
    assert response.status_code == 200
    body = response.json()
    top = body["results"][0]
    assert top["citation"]["document_id"] == "net-zero"
    assert top["citation"]["lead_council"] == "Kirklees Council"
    assert top["citation"]["url"].startswith(f"{http.base_url}".rstrip("/") + "/documents/net-zero/file#page=")
    assert "<mark>" in top["snippet"]
