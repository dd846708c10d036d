"""Browser tests: the real app served by waitress on a free port, driven in Debian's Chromium.

A failing test leaves a screenshot in ``test-artifacts/`` (not committed).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser
from playwright.sync_api import Page
from waitress.server import create_server

from tools.browser import sign_in as browser_sign_in

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse"


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path, migrated_template: Path) -> str:
    """Browser tests run on SQLite only: they prove what people see and do, which does not
    depend on the database; every engine and page test runs on PostgreSQL too. With the
    scenario ``staff``, a copy of the staffed template (tests/conftest.py)."""
    staffed = "staffed_template" in request.fixturenames
    path = tmp_path / "aftercare.db"
    shutil.copy(request.getfixturevalue("staffed_template") if staffed else migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        # Closed from its own loop: closing the sockets from here races with the loop's poll
        # of them ("Bad file descriptor" in the server thread).
        def stop() -> None:
            for channel in list(server._map.values()):
                channel.close()

        server.trigger.pull_trigger(stop)
        thread.join(timeout=10)
        server.task_dispatcher.shutdown()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    if report.when == "call" and report.failed:
        for page in getattr(item, "open_pages", []):
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{item.name}-{id(page)}.png"), full_page=True)
    return report


@pytest.fixture
def new_page(request: pytest.FixtureRequest, browser: Browser, live_server: str) -> Iterator[Callable[..., Page]]:
    """Pages of separate browser contexts (separate sign-ins), closed after the test."""
    contexts = []

    def _new_page(width: int = 1280, height: int = 900) -> Page:
        context = browser.new_context(base_url=live_server, viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        request.node.open_pages = [*getattr(request.node, "open_pages", []), page]
        return page

    yield _new_page
    for context in contexts:
        context.close()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    browser_sign_in(page, username, password)
