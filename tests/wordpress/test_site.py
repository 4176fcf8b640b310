"""The plugin in a real WordPress (Debian's, on MariaDB) driven by real headless Chromium against the real API
on loopback: the shortcode and the block each show cited results, the widget's script loads only where it is
used, markup in an attribute stays text, invalid values are dropped, and the settings page checks the API
address."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_no_markup_ran
from tests.conftest import LiveServer
from tests.wordpress.site import WordPressSite

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUERY = "community energy society rooftop solar"
HOSTILE_PLACEHOLDER = '"><script>window.__pwned=1</script>'
HOSTILE_COUNCIL = "<img src=x onerror=window.__pwned=2>"

READ_RESULTS = """el => [...el.shadowRoot.querySelectorAll('li[role=option]')].map((li) => ({
  title: li.querySelector('.title').textContent,
  href: li.querySelector('.title').getAttribute('href'),
}))"""


def _open(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("customElements.get('ccin-search') !== undefined")


def _element_attributes(page: Page) -> dict[str, str]:
    return page.locator("ccin-search").evaluate(
        "el => Object.fromEntries([...el.attributes].map((a) => [a.name, a.value]))"
    )


def _expected(api: LiveServer, k: int) -> dict[str, Any]:
    """What the API answers for the search the widget makes: the same words, k and grouping."""
    response = httpx.get(f"{api.url}/search", params={"q": QUERY, "k": k, "group": "document"}, timeout=60)
    assert response.status_code == 200
    return response.json()


def _search_shows_cited_results(page: Page, api: LiveServer, k: int) -> None:
    field = page.locator("ccin-search input")
    field.click()
    field.press_sequentially(QUERY)
    body = _expected(api, k)
    assert body["total"] > k
    expect(page.locator("ccin-search [role=status]")).to_have_text(
        f"Showing 1–{k} of {body['total']} results for “{QUERY}”"
    )
    shown = page.locator("ccin-search").evaluate(READ_RESULTS)
    assert shown == [{"title": r["citation"]["title"], "href": r["citation"]["url"]} for r in body["results"]]
    assert shown[0]["title"] == "Cooperative Approaches to Reaching Net Zero"
    link = re.compile(rf"{re.escape(api.url)}/documents/[\w-]+/file(#page=\d+)?")
    assert all(link.fullmatch(r["href"]) for r in shown)


def test_the_posts_were_written_by_an_author_whose_content_is_filtered(wordpress: WordPressSite) -> None:
    # The shortcode and block posts come from a user without unfiltered_html, as on the network's site.
    assert wordpress.author_filtered
    assert wordpress.posts["block"]["content"].endswith('<!-- wp:ccin/search {"k":3} /-->')
    assert '[ccin_search k="4"' in wordpress.posts["shortcode"]["content"]


def test_the_shortcode_shows_cited_results(page: Page, wordpress: WordPressSite, wordpress_api: LiveServer) -> None:
    _open(page, wordpress.posts["shortcode"]["url"])
    assert _element_attributes(page) == {
        "api": wordpress_api.url,
        "k": "4",
        "placeholder": "Search council reports",
        "style": "--ccin-accent:#3d1f5c",
    }
    expect(page.locator("ccin-search input")).to_have_attribute("placeholder", "Search council reports")
    _search_shows_cited_results(page, wordpress_api, 4)
    accent = page.locator("ccin-search").evaluate("el => getComputedStyle(el).getPropertyValue('--ccin-accent')")
    assert accent.strip() == "#3d1f5c"
    assert_no_markup_ran(page)


def test_the_block_shows_cited_results(page: Page, wordpress: WordPressSite, wordpress_api: LiveServer) -> None:
    _open(page, wordpress.posts["block"]["url"])
    assert _element_attributes(page) == {"api": wordpress_api.url, "k": "3"}
    expect(page.locator("div.wp-block-ccin-search > ccin-search")).to_have_count(1)
    _search_shows_cited_results(page, wordpress_api, 3)
    assert_no_markup_ran(page)


def test_the_widget_script_loads_only_on_pages_that_use_it(wordpress: WordPressSite, wordpress_api: LiveServer) -> None:
    script = re.compile(r"<script[^>]*\bsrc=['\"]([^'\"]*widget\.js)['\"][^>]*>")
    for name in ("shortcode", "block"):
        html = httpx.get(wordpress.posts[name]["url"], timeout=60).text
        tags = script.findall(html)
        assert tags == [f"{wordpress_api.url}/widget.js"], name
        assert re.search(r"<script\b[^>]*\bdefer\b[^>]*widget\.js", html), name
        assert html.index("<ccin-search") < html.index(f"{wordpress_api.url}/widget.js"), name  # in the footer
    plain = httpx.get(wordpress.posts["plain"]["url"], timeout=60).text
    assert "No search here" in plain
    assert "widget.js" not in plain
    assert "<ccin-search" not in plain


def test_markup_in_a_shortcode_attribute_renders_as_text(page: Page, wordpress: WordPressSite) -> None:
    _open(page, wordpress.posts["hostile"]["url"])
    attributes = _element_attributes(page)
    assert attributes["placeholder"] == HOSTILE_PLACEHOLDER  # it reached the plugin whole, and stayed text
    assert attributes["council"] == HOSTILE_COUNCIL
    expect(page.locator("ccin-search input")).to_have_attribute("placeholder", HOSTILE_PLACEHOLDER)
    expect(page.locator("ccin-search")).to_have_count(1)
    assert page.locator("script", has_text="__pwned").count() == 0
    assert_no_markup_ran(page)


def test_invalid_colours_and_values_are_dropped(
    page: Page, wordpress: WordPressSite, wordpress_api: LiveServer
) -> None:
    # accent="red" and background="#12345z" are not hex colours, principle="11" is no principle, k="many" is
    # no number, onclick is no attribute of the widget, and api names an address the settings do not allow:
    # only text="#336699" survives, and k and api fall back to the settings.
    _open(page, wordpress.posts["colours"]["url"])
    assert _element_attributes(page) == {"api": wordpress_api.url, "k": "5", "style": "--ccin-fg:#336699"}
    colours = page.locator("ccin-search").evaluate(
        "el => ['--ccin-accent', '--ccin-bg', '--ccin-fg'].map((p) => getComputedStyle(el).getPropertyValue(p).trim())"
    )
    assert colours == ["", "", "#336699"]


def test_the_plugin_logs_no_php_notices(page: Page, wordpress: WordPressSite) -> None:
    for post in wordpress.posts.values():
        assert httpx.get(post["url"], timeout=60).status_code == 200
    log = wordpress.debug_log.read_text(encoding="utf-8") if wordpress.debug_log.exists() else ""
    assert [line for line in log.splitlines() if "ccin-search" in line] == []


def _log_in(page: Page, wordpress: WordPressSite) -> None:
    page.goto(f"{wordpress.url}/wp-login.php")
    # WordPress focuses and selects the user name 200 ms after load; text typed into the password field at
    # that moment lands in the user name instead ("The password field is empty"). Wait for that focus first.
    expect(page.locator("#user_login")).to_be_focused()
    page.fill("#user_login", "admin")
    page.fill("#user_pass", wordpress.admin_password)
    expect(page.locator("#user_pass")).to_have_value(wordpress.admin_password)
    page.click("#wp-submit")
    expect(page.locator("#wpadminbar")).to_be_visible()


def test_the_settings_page_saves_an_address_and_refuses_javascript(
    page: Page, wordpress: WordPressSite, wordpress_api: LiveServer
) -> None:
    _log_in(page, wordpress)
    settings = f"{wordpress.url}/wp-admin/options-general.php?page=ccin-search"
    page.goto(settings)
    expect(page.locator("h1")).to_have_text("CCIN Search")
    field = page.locator("#ccin_search_api")
    expect(field).to_have_value(wordpress_api.url)

    field.fill(f"  {wordpress_api.url}/  ")  # spaces and a trailing slash are tidied away
    page.fill("#ccin_search_k", "7")
    page.click("#submit")
    expect(page.locator("#setting-error-settings_updated")).to_contain_text("Settings saved.")
    expect(field).to_have_value(wordpress_api.url)
    assert wordpress.option("ccin_search_options")["api"] == wordpress_api.url
    assert wordpress.option("ccin_search_options")["k"] == 7

    field.fill("javascript:alert(1)")
    # The browser itself refuses 500 for max="50": drop that limit, as a hand-made request would, so the server's
    # own check is what answers.
    page.locator("#ccin_search_k").evaluate("el => el.removeAttribute('max')")
    page.fill("#ccin_search_k", "500")
    page.click("#submit")
    expect(page.locator("#setting-error-ccin-search-api")).to_contain_text(
        "The API address must be an http:// or https:// address; the previous address was kept."
    )
    expect(page.locator("#setting-error-ccin-search-k")).to_contain_text("from 1 to 50")
    expect(field).to_have_value(wordpress_api.url)
    stored = wordpress.option("ccin_search_options")
    assert stored["api"] == wordpress_api.url
    assert stored["k"] == 7

    page.fill("#ccin_search_k", "5")  # back to the default the other tests expect
    page.click("#submit")
    expect(page.locator("#setting-error-settings_updated")).to_contain_text("Settings saved.")
    assert wordpress.option("ccin_search_options")["k"] == 5


def test_the_block_editor_offers_the_block_with_its_settings(page: Page, wordpress: WordPressSite) -> None:
    # Script errors, and any of the plugin's files failing to load. (Offline, the editor's gravatars and its
    # welcome image from wordpress.org fail too: those are not the plugin's.)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and not m.text.startswith("Failed to load") else None,
    )
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and "ccin" in r.url else None)
    page.on("requestfailed", lambda r: errors.append(f"failed {r.url}") if "ccin" in r.url else None)
    editor_script: list[str] = []
    page.on(
        "response", lambda r: editor_script.append(r.url) if "/plugins/ccin-search/block/editor.js" in r.url else None
    )
    _log_in(page, wordpress)
    page.goto(f"{wordpress.url}/wp-admin/post-new.php")
    page.wait_for_function("window.wp && wp.blocks && wp.blocks.getBlockType('ccin/search') !== undefined")
    block_type = page.evaluate(
        "(() => { const t = wp.blocks.getBlockType('ccin/search');"
        " return {title: t.title, category: t.category, attributes: Object.keys(t.attributes).sort()}; })()"
    )
    # the block.json attributes, plus what WordPress adds to every block (lock) and its "supports" (align, className)
    ours = ["api", "k", "principle", "placeholder", "council", "accent", "background", "text"]
    attributes = sorted([*ours, "align", "className", "lock"])
    assert block_type == {"title": "CCIN Search", "category": "widgets", "attributes": attributes}
    page.evaluate("wp.data.dispatch('core/block-editor').insertBlocks(wp.blocks.createBlock('ccin/search', {k: 3}))")
    placeholder = page.locator(".wp-block-ccin-search .components-placeholder")
    expect(placeholder).to_contain_text("CCIN Search")
    expect(placeholder).to_contain_text("3 results per page")
    page.evaluate(
        "(() => { const [b] = wp.data.select('core/block-editor').getBlocks().filter((x) => x.name === 'ccin/search');"
        " wp.data.dispatch('core/block-editor').selectBlock(b.clientId); })()"
    )
    page.evaluate("wp.data.dispatch('core/edit-post').openGeneralSidebar('edit-post/block')")
    council = page.get_by_label("Council")
    council.fill("Kirklees Council")
    expect(placeholder).to_contain_text("3 results per page · Kirklees Council")
    markup = page.evaluate(
        "wp.blocks.serialize(wp.data.select('core/block-editor').getBlocks().filter((x) => x.name === 'ccin/search'))"
    )
    assert markup == '<!-- wp:ccin/search {"k":3,"council":"Kirklees Council"} /-->'
    assert len(editor_script) == 1
    assert errors == []


def test_deleting_the_plugin_removes_its_option(wordpress: WordPressSite, tmp_path: Path) -> None:
    # WordPress runs uninstall.php when the plugin is deleted; put the option back afterwards for the other tests.
    before = wordpress.option("ccin_search_options")
    assert before["api"]
    script = tmp_path / "uninstall.php"
    script.write_text(
        "<?php require_once ABSPATH . 'wp-load.php'; require_once ABSPATH . 'wp-admin/includes/plugin.php';"
        " uninstall_plugin( 'ccin-search/ccin-search.php' );"
        " echo wp_json_encode( get_option( 'ccin_search_options' ) );"
        " update_option( 'ccin_search_options', json_decode( $argv[1], true ) );",
        encoding="utf-8",
    )
    assert wordpress.php(script, json.dumps(before)) == "false"
    assert wordpress.option("ccin_search_options") == before
