"""The search page (GET /) in real headless Chromium against the real app: filters, a shareable address that
reproduces the search, evidence-pack downloads, the document dialog, hostile content, small screens."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from kb.principles import NAMES
from tests.browser.conftest import (
    BLANK_ID,
    HOSTILE_COUNCIL,
    HOSTILE_ID,
    HOSTILE_TITLE,
    WAIT_MS,
    assert_no_markup_ran,
    caveats,
)
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser

QUERY = "community energy society rooftop solar"
PRINCIPLE = "5"
SHARED = "/?q=community+energy+society+rooftop+solar&principle=5"
EVIDENCE = "/evidence?principle=5&q=community+energy+society+rooftop+solar&format="


def _open(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("customElements.get('ccin-search') !== undefined")


def _citations(page: Page) -> list[str]:
    """Each result's citation as a reader sees it: title, then lead council · year · page · type."""
    return page.locator("ccin-search").evaluate(
        """el => [...el.shadowRoot.querySelectorAll('li[role=option]')].map((li) =>
             `${li.querySelector('.title').textContent} | ${li.querySelector('.meta').textContent}`)"""
    )


def _api(app_server: LiveServer, path: str, **params: object) -> Any:
    response = httpx.get(f"{app_server.url}{path}", params=params, timeout=60)
    assert response.status_code == 200
    return response.json()


def _search_with_principle(page: Page, app_server: LiveServer) -> list[dict[str, Any]]:
    """Type the query, choose the principle, and wait until the page shows what the API answers for it."""
    page.locator("ccin-search input").fill(QUERY)
    page.select_option("#f-principle", PRINCIPLE)
    body = _api(app_server, "/search", q=QUERY, k=10, principle=PRINCIPLE, group="document")
    expected = body["results"]
    expect(page.locator("ccin-search .title")).to_have_text([r["citation"]["title"] for r in expected])
    status = f"Showing 1–{len(expected)} of {body['total']} result{'' if body['total'] == 1 else 's'} for “{QUERY}”"
    expect(page.locator("ccin-search [role=status]")).to_have_text(status)
    return expected


@pytest.fixture()
def search_page(page: Page, app_server: LiveServer) -> Page:
    _open(page, f"{app_server.url}/")
    return page


def test_the_address_reproduces_the_search(search_page: Page, context: BrowserContext, app_server: LiveServer) -> None:
    expected = _search_with_principle(search_page, app_server)
    first = expected[0]["citation"]
    assert _citations(search_page)[0] == (
        f"{first['title']} | {first['lead_council']} · {first['year']} · p. {first['page']} · report"
    )
    assert all("Maximising social value" in [p["name"] for p in r["principles"]] for r in expected)
    expect(search_page).to_have_url(app_server.url + SHARED)
    assert parse_qs(urlsplit(search_page.url).query) == {"q": [QUERY], "principle": [PRINCIPLE]}

    again = context.new_page()
    _open(again, search_page.url)
    expect(again.locator("ccin-search .title")).to_have_text([r["citation"]["title"] for r in expected])
    assert _citations(again) == _citations(search_page)
    expect(again.locator("ccin-search input")).to_have_value(QUERY)
    expect(again.locator("#f-principle")).to_have_value(PRINCIPLE)


def test_evidence_links_follow_the_principle_and_query(search_page: Page, app_server: LiveServer) -> None:
    markdown = search_page.locator("[data-format=md]")
    expect(markdown).to_have_attribute("aria-disabled", "true")
    assert markdown.get_attribute("href") is None

    _search_with_principle(search_page, app_server)
    for fmt in ("md", "csv", "docx"):
        expect(search_page.locator(f"[data-format={fmt}]")).to_have_attribute("href", EVIDENCE + fmt)
    assert markdown.get_attribute("aria-disabled") is None

    response = search_page.request.get(f"{app_server.url}{EVIDENCE}md")
    assert response.status == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert response.text().startswith(
        "# Evidence: Maximising social value (principle 5)\n\nTopic: community energy society rooftop solar\n"
    )
    with search_page.expect_download() as download:
        markdown.click()
    assert download.value.suggested_filename == (
        "ccin-evidence-5-maximising-social-value-community-energy-society-rooftop-solar.md"
    )


