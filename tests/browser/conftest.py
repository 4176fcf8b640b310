"""Browser fixtures: one real headless Chromium per session, the real app on loopback over an index holding a
hostile document, and static host pages served from other loopback origins (one allowed by CORS, one not)."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pymupdf
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from ingest.catalogue import Catalogue
from kb.passage import DocumentMeta
from tests.chromium import CHROMIUM, CHROMIUM_ARGS, shared_chromium  # noqa: F401  (the launch settings, still importable here)
from tests.conftest import ROOT, LiveServer, ingest_into, make_settings

SCREENSHOTS = ROOT / "tests" / "screenshots"
# A shared, slow machine can take seconds per search: waits are generous (a wrong page still fails, later).
WAIT_MS = 30_000

HOSTILE_ID = "hostile-allotments"
HOSTILE_TITLE = "<img src=x onerror=window.__pwned=3>Allotments"
HOSTILE_MARKUP = '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>'
# A lead council whose name is markup: the API reads it from a query that names it and lists it in the facets.
HOSTILE_COUNCIL = "Tricky<img src=x onerror=window.__pwned=4>ville Borough Council"
HOSTILE_TEXT = (
    "Community allotments in the borough are run by a tenants' co-operative. "
    "Growers share tools, seeds and a weekly rota for the community allotments. "
    f"{HOSTILE_MARKUP} "
    "The council leases the community allotments to the co-operative for a peppercorn rent."
)
BLANK_ID = "notice-page"
BLANK_TEXT = (
    "This page is intentionally left blank. Printed on recycled paper in 2022. Document reference TB/14. "
    "Page numbers continue on the next sheet."
)

expect.set_options(timeout=WAIT_MS)


class StaticSite:
    """A folder served over HTTP on its own loopback port: another website's pages, embedding the widget."""

    def __init__(self, folder: Path, host: str) -> None:
        self.folder = folder
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StaticSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def host_page(self, name: str, api: str) -> str:
        """Write a page embedding the widget from `api` (recording its events) and answer its URL."""
        (self.folder / name).write_text(HOST_PAGE.format(api=api), encoding="utf-8")
        return f"{self.origin}/{name}"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass


HOST_PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Co-operative Councils — find out what councils have tried</title>
<script>
  window.__events = [];
  for (const type of ['ccin-search', 'ccin-results'])
    document.addEventListener(type, (e) => window.__events.push({{type, ...e.detail}}));
</script>
<script src="{api}/widget.js" defer></script>
<style>
  body{{margin:0;font-family:Georgia,serif;color:#222;background:#fafaf7}}
  header{{background:#3d1f5c;color:#fff;padding:1rem}}
  main{{max-width:720px;margin:0 auto;padding:1rem}}
</style></head>
<body>
<header><strong>councils.coop</strong></header>
<main>
  <h1>What have councils already tried?</h1>
  <p>Search the network's policy labs, toolkits and reports.</p>
  <ccin-search api="{api}"></ccin-search>
</main>
</body></html>
"""


def _one_page_pdf(path: Path, text: str) -> Path:
    document = pymupdf.open()
    page = document.new_page()
    page.insert_textbox(pymupdf.Rect(72, 72, 523, 770), text, fontsize=11)
    document.save(path)
    document.close()
    return path


@pytest.fixture(scope="session")
def hostile_index(sample_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the sample index plus two catalogued one-page documents: one with markup in its title,
    text and lead council (it would run if a page rendered it as HTML), and a notice page that shows no
    principle."""
    data_dir = tmp_path_factory.mktemp("browser-index") / "data"
    shutil.copytree(sample_index, data_dir)
    hostile = _one_page_pdf(data_dir.parent / "allotments.pdf", HOSTILE_TEXT)
    blank = _one_page_pdf(data_dir.parent / "notice.pdf", BLANK_TEXT)
    catalogue = Catalogue(
        {
            hostile.resolve(): DocumentMeta(
                id=HOSTILE_ID,
                title=HOSTILE_TITLE,
                year=2022,
                lead_council=HOSTILE_COUNCIL,
                type="report",
                principles_declared=[4, 7],
            ),
            blank.resolve(): DocumentMeta(id=BLANK_ID, title="Notice page", year=2022, type="report"),
        }
    )
    ingest_into(make_settings(data_dir), [hostile, blank], catalogue)
    return data_dir


@pytest.fixture(scope="session")
def allowed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticSite]:
    """A second website, at http://localhost:PORT, that the API's CORS setting allows."""
    with StaticSite(tmp_path_factory.mktemp("allowed-site"), "localhost") as site:
        yield site


@pytest.fixture(scope="session")
def refused_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticSite]:
    """A third website, at http://127.0.0.1:PORT, that the API's CORS setting does not allow."""
    with StaticSite(tmp_path_factory.mktemp("refused-site"), "127.0.0.1") as site:
        yield site


@pytest.fixture(scope="session")
def app_server(hostile_index: Path, allowed_site: StaticSite) -> Iterator[LiveServer]:
    """The real app at http://127.0.0.1:PORT, allowing the widget on the allowed site only; no rate limit."""
    settings = make_settings(hostile_index, cors_origins=allowed_site.origin, rate_limit_per_minute=0)
    with LiveServer(settings) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """The session's one Chromium (tests/chromium.py), shared with the other folders of browser tests."""
    with shared_chromium() as chromium:
        yield chromium


@pytest.fixture()
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh profile per test (no shared cache, storage or history), desktop-sized."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    ctx.set_default_timeout(WAIT_MS)
    yield ctx
    ctx.close()


@pytest.fixture()
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def assert_no_markup_ran(page: Page) -> None:
    """Markup a document or query carried stayed text: no image or handler element in the page or in the
    widget's shadow tree, and no script set the fixtures' `window.__pwned`."""
    assert page.evaluate("document.querySelectorAll('img, [onerror]').length") == 0
    shadow = "el => el.shadowRoot.querySelectorAll('img, script, [onerror]').length"
    assert page.locator("ccin-search").evaluate(shadow) == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"


def caveats(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The trust caveats the widget and the search page add to a result's meta line, as (part, text): text read
    by OCR, and details inferred from the file rather than catalogued ("year and council inferred")."""
    words = {"title": "title", "year": "year", "lead_council": "council"}
    inferred = [words[f] for f in result["citation"]["inferred_fields"]]
    named = ", ".join(inferred[:-1]) + " and " + inferred[-1] if len(inferred) > 1 else "".join(inferred)
    marks = [("ocr", "text read from a scanned page")] if result["ocr"] else []
    return marks + ([("inferred", f"{named} inferred")] if inferred else [])
