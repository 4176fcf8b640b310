"""The widget script (GET /widget.js) with Starlette's ETag and Last-Modified, the Cache-Control that follows
`?v=`, and the search page (GET /) that links the versioned URL."""

from __future__ import annotations

import re

import httpx

from api.routes.site import STATIC, WIDGET_VERSION, widget_src

YEAR = "public, max-age=31536000, immutable"
HOUR = "public, max-age=3600"


def test_the_widget_is_served_as_javascript_with_validators(http: httpx.Client) -> None:
    response = http.get("/widget.js")
    assert response.status_code == 200
    assert response.content == (STATIC / "widget.js").read_bytes()
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["x-widget-version"] == WIDGET_VERSION
    assert re.fullmatch(r'"[0-9a-f]{32}"', response.headers["etag"])
    assert response.headers["last-modified"].endswith(" GMT")


def test_a_matching_etag_is_answered_304_with_no_body(http: httpx.Client) -> None:
    etag = http.get("/widget.js").headers["etag"]
    for if_none_match in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = http.get("/widget.js", headers={"If-None-Match": if_none_match})
        assert response.status_code == 304, if_none_match
        assert response.content == b""
        assert response.headers["etag"] == etag
        assert response.headers["cache-control"] == HOUR
        assert response.headers["x-widget-version"] == WIDGET_VERSION

    changed = http.get("/widget.js", headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200
    assert changed.content == (STATIC / "widget.js").read_bytes()


def test_an_unchanged_last_modified_is_answered_304(http: httpx.Client) -> None:
    last_modified = http.get("/widget.js").headers["last-modified"]
    response = http.get("/widget.js", headers={"If-Modified-Since": last_modified})
    assert response.status_code == 304
    assert response.content == b""
    earlier = http.get("/widget.js", headers={"If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"})
    assert earlier.status_code == 200


def test_a_versioned_url_is_cached_for_a_year_and_any_other_for_an_hour(http: httpx.Client) -> None:
    cases = {
        widget_src(): YEAR,
        f"/widget.js?v={WIDGET_VERSION}": YEAR,
        "/widget.js": HOUR,
        "/widget.js?v=0.9.0": HOUR,
        "/widget.js?v=": HOUR,
    }
    for url, cache_control in cases.items():
        assert http.get(url).headers["cache-control"] == cache_control, url
        etag = http.get(url).headers["etag"]
        assert http.get(url, headers={"If-None-Match": etag}).headers["cache-control"] == cache_control, url


def test_the_search_page_links_the_versioned_widget(http: httpx.Client) -> None:
    response = http.get("/")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    assert f'src="{widget_src().lstrip("/")}"' in response.text
    assert re.fullmatch(rf"/widget\.js\?v={re.escape(WIDGET_VERSION)}-[0-9a-f]{{8}}", widget_src())