def test_export_links_carry_every_filter_on_screen(search_page: Page, app_server: LiveServer) -> None:
    """The downloads ask /evidence for what the page searches: principle, council, years, type and the topic."""
    search_page.locator("ccin-search input").fill("social value")
    search_page.select_option("#f-principle", "9")
    search_page.fill("#f-council", "Oxford")
    search_page.fill("#f-year-from", "2022")
    search_page.fill("#f-year-to", "2024")
    search_page.select_option("#f-type", "toolkit")
    filtered = "/evidence?principle=9&council=Oxford&year_from=2022&year_to=2024&type=toolkit&q=social+value&format="
    for fmt in ("md", "csv", "docx"):
        expect(search_page.locator(f"[data-format={fmt}]")).to_have_attribute("href", filtered + fmt)
    expect(search_page.locator("#export-hint")).to_contain_text("under the filters shown")

    response = search_page.request.get(f"{app_server.url}{filtered}md")
    assert response.status == 200
    assert response.text().startswith(
        "# Evidence: Learning (principle 9)\n\nTopic: social value\n\n"
        "Filters: council Oxford · years 2022–2024 · type toolkit\n\n"
    )
    with search_page.expect_download() as download:
        search_page.locator("[data-format=csv]").click()
    assert download.value.suggested_filename == (
        "ccin-evidence-9-learning-social-value-council-oxford-years-2022-2024-type-toolkit.csv"
    )

    search_page.fill("#f-year-from", "2025")  # after "Year to": no pack to build until it is corrected
    search_page.locator("#f-year-from").dispatch_event("change")
    markdown = search_page.locator("[data-format=md]")
    expect(markdown).to_have_attribute("aria-disabled", "true")
    assert markdown.get_attribute("href") is None
    expect(search_page.locator("#export-hint")).to_have_text("Correct the year range to build an evidence pack.")


def test_about_this_document_shows_its_details(
    search_page: Page, context: BrowserContext, app_server: LiveServer
) -> None:
    expected = _search_with_principle(search_page, app_server)
    document_id = expected[0]["citation"]["document_id"]
    details = _api(app_server, f"/documents/{document_id}")

    search_page.locator("ccin-search [part~=about]").first.click()
    dialog = search_page.locator("dialog#doc")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#doc-title")).to_have_text(details["title"])
    expect(dialog.locator(".plist strong")).to_have_text([p["name"] for p in details["principles_met"]])
    first = details["principles_met"][0]
    evidence = dialog.locator(".plist li").first.locator("details")
    expect(evidence.locator("summary")).to_have_text(
        f"Evidence ({len(first['evidence'])} passage{'' if len(first['evidence']) == 1 else 's'})"
    )
    evidence.locator("summary").click()
    quotes = evidence.locator("blockquote")
    expect(quotes).to_have_count(len(first["evidence"]))
    expect(quotes.first.locator("span").first).to_have_text(first["evidence"][0]["text"])
    expect(quotes.first.locator("a")).to_have_attribute("href", first["evidence"][0]["citation"]["url"])
    expect(dialog.locator(".dlist")).to_have_count(0)  # the catalogue declares nothing for this document
    expect(dialog.locator("dd").first).to_have_text(details["lead_council"])
    expect(search_page).to_have_url(f"{app_server.url}{SHARED}&doc={document_id}")

    shared = context.new_page()  # the address with ?doc= opens the same dialog
    _open(shared, search_page.url)
    expect(shared.locator("dialog#doc #doc-title")).to_have_text(details["title"])

    search_page.locator("#doc-close").click()
    expect(dialog).to_be_hidden()
    expect(search_page).to_have_url(app_server.url + SHARED)


