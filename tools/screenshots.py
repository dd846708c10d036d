"""README screenshots: the product on its demo data, in Chromium, as a user sees it.

Usage: python -m tools.screenshots [OUT_DIR]   (needs ``make assets``; uses a throw-away database)
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

from waitress.server import create_server

from engine.domain.actors import Actor
from engine.domain.config import EngineConfig
from engine.services import EngineContext
from engine.services import demo_data
from engine.services import installation
from engine.services import processes
from tools.browser import chromium
from tools.browser import sign_in
from webapp import create_app

ROOT = Path(__file__).resolve().parents[1]
SYSTEM = Actor.system("screenshots")


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        config = EngineConfig(database_url=f"sqlite:///{tmp}/demo.db")
        ctx = EngineContext(config)
        installation.init_database(ctx, SYSTEM)
        processes.load_directory(ctx, SYSTEM, ROOT / "processes")
        list(demo_data.load(ctx))
        ctx.dispose()
        app = create_app({"ENGINE_CONFIG": config, "SECRET_KEY": "screenshots"})
        server = create_server(app, host="127.0.0.1", port=0)
        threading.Thread(target=server.run, daemon=True).start()
        base = f"http://127.0.0.1:{server.effective_port}"
        try:
            with chromium() as browser:
                shoot(browser, base, out)
        finally:
            server.close()


def shoot(browser, base: str, out: Path) -> None:  # type: ignore[no-untyped-def]
    desk = browser.new_context(base_url=base, viewport={"width": 375, "height": 760})
    page = desk.new_page()
    sign_in(page, "quality_office", demo_data.DEMO_PASSWORD)
    page.goto("/tasks/")
    page.screenshot(path=str(out / "inbox-375.png"), full_page=True)
    page.click("li.task[data-task='triage'] a")
    page.click("main form button[value=complete]")  # nothing chosen: the form comes back with messages
    page.screenshot(path=str(out / "task-form-errors-375.png"), full_page=True)
    wide = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
    page = wide.new_page()
    sign_in(page, "quality_office", demo_data.DEMO_PASSWORD)
    page.goto("/cases/?q=MX2025-0420")
    page.click("table.cases tbody a")
    page.wait_for_selector('.diagram-canvas[data-rendered="true"]')
    page.screenshot(path=str(out / "case-page.png"), full_page=False)
    page.goto("/tasks/")
    page.screenshot(path=str(out / "inbox.png"))
    shoot_modeler(browser.new_context(base_url=base, viewport={"width": 1400, "height": 950}).new_page(), out)
    quality = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900}).new_page()
    sign_in(quality, "quality_manager", demo_data.DEMO_PASSWORD)
    quality.goto("/quality/")
    quality.screenshot(path=str(out / "quality-dashboard.png"), full_page=True)
    quality.goto("/quality/approvals")
    quality.screenshot(path=str(out / "approvals.png"))
    for name in (
        "inbox-375.png",
        "task-form-errors-375.png",
        "case-page.png",
        "inbox.png",
        "modeler.png",
        "validation.png",
    ):
        print(out / name)


def _click_element(page, element_id: str) -> None:  # type: ignore[no-untyped-def]
    page.evaluate(
        """(id) => { const m = window.aftercareWorkspace.bpmn, c = m.get('canvas');
                     c.zoom(1); c.scrollToElement(m.get('elementRegistry').get(id)); }""",
        element_id,
    )
    box = page.locator(f'g.djs-element[data-element-id="{element_id}"]').bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def shoot_modeler(page, out: Path) -> None:  # type: ignore[no-untyped-def]
    """The modeler with a user task's Camunda properties, then a check that finds a broken condition."""
    sign_in(page, "process_owner", demo_data.DEMO_PASSWORD)
    page.goto("/studio/onsite_repair/edit")
    page.wait_for_selector("[data-modeler][data-ready=true]", state="attached")
    _click_element(page, "service")
    for group in ("general", "CamundaPlatform__UserAssignment", "CamundaPlatform__Form"):
        page.click(f'[data-group-id="group-{group}"] .bio-properties-panel-group-header')
    page.screenshot(path=str(out / "modeler.png"))
    _click_element(page, "f_gw_paid__quote")
    page.click('[data-group-id="group-CamundaPlatform__Condition"] .bio-properties-panel-group-header')
    page.fill("#bio-properties-panel-conditionExpression", "service_type ==")
    page.keyboard.press("Tab")
    page.click('[data-part="check"]')
    page.wait_for_selector('[data-part="problems"] tr.severity-error')
    page.locator('[data-part="problems"] tr.severity-error').first.click()
    page.locator("section.problems").scroll_into_view_if_needed()
    page.screenshot(path=str(out / "validation.png"), full_page=True)


if __name__ == "__main__":
    main()
