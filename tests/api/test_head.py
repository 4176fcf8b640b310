"""HEAD wherever GET is: every GET route of the real app answers HEAD with the GET's status and headers
(Content-Type, the GET body's Content-Length, ETag, Cache-Control) and no body; a route without GET keeps 405."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Route
from starlette.testclient import TestClient

from ccin.app import service_app
from tests.conftest import SAMPLE_IDS, make_settings

KEY = {"X-API-Key": "test-key"}
# What a GET route needs to answer 200; every other GET route answers 200 with no parameters at all.
PARAMETERS = {"/search": "?q=cooperative+energy", "/evidence": "?principle=1"}
# Varying from one call to the next, so never expected to be equal between a GET and the HEAD after it.
UNSTABLE_HEADERS = {"date"}


@pytest.fixture(scope="module")
def app(sample_index: Path) -> FastAPI:
    return service_app(make_settings(sample_index, api_key="test-key", rate_limit_per_minute=0, query_log=False))


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, headers=KEY) as client:
        yield client


def _flat(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """app.routes with each included router opened up (FastAPI keeps an included APIRouter as one entry whose
    routes carry their full paths; create_app includes every router without a further prefix)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        yield from _flat(included.routes) if included is not None else [route]


def _get_routes(app: FastAPI) -> list[str]:
    routes = [r for r in _flat(app.routes) if isinstance(r, APIRoute | Route)]
    paths = [r.path for r in routes if "GET" in (r.methods or ())]
    assert len(paths) > 10
    return [path.replace("{document_id}", SAMPLE_IDS[0]) + PARAMETERS.get(path, "") for path in paths]


def _comparable(headers: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name not in UNSTABLE_HEADERS}


def test_every_get_route_is_covered(app: FastAPI) -> None:
    """The list below is built from app.routes; this pins the routes the issue names, so none drops out."""
    urls = _get_routes(app)
    for url in ("/", "/widget.js", "/health", f"/documents/{SAMPLE_IDS[0]}/file", "/openapi.json"):
        assert url in urls
    assert "/search?q=cooperative+energy" in urls and "/evidence?principle=1" in urls


def test_head_answers_as_get_without_the_body(app: FastAPI, client: TestClient) -> None:
    for url in _get_routes(app):
        get = client.get(url)
        head = client.head(url)
        assert get.status_code == 200, url
        assert head.status_code == 200, url
        assert head.content == b"", url
        assert int(get.headers["content-length"]) == len(get.content), url
        expected = _comparable(dict(get.headers))
        if url.startswith("/search"):
            # took_ms is measured afresh on each search, so the body's length may differ by a digit or two.
            assert abs(int(head.headers["content-length"]) - len(get.content)) <= 4, url
            expected["content-length"] = head.headers["content-length"]
        assert _comparable(dict(head.headers)) == expected, url


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("/widget.js", ["etag", "last-modified", "cache-control", "x-widget-version"]),
        ("/widget.js?v=1.0.0-abc", ["etag", "cache-control"]),
        ("/", ["cache-control"]),
        (f"/documents/{SAMPLE_IDS[0]}/file", ["content-disposition", "x-content-type-options", "etag"]),
        ("/evidence?principle=1&format=docx", ["content-disposition"]),
    ],
)
def test_head_keeps_the_caching_and_file_headers(client: TestClient, url: str, headers: list[str]) -> None:
    get = client.get(url)
    head = client.head(url)
    assert (head.status_code, head.content) == (200, b"")
    for name in ["content-type", "content-length", *headers]:
        assert head.headers[name] == get.headers[name], name
    assert int(head.headers["content-length"]) == len(get.content) > 0


def test_a_conditional_head_is_not_modified(client: TestClient) -> None:
    etag = client.get("/widget.js").headers["etag"]
    head = client.head("/widget.js", headers={"If-None-Match": etag})
    assert (head.status_code, head.content, head.headers["etag"]) == (304, b"", etag)


def test_head_on_an_error_answers_the_get_status(client: TestClient) -> None:
    for url, status in [("/documents/no-such-document", 404), ("/search", 422), ("/no-such-page", 404)]:
        head = client.head(url)
        assert (head.status_code, head.content) == (status, b"")
        assert head.headers["content-type"] == "application/json"
        assert int(head.headers["content-length"]) == len(client.get(url).content)


@pytest.mark.parametrize(
    ("url", "allow"), [("/admin/documents", "POST"), (f"/admin/documents/{SAMPLE_IDS[0]}", "DELETE")]
)
def test_head_without_a_get_route_is_not_allowed(client: TestClient, url: str, allow: str) -> None:
    head = client.head(url)
    assert (head.status_code, head.content, head.headers["allow"]) == (405, b"", allow)
    assert client.get(url).status_code == 405