def test_markup_in_a_title_renders_as_text_in_the_page_and_dialog(search_page: Page, app_server: LiveServer) -> None:
    search_page.locator("ccin-search input").fill("allotments")
    title = search_page.locator("ccin-search #opt-0-t")
    expect(title).to_have_text(HOSTILE_TITLE)
    search_page.locator("ccin-search #opt-0 [part~=about]").click()

    dialog = search_page.locator("dialog#doc")
    expect(dialog.locator("#doc-title")).to_have_text(HOSTILE_TITLE)
    met = _api(app_server, f"/documents/{HOSTILE_ID}")["principles_met"]  # the tagger decides; the page shows it
    if met:
        expect(dialog.locator(".plist strong")).to_have_text([p["name"] for p in met])
    else:  # the empty state has its own test below, on a page no tagger should tag
        expect(dialog).to_contain_text("No principle has been tagged in this document yet.")
    evidenced = {p["id"] for p in met if p["evidenced"]}
    declared = [  # the fixture's catalogue declares two principles for it, shown beside those found
        name if pid in evidenced else f"{name} (no passage shows it)" for pid, name in ((4, NAMES[4]), (7, NAMES[7]))
    ]
    expect(dialog.locator(".dlist li")).to_have_text(declared)
    assert_no_markup_ran(search_page)


def test_a_document_with_no_tagged_principle_says_so(search_page: Page, app_server: LiveServer) -> None:
    assert _api(app_server, f"/documents/{BLANK_ID}")["principles_met"] == []
    # Its one passage is a blank-page notice (a cover, so navigation): search finds it only when asked to.
    search_page.locator("ccin-search").evaluate("el => el.setAttribute('passage-role', 'any')")
    search_page.locator("ccin-search input").fill("intentionally left blank")
    expect(search_page.locator("ccin-search #opt-0-t")).to_have_text("Notice page")
    search_page.locator("ccin-search #opt-0 [part~=about]").click()
    dialog = search_page.locator("dialog#doc")
    expect(dialog.locator("#doc-title")).to_have_text("Notice page")
    expect(dialog).to_contain_text("No principle has been tagged in this document yet.")
    expect(dialog.locator(".plist")).to_have_count(0)


