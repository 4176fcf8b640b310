"""The app under a sub-path behind Debian's nginx (`location /kb/ { proxy_pass http://127.0.0.1:APP/; }`,
`ccin serve --root-path /kb`, CCIN_PUBLIC_URL the address through nginx): links name the public address, the
OpenAPI page works, and in real Chromium the search page, its document dialog and the widget stay under /kb/."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.deploy.conftest import Nginx, Serve

pytestmark = pytest.mark.slow

QUERY = "community energy society rooftop solar"
WIDGET_PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>A council's page</title>
<script src="/kb/widget.js" defer></script></head>
<body><h1>What have councils tried?</h1><ccin-search></ccin-search></body></html>
"""


def _own_copies(client: httpx.Client) -> list[dict]:
    """Documents with no catalogue address: their `url` is the service's own copy, an absolute link."""
    listed = client.get("/kb/documents", params={"limit": 200}).json()["documents"]
    own = [d for d in listed if "/documents/" in d["url"]]
    assert own, "the sample index should hold documents with no catalogue address (the seed packs)"
    return own


def test_links_through_the_proxy_start_with_the_public_url(proxied: tuple[Nginx, Serve]) -> None:
    nginx, serve = proxied
    public = f"{nginx.url}/kb"
    with httpx.Client(base_url=nginx.url, timeout=120) as client:
        own = _own_copies(client)
        assert all(d["url"] == f"{public}/documents/{d['id']}/file" for d in own)
        document = own[0]["id"]
        found = client.get("/kb/search", params={"q": "council", "document": document, "k": 3})
        assert found.status_code == 200
        urls = [r["citation"]["url"] for r in found.json()["results"]]
        assert urls and all(url == f"{public}/documents/{document}/file" for url in urls)
        # The link works through the proxy.
        assert client.get(urls[0]).status_code == 200
        # An evidence pack downloaded through the proxy cites the same public address.
        for principle in range(1, 11):
            params = {"principle": principle, "document": document}
            if client.get("/kb/evidence", params=params).json()["groups"]:
                break
        else:
            pytest.fail(f"no principle has evidence in {document}")
        pack = client.get("/kb/evidence", params={**params, "format": "md"})
        assert pack.status_code == 200
        assert f"{public}/documents/{document}/file" in pack.text
        assert f":{serve.port}" not in pack.text


def test_openapi_and_docs_work_under_the_sub_path(proxied: tuple[Nginx, Serve]) -> None:
    nginx, _ = proxied
    with httpx.Client(base_url=nginx.url, timeout=60) as client:
        schema = client.get("/kb/openapi.json")
        assert schema.status_code == 200
        assert schema.json()["servers"] == [{"url": f"{nginx.url}/kb"}]
        docs = client.get("/kb/docs")
        assert docs.status_code == 200
        assert "'/kb/openapi.json'" in docs.text or '"/kb/openapi.json"' in docs.text
        assert client.get("/kb/ready").json()["status"] == "ready"


def _record(page: Page) -> list[str]:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    return requests


def _outside(requests: list[str], nginx: Nginx, allowed: tuple[str, ...] = ("/kb/",)) -> list[str]:
    return [
        url for url in requests if not url.startswith(nginx.url + "/") or not urlsplit(url).path.startswith(allowed)
    ]


def test_the_search_page_works_under_the_sub_path(proxied: tuple[Nginx, Serve], page: Page) -> None:
    nginx, _ = proxied
    requests = _record(page)
    page.goto(f"{nginx.url}/kb/")
    page.wait_for_function("customElements.get('ccin-search') !== undefined")
    page.locator("ccin-search input").fill(QUERY)
    expect(page.locator("ccin-search .title").first).to_be_visible()
    page.locator("ccin-search .about").first.click()
    dialog = page.locator("dialog#doc")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#doc-title")).not_to_have_text("Loading document…")
    expect(dialog.locator("#doc-title")).not_to_have_text("Document unavailable")
    opened = [urlsplit(url).path for url in requests if urlsplit(url).path.startswith("/kb/documents/")]
    assert opened, requests
    details = httpx.get(nginx.url + opened[-1], timeout=60).json()
    expect(dialog.locator("#doc-title")).to_have_text(details["title"])
    expect(dialog.get_by_role("link", name="Open the document")).to_have_attribute("href", details["url"])
    assert any(urlsplit(url).path == "/kb/search" for url in requests)
    assert any(urlsplit(url).path == "/kb/principles" for url in requests)
    # Evidence-pack downloads link under /kb/ too.
    page.keyboard.press("Escape")
    page.select_option("#f-principle", "5")
    expect(page.locator("[data-format=md]")).to_have_attribute("href", re.compile(r"^/kb/evidence\?principle=5&"))
    download = httpx.get(nginx.url + (page.locator("[data-format=md]").get_attribute("href") or ""), timeout=120)
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/markdown")
    assert _outside(requests, nginx) == []


def test_the_widget_calls_the_folder_it_was_loaded_from(proxied: tuple[Nginx, Serve], page: Page) -> None:
    nginx, _ = proxied
    (nginx.tmp / "site" / "widget.html").write_text(WIDGET_PAGE, encoding="utf-8")
    requests = _record(page)
    page.goto(f"{nginx.url}/site/widget.html")
    page.wait_for_function("customElements.get('ccin-search') !== undefined")
    page.locator("ccin-search input").fill(QUERY)
    expect(page.locator("ccin-search .title").first).to_be_visible()
    assert any(urlsplit(url).path == "/kb/search" for url in requests)
    assert _outside(requests, nginx, allowed=("/kb/", "/site/")) == []
