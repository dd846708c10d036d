"""Headless Chromium (Debian's package) driven by Playwright, for diagram pictures and browser tests.

Playwright's own browser downloads are never used: the machine's ``/usr/bin/chromium`` is,
started with the flags a closed network needs (no background connections, no sandbox as root).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("AFTERCARE_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DIST = Path(__file__).resolve().parents[1] / "webapp" / "static" / "dist"


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def viewer_page(browser: Browser, width: int = 1600, height: int = 900) -> Page:
    """A blank page with the built diagram viewer (``make assets``) loaded."""
    if not (DIST / "viewer.js").exists():
        raise FileNotFoundError(f"{DIST / 'viewer.js'} is missing: run `make assets` (npm + esbuild) first")
    page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
    page.set_content(
        '<!doctype html><html><body style="margin:0;background:#fff">'
        f'<div id="canvas" style="width:{width}px;height:{height}px"></div></body></html>'
    )
    page.add_style_tag(path=str(DIST / "viewer.css"))
    page.add_script_tag(path=str(DIST / "viewer.js"))
    return page


def show_diagram(page: Page, xml: str, done: list[str] | None = None, current: list[str] | None = None) -> Any:
    """Import ``xml`` into the viewer; returns {"warnings": [...], "drawn": [element ids]}."""
    return page.evaluate(
        """async ([xml, done, current]) => {
            const result = await AftercareViewer.render(document.getElementById("canvas"), xml, {done, current});
            return {warnings: result.warnings, drawn: result.drawn};
        }""",
        [xml, done or [], current or []],
    )


def sign_in(page: Page, username: str, password: str) -> None:
    """Sign in through the form (not the header's language buttons, also submit buttons)."""
    page.goto("/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/auth/login" not in url)
