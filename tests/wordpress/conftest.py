"""WordPress fixtures: the plugin's zip, the real API on loopback allowing the WordPress origin, and a real
WordPress site (Debian's MariaDB and WordPress, started per session) with the plugin installed from that zip.
Chromium is the session's shared one (tests/chromium.py); each test gets a fresh context and page as in
tests/browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import context, page  # noqa: F401  (per-test fixtures shared with tests/browser)
from tests.chromium import shared_chromium
from tests.conftest import LiveServer, make_settings
from tests.servers import free_port
from tests.wordpress.site import WordPressSite, start_site
from wordpress.build_zip import build


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """The session's one Chromium, the same instance tests/browser uses."""
    with shared_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="session")
def plugin_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plugin as `make wordpress-plugin` packs it."""
    return build(tmp_path_factory.mktemp("plugin-zip") / "ccin-search.zip")


@pytest.fixture(scope="session")
def wordpress_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def wordpress_api(sample_index: Path, wordpress_port: int) -> Iterator[LiveServer]:
    """The real app on the sample index, allowing browser calls from the WordPress site's origin only."""
    settings = make_settings(sample_index, cors_origins=f"http://127.0.0.1:{wordpress_port}", rate_limit_per_minute=0)
    with LiveServer(settings) as server:
        yield server


@pytest.fixture(scope="session")
def wordpress(
    tmp_path_factory: pytest.TempPathFactory, plugin_zip: Path, wordpress_api: LiveServer, wordpress_port: int
) -> Iterator[WordPressSite]:
    """WordPress on http://127.0.0.1:PORT with the plugin active, its API address set to `wordpress_api`, and
    the posts of setup_site.php published. Stopped (database included) at the end of the session."""
    site = start_site(tmp_path_factory.mktemp("wordpress"), plugin_zip, wordpress_api.url, wordpress_port)
    try:
        yield site
    finally:
        site.stop()
