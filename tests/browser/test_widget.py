"""The <ccin-search> widget embedded in another website's page, driven in real headless Chromium against the
real app on loopback: cited results, principle chips, keyboard, hostile content, CORS, rate limit, 320 px."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    HOSTILE_COUNCIL,
    HOSTILE_MARKUP,
    HOSTILE_TITLE,
    WAIT_MS,
    StaticSite,
    assert_no_markup_ran,
    caveats,
)
from tests.conftest import LiveServer, make_settings

pytestmark = pytest.mark.browser

QUERY = "community energy society rooftop solar"
SOCIAL_VALUE = (5, "Maximising social value")

# Everything a reader sees of each result, read from inside the widget's shadow root.
READ_RESULTS = """el => [...el.shadowRoot.querySelectorAll('li[role=option]')].map((li) => ({
  id: li.id,
  selected: li.getAttribute('aria-selected'),
  title: li.querySelector('.title').textContent,
  href: li.querySelector('.title').getAttribute('href'),
  meta: li.querySelector('.meta').textContent,
  snippet: li.querySelector('.snip').textContent,
  marks: [...li.querySelectorAll('.snip mark')].map((m) => m.textContent),
  principles: [...li.querySelectorAll('.pr span')].map((s) => s.textContent),
}))"""


def _api_results(api: str, **params: object) -> list[dict[str, Any]]:
    """What the API itself answers for the search the widget makes (one result per document)."""
    return _api_body(api, **params)["results"]


def _api_body(api: str, **params: object) -> dict[str, Any]:
    response = httpx.get(f"{api}/search", params={"group": "document", **params}, timeout=60)
    assert response.status_code == 200
    return response.json()


def _showing(n: int, query: str) -> re.Pattern[str]:
    """The status line for a page of n results out of some total."""
    return re.compile(rf"Showing 1–{n} of \d+ results? for “{re.escape(query)}”")


def _lines(text: str) -> str:
    return re.sub(r"[^\S\n]*\n\s*", "\n", text)


def _shown(result: dict[str, Any]) -> dict[str, Any]:
    """How the widget must show one API result: the snippet as text with only its <mark>s as elements, and
    each paragraph break as one line break."""
    citation = result["citation"]
    snippet = result["snippet"]
    return {
        "title": citation["title"],
        "href": citation["url"],
        "snippet": _lines(html.unescape(re.sub(r"</?mark>", "", snippet))),
        "marks": [_lines(html.unescape(m)) for m in re.findall(r"<mark>(.*?)</mark>", snippet, flags=re.S)],
        "principles": [p["name"] for p in result["principles"]],
    }


def _open_host(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("customElements.get('ccin-search') !== undefined")


def _results(page: Page) -> list[dict[str, Any]]:
    return page.locator("ccin-search").evaluate(READ_RESULTS)


def _search(page: Page, query: str) -> None:
    """Type like a person; the widget searches after a pause."""
    field = page.locator("ccin-search input")
    field.click()
    field.press_sequentially(query)


@pytest.fixture()
def widget_page(page: Page, app_server: LiveServer, allowed_site: StaticSite) -> Page:
    _open_host(page, allowed_site.host_page("widget.html", app_server.url))
    return page


def test_typing_a_query_shows_cited_results(widget_page: Page, app_server: LiveServer) -> None:
    _search(widget_page, QUERY)

    body = _api_body(app_server.url, q=QUERY, k=5)
    total = body["total"]
    assert total > 5
    status = widget_page.locator("ccin-search [role=status]")
    expect(status).to_have_text(f"Showing 1–5 of {total} results for “{QUERY}”")
    shown = _results(widget_page)
    first = shown[0]
    assert first["title"] == "Cooperative Approaches to Reaching Net Zero"
    assert first["meta"] == "Kirklees Council · 2022 · p. 6"
    assert first["href"] == f"{app_server.url}/documents/net-zero/file#page=6"
    assert first["marks"] == ["rooftop solar", "community energy society", "community energy society"]
    assert first["snippet"].startswith(
        "Case studies\nKirklees Council: rooftop solar through a community energy society\nIn 2020 Kirklees"
    )
    assert "Enterprise and social economy" in first["principles"]  # the rest is the tagger's call, checked below
    expected = [_shown(r) for r in _api_results(app_server.url, q=QUERY, k=5)]
    assert [{k: r[k] for k in ("title", "href", "snippet", "marks", "principles")} for r in shown] == expected
    # one result per document, so web pages and text files (no pages) show up beside the PDFs
    link = re.compile(rf"{re.escape(app_server.url)}/documents/[\w-]+/file(#page=\d+)?")
    assert all(link.fullmatch(r["href"]) for r in shown)
    field = widget_page.locator("ccin-search input")
    expect(field).to_have_attribute("aria-expanded", "true")
    assert widget_page.evaluate("window.__events.filter((e) => e.type === 'ccin-results')") == [
        {
            "type": "ccin-results",
            "query": QUERY,
            "count": 5,
            "total": total,
            "offset": 0,
            "facets": body["facets"],
            "interpreted": {},
            "weak": False,
            "notices": [],
        }
    ]


def test_a_principle_chip_filters_the_search(widget_page: Page, app_server: LiveServer) -> None:
    principle, name = SOCIAL_VALUE
    _search(widget_page, QUERY)
    expect(widget_page.locator("ccin-search [role=status]")).to_have_text(_showing(5, QUERY))
    assert name not in _results(widget_page)[0]["principles"]

    chip = widget_page.locator("ccin-search [part~=chip]", has_text=name)
    with widget_page.expect_request(lambda r: "/search?" in r.url) as request:
        chip.click()
    sent = parse_qs(urlsplit(request.value.url).query)
    assert sent == {"q": [QUERY], "k": ["5"], "group": ["document"], "principle": [str(principle)]}
    expected = [_shown(r) for r in _api_results(app_server.url, q=QUERY, k=5, principle=principle)]
    expect(widget_page.locator("ccin-search .title")).to_have_text([r["title"] for r in expected])
    expect(widget_page.locator("ccin-search .snip")).to_have_text([r["snippet"] for r in expected])
    shown = _results(widget_page)
    assert [r["principles"] for r in shown] == [r["principles"] for r in expected]
    assert all(name in r["principles"] for r in shown)
    expect(chip).to_have_attribute("aria-pressed", "true")
    expect(chip).to_have_attribute("part", "chip selected")
    expect(widget_page.locator("ccin-search [part~=chip][aria-pressed=true]")).to_have_count(1)


def test_the_keyboard_moves_through_results_and_escape_closes_them(widget_page: Page) -> None:
    _search(widget_page, QUERY)
    field = widget_page.locator("ccin-search input")
    expect(widget_page.locator("ccin-search [role=status]")).to_have_text(_showing(5, QUERY))
    expect(widget_page.locator("ccin-search [role=status]")).to_have_attribute("aria-live", "polite")

    def selected() -> list[str]:
        return [r["selected"] for r in _results(widget_page)]

    field.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", "opt-0")
    assert selected() == ["true", "false", "false", "false", "false"]
    field.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", "opt-1")
    assert selected() == ["false", "true", "false", "false", "false"]
    field.press("ArrowUp")
    field.press("ArrowUp")  # wraps from the first result to the last
    expect(field).to_have_attribute("aria-activedescendant", "opt-4")
    assert selected() == ["false", "false", "false", "false", "true"]

    field.press("Escape")
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(widget_page.locator("ccin-search [role=listbox]")).to_be_hidden()
    assert field.get_attribute("aria-activedescendant") is None
    assert selected() == ["false"] * 5
    expect(field).to_have_value(QUERY)

    field.press("ArrowDown")  # reopens on the first result
    expect(field).to_have_attribute("aria-expanded", "true")
    expect(field).to_have_attribute("aria-activedescendant", "opt-0")
    field.press("Escape")
    field.press("Escape")  # a second Escape clears the box
    expect(field).to_have_value("")
    expect(widget_page.locator("ccin-search [role=status]")).to_have_text("")


def test_markup_in_a_title_or_passage_renders_as_text(widget_page: Page) -> None:
    _search(widget_page, "allotments")
    expect(widget_page.locator("ccin-search [role=status]")).to_have_text(_showing(5, "allotments"))

    title = widget_page.locator("ccin-search #opt-0-t")
    expect(title).to_have_text(HOSTILE_TITLE)
    expect(title).to_be_visible()
    snippet = widget_page.locator("ccin-search #opt-0-s")
    expect(snippet).to_contain_text(HOSTILE_MARKUP)
    expect(snippet).to_be_visible()
    assert_no_markup_ran(widget_page)


def test_a_refused_search_shows_the_api_message(widget_page: Page) -> None:
    widget_page.locator("ccin-search").evaluate("el => el.setAttribute('year-from', 'soon')")
    _search(widget_page, QUERY)

    status = widget_page.locator("ccin-search [role=status]")
    expect(status).to_have_text("year_from: Input should be a valid integer, unable to parse string as an integer")
    expect(status).to_have_attribute("part", "status error")
    expect(widget_page.locator("ccin-search [role=listbox]")).to_be_hidden()


def test_an_allowed_second_origin_gets_the_principle_chips(
    widget_page: Page, allowed_site: StaticSite, app_server: LiveServer
) -> None:
    assert urlsplit(widget_page.url).netloc != urlsplit(app_server.url).netloc
    chips = widget_page.locator("ccin-search [part~=chip]")
    expect(chips).to_have_count(11)
    expect(chips.first).to_have_text("All principles")
    expect(chips.nth(10)).to_have_text("Walking the talk")


def test_a_refused_origin_shows_the_error_state(page: Page, app_server: LiveServer, refused_site: StaticSite) -> None:
    _open_host(page, refused_site.host_page("widget.html", app_server.url))
    _search(page, QUERY)

    status = page.locator("ccin-search [role=status]")
    expect(status).to_have_text("Search is unavailable right now (could not reach the search service).")
    expect(status).to_have_attribute("part", "status error")
    expect(page.locator("ccin-search [role=listbox]")).to_be_hidden()
    expect(page.locator("ccin-search [part~=chips]")).to_be_hidden()
    assert page.evaluate("window.__events.filter((e) => e.type === 'ccin-results')") == [
        {
            "type": "ccin-results",
            "query": QUERY,
            "count": 0,
            "error": "Search is unavailable right now (could not reach the search service).",
        }
    ]


@pytest.fixture()
def limited_server(hostile_index: Path, allowed_site: StaticSite) -> Iterator[LiveServer]:
    """The real app allowing two searches a minute per client."""
    settings = make_settings(hostile_index, cors_origins=allowed_site.origin, rate_limit_per_minute=2, query_log=False)
    with LiveServer(settings) as server:
        yield server


def test_too_many_searches_shows_how_long_to_wait(
    page: Page, limited_server: LiveServer, allowed_site: StaticSite
) -> None:
    _open_host(page, allowed_site.host_page("limited.html", limited_server.url))
    field = page.locator("ccin-search input")
    status = page.locator("ccin-search [role=status]")
    with page.expect_response(lambda r: "/search?" in r.url):
        field.fill(QUERY)
    expect(status).to_have_text(_showing(5, QUERY))
    with page.expect_response(lambda r: "/search?" in r.url):
        field.press("Enter")
    expect(status).to_have_text(_showing(5, QUERY))

    with page.expect_response(lambda r: "/search?" in r.url) as refused:
        field.press("Enter")
    assert refused.value.status == 429
    retry_after = int(refused.value.headers["retry-after"])
    assert 1 <= retry_after <= 60
    unit = "second" if retry_after == 1 else "seconds"
    expect(status).to_have_text(f"Too many searches — please wait {retry_after} {unit} and try again.")
    expect(status).to_have_attribute("part", "status error")
    expect(page.locator("ccin-search [role=listbox]")).to_be_hidden()


def _results_open(page: Page) -> None:
    _search(page, QUERY)
    expect(page.locator("ccin-search [role=status]")).to_have_text(_showing(5, QUERY))


def test_screenshots_and_no_sideways_scroll_at_320px(
    browser: Browser, widget_page: Page, app_server: LiveServer, allowed_site: StaticSite, screenshots: Path
) -> None:
    _results_open(widget_page)
    widget_page.screenshot(path=screenshots / "widget.png", full_page=True)

    narrow = browser.new_context(viewport={"width": 320, "height": 640}, locale="en-GB")
    narrow.set_default_timeout(WAIT_MS)
    try:
        small = narrow.new_page()
        _open_host(small, f"{allowed_site.origin}/widget.html")
        _results_open(small)
        small.locator("ccin-search input").press("ArrowDown")
        small.screenshot(path=screenshots / "widget-320.png", full_page=True)
        assert small.evaluate("document.scrollingElement.scrollWidth") <= 320
        widths = small.locator("ccin-search").evaluate(
            "el => [...el.shadowRoot.querySelectorAll('li[role=option]')].map((li) => li.getBoundingClientRect().right)"
        )
        assert len(widths) == 5 and max(widths) <= 320
    finally:
        narrow.close()
    assert (screenshots / "widget.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (screenshots / "widget-320.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_each_document_shows_once_with_its_next_passages_linked_by_page(
    widget_page: Page, app_server: LiveServer
) -> None:
    _search(widget_page, QUERY)
    expect(widget_page.locator("ccin-search [role=status]")).to_have_text(_showing(5, QUERY))
    api = _api_results(app_server.url, q=QUERY, k=5)
    shown = widget_page.locator("ccin-search").evaluate(
        """el => [...el.shadowRoot.querySelectorAll('li[role=option]')].map((li) => {
             const more = li.querySelector('[part~=also-in-document]');
             return more && { text: more.textContent, hrefs: [...more.querySelectorAll('a')].map((a) => a.href) };
           })"""
    )
    assert len({r["citation"]["document_id"] for r in api}) == len(api) == len(shown)
    assert any(r["also_in_document"] for r in api)
    for result, more in zip(api, shown, strict=True):
        if not result["also_in_document"]:
            assert more is None
            continue
        paged = "#page=" in result["citation"]["url"]  # a web page or text file has no pages to name
        pages = [_pages(a) if paged else "another passage" for a in result["also_in_document"]]
        assert more["text"] == "Also in this document: " + "; ".join(pages)
        if "#page=" in result["citation"]["url"]:
            base = result["citation"]["url"].split("#")[0]
            assert more["hrefs"] == [f"{base}#page={a['page']}" for a in result["also_in_document"]]


def _pages(passage: dict[str, Any]) -> str:
    start, end = passage["page"], passage["page_end"]
    return f"p. {start}" if start == end else f"pp. {start}–{end}"


# What the API read from the query's own words, and how the widget says it (council, years, type).
INTERPRETED = [
    ("Newcastle community assets", {"council": "Newcastle"}, "Showing results from Newcastle only", "councils"),
    ("cooperative 2024", {"year_from": 2024, "year_to": 2024}, "Showing results from 2024 only", "years"),
    (
        "toolkits since 2020",
        {"year_from": 2020, "type": "toolkit"},
        "Showing toolkits since 2020 only",
        "years and types",
    ),
    ("reports before 2023", {"year_to": 2022, "type": "report"}, "Showing reports up to 2022 only", "years and types"),
    (
        "Oxford social value 2020-2024",
        {"council": "Oxford", "year_from": 2020, "year_to": 2024},
        "Showing results from Oxford, 2020–2024 only",
        "councils and years",
    ),
]
WEAK_QUERY = "xyzzyplugh quantum blockchain"
STATUS = "ccin-search [role=status]"


def _status(total: int, query: str, first: int = 1, last: int | None = None) -> str:
    last = total if last is None else last
    return f"Showing {first}–{last} of {total} result{'' if total == 1 else 's'} for “{query}”"


@pytest.mark.parametrize(("query", "interpreted", "says", "undo"), INTERPRETED, ids=[q for q, *_ in INTERPRETED])
def test_filters_read_from_the_query_are_shown_with_a_way_to_search_as_typed(
    widget_page: Page, app_server: LiveServer, query: str, interpreted: dict[str, Any], says: str, undo: str
) -> None:
    read = _api_body(app_server.url, q=query, k=5)
    assert read["interpreted"] == interpreted
    _search(widget_page, query)
    expect(widget_page.locator(STATUS)).to_have_text(_status(read["total"], query, last=len(read["results"])))
    line = widget_page.locator("ccin-search [part~=interpreted]")
    expect(line).to_have_text(f"{says} — Search all {undo} instead")

    as_typed = _api_body(app_server.url, q=query, k=5, interpret="false")
    assert as_typed["interpreted"] == {}
    with widget_page.expect_request(lambda r: "/search?" in r.url) as request:
        line.get_by_role("button").click()
    assert parse_qs(urlsplit(request.value.url).query)["interpret"] == ["false"]
    expect(widget_page.locator("ccin-search [part~=as-typed]")).to_have_text("Searched as typed.")
    expect(line).to_have_count(0)
    expect(widget_page.locator(STATUS)).to_have_text(_status(as_typed["total"], query, last=len(as_typed["results"])))
    expect(widget_page.locator("ccin-search .title")).to_have_text(
        [r["citation"]["title"] for r in as_typed["results"]]
    )

    field = widget_page.locator("ccin-search input")
    field.press("End")
    field.press_sequentially(" again")  # new words are read again
    expect(widget_page.locator("ccin-search [part~=as-typed]")).to_have_count(0)
    expect(widget_page.locator(STATUS)).to_contain_text(f"for “{query} again”")


def test_a_weak_match_says_so_and_shows_the_nearest_passages_cited(widget_page: Page, app_server: LiveServer) -> None:
    body = _api_body(app_server.url, q=WEAK_QUERY, k=5)
    assert body["weak"] is True and body["results"]
    _search(widget_page, WEAK_QUERY)
    weak = widget_page.locator("ccin-search [part~=weak-match]")
    expect(weak).to_have_text(f"No close match for “{WEAK_QUERY}”. These are the nearest passages, not answers.")
    expect(widget_page.locator(STATUS)).to_have_text(_status(body["total"], WEAK_QUERY, last=5))
    listbox = widget_page.locator("ccin-search [role=listbox]")
    expect(listbox).to_have_attribute("part", "listbox weak")
    expect(listbox).to_have_attribute("aria-label", "Nearest passages (no close match)")
    shown = _results(widget_page)
    assert [r["title"] for r in shown] == [r["citation"]["title"] for r in body["results"]]
    assert all(r["meta"] and r["href"] for r in shown)  # still cited
    assert _looks(widget_page) == {"border": "dashed", "title": "rgb(91, 102, 117)", "opacity": "1"}

    widget_page.locator("ccin-search input").fill(QUERY)  # a close query
    expect(widget_page.locator(STATUS)).to_have_text(_showing(5, QUERY))
    expect(weak).to_have_count(0)
    expect(listbox).to_have_attribute("part", "listbox")
    assert _looks(widget_page) == {"border": "solid", "title": "rgb(15, 118, 110)", "opacity": "1"}


def _looks(page: Page) -> dict[str, str]:
    """How the first result is drawn: its border, its title's colour and the list's opacity (readable: 1)."""
    return page.locator("ccin-search").evaluate(
        """el => { const li = el.shadowRoot.querySelector('li[role=option]');
             return { border: getComputedStyle(li).borderTopStyle,
                      title: getComputedStyle(li.querySelector('.title')).color,
                      opacity: getComputedStyle(li.parentElement).opacity }; }"""
    )


def test_a_notice_from_the_api_is_shown_as_text(widget_page: Page, app_server: LiveServer) -> None:
    body = _api_body(app_server.url, q=QUERY, k=5, council="Narnia")
    assert body["total"] == 0
    assert body["notices"][0].startswith("No council in the index matches “Narnia”. Councils: ")
    widget_page.locator("ccin-search").evaluate("el => el.setAttribute('council', 'Narnia')")
    _search(widget_page, QUERY)
    expect(widget_page.locator("ccin-search [part~=notice]")).to_have_text(body["notices"])
    expect(widget_page.locator(STATUS)).to_have_text(f"No results for “{QUERY}”.")
    expect(widget_page.locator("ccin-search [role=listbox]")).to_be_hidden()
    events = widget_page.evaluate("window.__events.filter((e) => e.type === 'ccin-results')")
    assert events[-1]["notices"] == body["notices"]


def test_next_and_previous_page_by_offset(widget_page: Page, app_server: LiveServer) -> None:
    k = 3
    widget_page.locator("ccin-search").evaluate(f"el => el.setAttribute('k', '{k}')")
    total = _api_body(app_server.url, q=QUERY, k=k)["total"]
    assert total > 2 * k
    previous = widget_page.locator("ccin-search [part~=previous]")
    following = widget_page.locator("ccin-search [part~=next]")
    _search(widget_page, QUERY)
    expect(widget_page.locator(STATUS)).to_have_text(_status(total, QUERY, 1, k))
    expect(previous).to_be_hidden()
    expect(following).to_be_visible()

    offset = 0
    while offset + k < total:
        with widget_page.expect_request(lambda r: "/search?" in r.url) as request:
            following.click()
        offset += k
        sent = parse_qs(urlsplit(request.value.url).query)
        assert sent == {"q": [QUERY], "k": [str(k)], "offset": [str(offset)], "group": ["document"]}
        expected = _api_body(app_server.url, q=QUERY, k=k, offset=offset)["results"]
        last = min(offset + k, total)
        expect(widget_page.locator(STATUS)).to_have_text(_status(total, QUERY, offset + 1, last))
        expect(widget_page.locator("ccin-search .title")).to_have_text([r["citation"]["title"] for r in expected])
        expect(previous).to_be_visible()
    expect(following).to_be_hidden()
    # focus does not fall out of the widget when the button it was on goes
    assert widget_page.locator("ccin-search").evaluate("el => el.shadowRoot.activeElement?.getAttribute('part')") == (
        "previous"
    )

    with widget_page.expect_request(lambda r: "/search?" in r.url) as request:
        previous.click()
    assert parse_qs(urlsplit(request.value.url).query)["offset"] == [str(offset - k)]
    expect(widget_page.locator(STATUS)).to_have_text(_status(total, QUERY, offset - k + 1, offset))
    expect(following).to_be_visible()

    widget_page.locator("ccin-search input").press("Enter")  # searching again starts from the first page
    expect(widget_page.locator(STATUS)).to_have_text(_status(total, QUERY, 1, k))
    expect(previous).to_be_hidden()


HOSTILE_QUERY = "<img src=x onerror=alert(1)> xyzzyplugh"


def test_markup_in_a_query_or_council_name_stays_text_in_the_notes(widget_page: Page, app_server: LiveServer) -> None:
    """A query, a council read from it and a council filter echoed in a notice: all shown as the text they are."""
    alerts: list[str] = []
    widget_page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    council = HOSTILE_COUNCIL.removesuffix(" Borough Council")
    named = f"{council} allotments"
    assert _api_body(app_server.url, q=named, k=5)["interpreted"] == {"council": council}
    assert _api_body(app_server.url, q=HOSTILE_QUERY, k=5)["weak"] is True
    field = widget_page.locator("ccin-search input")
    notes = widget_page.locator("ccin-search [part=notes]")

    field.fill(named)
    expect(widget_page.locator("ccin-search [part~=interpreted]")).to_have_text(
        f"Showing results from {council} only — Search all councils instead"
    )
    expect(widget_page.locator("ccin-search .meta").first).to_contain_text(HOSTILE_COUNCIL)

    field.fill(HOSTILE_QUERY)
    expect(widget_page.locator("ccin-search [part~=weak-match]")).to_have_text(
        f"No close match for “{HOSTILE_QUERY}”. These are the nearest passages, not answers."
    )

    widget_page.locator("ccin-search").evaluate("(el, c) => el.setAttribute('council', c)", HOSTILE_QUERY)
    expect(widget_page.locator("ccin-search [part~=notice]")).to_contain_text(f"matches “{HOSTILE_QUERY}”")
    assert notes.evaluate("n => n.querySelectorAll('*').length") == notes.evaluate(
        "n => n.querySelectorAll('p, button').length"
    )
    assert_no_markup_ran(widget_page)
    assert alerts == []


FOCUSED_PART = "el => el.shadowRoot.activeElement ? el.shadowRoot.activeElement.getAttribute('part') : null"


def _tab_to(page: Page, part: str, presses: int = 60) -> None:
    """Press Tab from the search box until the widget's control with this part has focus, as a keyboard user
    would; fails if it is never reached."""
    widget = page.locator("ccin-search")
    page.locator("ccin-search input").focus()
    for _ in range(presses):
        page.keyboard.press("Tab")
        if widget.evaluate(FOCUSED_PART) == part:
            return
    raise AssertionError(f"Tab never reached the {part!r} control")


def test_the_new_controls_work_from_the_keyboard_and_are_announced(widget_page: Page, app_server: LiveServer) -> None:
    body = _api_body(app_server.url, q=QUERY, k=5)
    assert body["total"] > 5
    _search(widget_page, QUERY)
    expect(widget_page.locator(STATUS)).to_have_text(_status(body["total"], QUERY, last=5))
    pager = widget_page.get_by_role("navigation", name="Result pages")
    expect(pager.get_by_role("button", name="Next", exact=True)).to_be_visible()  # the arrow is not read out
    _tab_to(widget_page, "next")
    widget_page.keyboard.press("Enter")
    expect(widget_page.locator(STATUS)).to_have_text(_status(body["total"], QUERY, 6, min(10, body["total"])))
    assert widget_page.locator("ccin-search").evaluate(FOCUSED_PART) in ("next", "previous")  # focus stays on the pager
    _tab_to(widget_page, "previous")
    widget_page.keyboard.press("Space")
    expect(widget_page.locator(STATUS)).to_have_text(_status(body["total"], QUERY, last=5))

    query, _, says, undo = INTERPRETED[0]
    widget_page.locator("ccin-search input").fill(query)
    line = widget_page.locator("ccin-search [part~=interpreted]")
    expect(line).to_have_text(f"{says} — Search all {undo} instead")
    notes = widget_page.locator("ccin-search [part=notes]")
    expect(notes).to_have_attribute("aria-live", "polite")  # what the query was read as is announced
    with widget_page.expect_request(lambda r: "/search?" in r.url) as request:
        _tab_to(widget_page, "search-as-typed")
        widget_page.keyboard.press("Enter")
    assert parse_qs(urlsplit(request.value.url).query)["interpret"] == ["false"]
    expect(widget_page.locator("ccin-search [part~=as-typed]")).to_have_text("Searched as typed.")

    widget_page.locator("ccin-search input").fill(WEAK_QUERY)
    expect(notes.locator("[part~=weak-match]")).to_contain_text("No close match")  # inside the live region


OCR_QUERY = "coach from Bilbao to Arrasate-Mondragon"


def test_text_read_by_ocr_and_inferred_details_are_marked_and_nothing_else_is(
    widget_page: Page, app_server: LiveServer
) -> None:
    api = _api_results(app_server.url, q=OCR_QUERY, k=5)
    assert [r["ocr"] for r in api].count(True) == 1  # the scanned programme page of the Mondragon visit
    assert any(r["citation"]["inferred_fields"] for r in api)  # an uncatalogued seed pack

    _search(widget_page, OCR_QUERY)

    expect(widget_page.locator("ccin-search [role=status]")).to_have_text(_showing(len(api), OCR_QUERY))
    drawn = widget_page.locator("ccin-search").evaluate(
        """el => [...el.shadowRoot.querySelectorAll('li[role=option]')].map((li) =>
             [...li.querySelectorAll('[part~=caveat]')].map((c) => [c.getAttribute('part'), c.textContent, c.title]))"""
    )
    titles = {
        "ocr": "Read by OCR from a scanned page: some words may be misread.",
        "inferred": "Not in the catalogue: inferred from the file itself.",
    }
    expected = [[[f"caveat {part}", text, titles[part]] for part, text in caveats(r)] for r in api]
    assert drawn == expected
