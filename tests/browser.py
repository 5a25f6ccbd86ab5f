"""Headless Debian Chromium driven by Playwright, for the tests that need a real browser's layout
or a page's scripts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# No sandbox: tests run as root in CI. No network but the pages the test opens.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextmanager
def chromium_page(profile: Path, width: int = 1280) -> Iterator[tuple[Page, list[str]]]:
    """A page in a fresh profile `width` CSS pixels wide, and the console messages it logs."""
    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": width, "height": 900})
        try:
            page = browser.new_page()
            console: list[str] = []
            page.on("console", lambda m: console.append(m.text))
            yield page, console
        finally:
            browser.close()