def test_screenshots_and_no_sideways_scroll_at_320px(
    browser: Browser, search_page: Page, app_server: LiveServer, screenshots: Path
) -> None:
    _search_with_principle(search_page, app_server)
    search_page.screenshot(path=screenshots / "search-page.png", full_page=True)

    narrow = browser.new_context(viewport={"width": 320, "height": 640}, locale="en-GB")
    narrow.set_default_timeout(WAIT_MS)
    try:
        small = narrow.new_page()
        _open(small, search_page.url)
        showing = re.compile(rf"Showing 1–\d+ of \d+ results? for “{re.escape(QUERY)}”")
        expect(small.locator("ccin-search [role=status]")).to_have_text(showing)
        small.screenshot(path=screenshots / "search-page-320.png", full_page=True)
        assert small.evaluate("document.scrollingElement.scrollWidth") <= 320
    finally:
        narrow.close()
    assert (screenshots / "search-page.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (screenshots / "search-page-320.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


STATUS = "ccin-search [role=status]"
WEAK_QUERY = "xyzzyplugh quantum blockchain"
TYPE_NAMES = {
    "policy-lab": "Policy lab",
    "policy-prototype": "Policy prototype",
    "toolkit": "Toolkit",
    "report": "Report",
    "case-study": "Case study",
    "members-pack": "Members' pack",
    "web-page": "Web page",
}


def _status(total: int, query: str, first: int = 1, last: int | None = None) -> str:
    last = total if last is None else last
    return f"Showing {first}–{last} of {total} result{'' if total == 1 else 's'} for “{query}”"


def _body(app_server: LiveServer, **params: object) -> Any:
    """What the API answers for the search the page makes (ten per page, one result per document)."""
    return _api(app_server, "/search", **{"k": 10, "group": "document", **params})


def test_filters_read_from_the_query_are_shown_and_the_address_keeps_searching_as_typed(
    search_page: Page, context: BrowserContext, app_server: LiveServer
) -> None:
    query = "Newcastle community assets"
    read = _body(app_server, q=query)
    assert read["interpreted"] == {"council": "Newcastle"}
    search_page.locator("ccin-search input").fill(query)
    line = search_page.locator("ccin-search [part~=interpreted]")
    expect(line).to_have_text("Showing results from Newcastle only — Search all councils instead")
    expect(search_page.locator(STATUS)).to_have_text(_status(read["total"], query))

    as_typed = _body(app_server, q=query, interpret="false")
    assert as_typed["total"] > read["total"]
    with search_page.expect_request(lambda r: "/search?" in r.url) as request:
        line.get_by_role("button", name="Search all councils instead").click()
    assert parse_qs(urlsplit(request.value.url).query)["interpret"] == ["false"]
    expect(search_page.locator("ccin-search [part~=as-typed]")).to_have_text("Searched as typed.")
    expect(search_page.locator(STATUS)).to_have_text(_status(as_typed["total"], query))
    expect(search_page).to_have_url(f"{app_server.url}/?q=Newcastle+community+assets&interpret=false")

    again = context.new_page()  # the address reproduces the search as typed
    with again.expect_request(lambda r: "/search?" in r.url) as request:
        _open(again, search_page.url)
    assert parse_qs(urlsplit(request.value.url).query)["interpret"] == ["false"]
    expect(again.locator("ccin-search [part~=as-typed]")).to_have_text("Searched as typed.")
    expect(again.locator(STATUS)).to_have_text(_status(as_typed["total"], query))
    again.locator("ccin-search input").fill("Oldham community assets")  # new words are read again
    expect(again.locator("ccin-search [part~=interpreted]")).to_have_text(
        "Showing results from Oldham only — Search all councils instead"
    )
    expect(again).to_have_url(f"{app_server.url}/?q=Oldham+community+assets")


def test_a_weak_match_is_flagged_and_its_results_stay_cited(search_page: Page, app_server: LiveServer) -> None:
    body = _body(app_server, q=WEAK_QUERY)
    assert body["weak"] is True and body["results"]
    search_page.locator("ccin-search input").fill(WEAK_QUERY)
    expect(search_page.locator("ccin-search [part~=weak-match]")).to_have_text(
        f"No close match for “{WEAK_QUERY}”. These are the nearest passages, not answers."
    )
    expect(search_page.locator(STATUS)).to_have_text(_status(body["total"], WEAK_QUERY, last=len(body["results"])))
    expect(search_page.locator("ccin-search [role=listbox]")).to_have_attribute("part", "listbox weak")
    assert _citations(search_page) == [
        f"{r['citation']['title']} | "
        + " · ".join([*(str(x) for x in _meta(r["citation"]) if x), *(text for _, text in caveats(r))])
        for r in body["results"]
    ]
    drawn = search_page.locator("ccin-search").evaluate(
        """el => [...el.shadowRoot.querySelectorAll('li[role=option]')].map((li) => [
             getComputedStyle(li).borderTopStyle, getComputedStyle(li.querySelector('.snip')).color,
             getComputedStyle(li).opacity])"""
    )
    assert set(map(tuple, drawn)) == {("dashed", "rgb(91, 102, 117)", "1")}  # muted, not faded out of reach
    search_page.screenshot(path="/tmp/ui-search-weak.png", full_page=True)


def _meta(c: dict[str, Any]) -> list[object]:
    """The citation line the page shows: council · year · page (PDFs) · type."""
    paged = "#page=" in c["url"]
    pages = (f"p. {c['page']}" if c["page"] == c["page_end"] else f"pp. {c['page']}–{c['page_end']}") if paged else None
    return [c["lead_council"], c["year"], pages, c["type"].replace("-", " ") if c["type"] else None]


def test_a_notice_is_shown_when_a_council_matches_none(search_page: Page, app_server: LiveServer) -> None:
    query = "community energy"
    body = _body(app_server, q=query, council="Narnia")
    assert body["total"] == 0 and len(body["notices"]) == 1
    search_page.fill("#f-council", "Narnia")
    search_page.locator("ccin-search input").fill(query)
    expect(search_page.locator("ccin-search [part~=notice]")).to_have_text(body["notices"])
    expect(search_page.locator(STATUS)).to_have_text(f"No results for “{query}”.")
    expect(search_page.locator("#council-facets")).to_be_hidden()


def _facet_texts(page: Page, sel: str) -> list[str]:
    return page.locator(f"{sel} option").evaluate_all("os => os.filter((o) => o.value).map((o) => o.textContent)")


def _expected_options(facets: list[dict[str, Any]], names: dict[str, str]) -> list[str]:
    counts = {str(f["value"]): f["count"] for f in facets}
    return [f"{name} ({counts[value]})" if value in counts else name for value, name in names.items()]


def test_filter_controls_show_the_response_counts_and_choosing_one_searches_again(
    search_page: Page, app_server: LiveServer
) -> None:
    query = "community energy"
    principles = {str(i): f"{i}. {NAMES[i]}" for i in range(1, 11)}
    body = _body(app_server, q=query)
    facets = body["facets"]
    assert len(facets["council"]) > 2 and len(facets["year"]) > 1
    search_page.locator("ccin-search input").fill(query)
    expect(search_page.locator(STATUS)).to_have_text(_status(body["total"], query))
    expect(search_page.locator("#f-principle option:not([value=''])")).to_have_text(
        _expected_options(facets["principle"], principles)
    )
    expect(search_page.locator("#f-type option:not([value=''])")).to_have_text(
        _expected_options(facets["type"], TYPE_NAMES)
    )
    councils = search_page.locator("#council-facets button")
    expect(councils).to_have_text([f"{f['value']} ({f['count']})" for f in facets["council"]])
    expect(search_page.locator("#year-facets button")).to_have_text(
        [f"{f['value']} ({f['count']})" for f in facets["year"]]
    )
    search_page.screenshot(path="/tmp/ui-search-facets.png", full_page=True)

    council = "Kirklees Council"
    narrowed = _body(app_server, q=query, council=council)
    with search_page.expect_request(lambda r: "/search?" in r.url) as request:
        search_page.locator("#council-facets button", has_text=council).click()
    assert parse_qs(urlsplit(request.value.url).query)["council"] == [council]
    expect(search_page.locator("#f-council")).to_have_value(council)
    expect(search_page.locator(STATUS)).to_have_text(_status(narrowed["total"], query))
    expect(councils).to_have_text([f"{f['value']} ({f['count']})" for f in narrowed["facets"]["council"]])
    expect(search_page.locator("#council-facets button", has_text=council)).to_have_attribute("aria-pressed", "true")
    expect(search_page.locator("#f-principle option:not([value=''])")).to_have_text(
        _expected_options(narrowed["facets"]["principle"], principles)
    )

    year = str(narrowed["facets"]["year"][0]["value"])
    with search_page.expect_request(lambda r: "/search?" in r.url) as request:
        search_page.locator("#year-facets button", has_text=year).click()
    sent = parse_qs(urlsplit(request.value.url).query)
    assert (sent["year_from"], sent["year_to"], sent["council"]) == ([year], [year], [council])
    expect(search_page.locator("#f-year-from")).to_have_value(year)
    expect(search_page.locator("#f-year-to")).to_have_value(year)
    expect(search_page).to_have_url(re.compile(rf"council=Kirklees\+Council&year_from={year}&year_to={year}"))


def test_next_and_previous_page_with_the_same_k_and_filters(search_page: Page, app_server: LiveServer) -> None:
    query, k, principle = "community energy", 3, "9"
    total = _body(app_server, q=query, k=k, principle=principle)["total"]
    assert total > 2 * k
    search_page.locator("ccin-search").evaluate(f"el => el.setAttribute('k', '{k}')")
    search_page.select_option("#f-principle", principle)
    search_page.locator("ccin-search input").fill(query)
    previous = search_page.locator("ccin-search [part~=previous]")
    following = search_page.locator("ccin-search [part~=next]")
    expect(search_page.locator(STATUS)).to_have_text(_status(total, query, 1, k))
    expect(previous).to_be_hidden()

    with search_page.expect_request(lambda r: "/search?" in r.url) as request:
        following.click()
    sent = parse_qs(urlsplit(request.value.url).query)
    assert sent == {"q": [query], "k": [str(k)], "offset": [str(k)], "group": ["document"], "principle": [principle]}
    expected = _body(app_server, q=query, k=k, offset=k, principle=principle)["results"]
    expect(search_page.locator(STATUS)).to_have_text(_status(total, query, k + 1, 2 * k))
    expect(search_page.locator("ccin-search .title")).to_have_text([r["citation"]["title"] for r in expected])
    expect(previous).to_be_visible()
    search_page.screenshot(path="/tmp/ui-search-page-2.png", full_page=True)

    offset = k
    while offset + k < total:
        following.click()
        offset += k
        expect(search_page.locator(STATUS)).to_have_text(_status(total, query, offset + 1, min(offset + k, total)))
    expect(following).to_be_hidden()
    previous.click()
    expect(search_page.locator(STATUS)).to_have_text(_status(total, query, offset - k + 1, offset))
    expect(following).to_be_visible()


def test_a_later_page_is_kept_in_the_address_and_a_new_query_starts_again_at_the_first(
    page: Page, app_server: LiveServer
) -> None:
    query, offset = "community", 5
    total = _body(app_server, q=query)["total"]
    assert total > offset
    _open(page, f"{app_server.url}/?q={query}&offset={offset}")
    expect(page.locator(STATUS)).to_have_text(_status(total, query, offset + 1, min(offset + 10, total)))
    expected = _body(app_server, q=query, offset=offset)["results"]
    expect(page.locator("ccin-search .title")).to_have_text([r["citation"]["title"] for r in expected])
    assert parse_qs(urlsplit(page.url).query) == {"q": [query], "offset": [str(offset)]}

    page.locator("ccin-search [part~=previous]").click()
    expect(page.locator(STATUS)).to_have_text(_status(total, query, 1, min(10, total)))
    expect(page).to_have_url(f"{app_server.url}/?q={query}")

    _open(page, f"{app_server.url}/?q={query}&offset={offset}")
    expect(page.locator(STATUS)).to_have_text(_status(total, query, offset + 1, min(offset + 10, total)))
    page.locator("ccin-search input").fill("community energy")
    expect(page).to_have_url(re.compile(r"q=community\+energy"))
    assert "offset" not in parse_qs(urlsplit(page.url).query)


def test_markup_in_a_query_or_council_shows_as_text_in_the_notes_and_filters(
    search_page: Page, app_server: LiveServer
) -> None:
    alerts: list[str] = []
    search_page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    council = HOSTILE_COUNCIL.removesuffix(" Borough Council")
    named = f"{council} allotments"
    hostile = "<img src=x onerror=alert(1)> xyzzyplugh"
    assert _body(app_server, q=named)["interpreted"] == {"council": council}
    assert _body(app_server, q=hostile)["weak"] is True
    field = search_page.locator("ccin-search input")

    field.fill(named)
    expect(search_page.locator("ccin-search [part~=interpreted]")).to_have_text(
        f"Showing results from {council} only — Search all councils instead"
    )
    expect(search_page.locator("#council-facets button")).to_have_text([f"{HOSTILE_COUNCIL} (1)"])

    field.fill(hostile)
    expect(search_page.locator("ccin-search [part~=weak-match]")).to_have_text(
        f"No close match for “{hostile}”. These are the nearest passages, not answers."
    )
    search_page.fill("#f-council", hostile)
    expect(search_page.locator("ccin-search [part~=notice]")).to_contain_text(f"matches “{hostile}”")
    expect(search_page.locator("ccin-search [part~=notice]")).to_contain_text(HOSTILE_COUNCIL)
    search_page.screenshot(path="/tmp/ui-search-hostile.png", full_page=True)
    assert_no_markup_ran(search_page)
    assert alerts == []


@pytest.mark.parametrize("document_id", ["001-e33d7f85c6ea2c8b", "net-zero"])
def test_a_documents_details_say_what_was_inferred_and_what_its_pages_count(
    context: BrowserContext, app_server: LiveServer, document_id: str
) -> None:
    details = _api(app_server, f"/documents/{document_id}")
    page = context.new_page()
    _open(page, f"{app_server.url}/?doc={document_id}")
    dialog = page.locator("dialog#doc")
    expect(dialog.locator("#doc-title")).to_have_text(details["title"])

    rows = dict(
        dialog.locator("dl").evaluate(
            "dl => [...dl.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling.textContent])"
        )
    )

    inferred = set(details["inferred_fields"])
    assert ("Title" in rows) == ("title" in inferred)
    if details["year"] is not None:
        assert rows["Year"] == f"{details['year']}" + (" (inferred from the file)" if "year" in inferred else "")
    if details["unit"] == "page":
        assert rows["Pages"] == str(details["pages"])
    else:  # a text file or web page: one "page" is no count worth showing
        assert "Pages" not in rows and "Sections" not in rows
    if document_id.startswith("001-"):  # an uncatalogued seed pack (a text file): its year was read from it
        assert "year" in inferred and details["unit"] is None
    else:
        assert not inferred and details["unit"] == "page"
