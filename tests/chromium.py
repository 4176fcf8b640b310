"""One real headless Chromium (Debian's, driven by playwright) per test session, shared by every folder of tests
that needs a browser: playwright's sync API allows one running instance per thread, so two conftests that each
started their own would fail as soon as both ran in one session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


class _SharedChromium:
    """Started by the first user, stopped when the last one lets go."""

    def __init__(self) -> None:
        self.users = 0
        self.playwright: Playwright | None = None
        self.browser: Browser | None = None

    def acquire(self) -> Browser:
        if self.browser is None:
            if not CHROMIUM.is_file():
                pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make system` (as root) to install it")
            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        self.users += 1
        return self.browser

    def release(self) -> None:
        self.users -= 1
        if self.users == 0 and self.browser is not None and self.playwright is not None:
            self.browser.close()
            self.playwright.stop()
            self.browser = self.playwright = None


_SHARED = _SharedChromium()


@contextmanager
def shared_chromium() -> Iterator[Browser]:
    """The session's Chromium, started on first use (a session fixture in each conftest wraps this)."""
    browser = _SHARED.acquire()
    try:
        yield browser
    finally:
        _SHARED.release()
