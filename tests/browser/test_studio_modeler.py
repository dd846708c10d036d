"""The studio's modeler in Chromium: a process owner changes the repair diagram in the
properties panel, is stopped by a broken condition, fixes it, deploys, and the new step
reaches the inbox of a case started on the new version."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from engine.services import cases
from tests.browser.conftest import sign_in
from tests.engine.test_conformance import FILES as CONFORMANCE_FILES
from tests.processes.conftest import Scenario
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.journeys import to_solution

READY = "[data-modeler][data-ready=true]"
PANEL = '[data-part="properties"]'


def open_editor(page: Page, key: str) -> None:
    page.goto(f"/studio/{key}/edit")
    page.wait_for_selector(READY, state="attached")


def show(page: Page, element_id: str) -> dict[str, float]:
    """Zoom to 100 % around an element (the viewport only) and return its box on screen."""
    page.evaluate(
        """(id) => { const modeler = window.aftercareWorkspace.bpmn, canvas = modeler.get('canvas');
                     canvas.zoom(1); canvas.scrollToElement(modeler.get('elementRegistry').get(id)); }""",
        element_id,
    )
    box = page.locator(f'g.djs-element[data-element-id="{element_id}"]').bounding_box()
    assert box is not None
    return box


def open_group(page: Page, group: str) -> None:
    header = page.locator(f'{PANEL} [data-group-id="group-{group}"] .bio-properties-panel-group-header')
    if "open" not in (header.get_attribute("class") or ""):
        header.click()


def selected(page: Page) -> list[str]:
    return page.evaluate("() => window.aftercareWorkspace.bpmn.get('selection').get().map(e => e.businessObject.id)")


def set_condition(page: Page, flow_id: str, expression: str) -> None:
    box = show(page, flow_id)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert flow_id in selected(page)
    open_group(page, "CamundaPlatform__Condition")
    page.fill("#bio-properties-panel-conditionExpression", expression)
    page.keyboard.press("Tab")


def check(page: Page) -> str:
    """Press Check; the outcome the status line shows ("ok" or "error")."""
    page.click('[data-part="check"]')
    status = page.locator('[data-part="status"]')
    page.wait_for_function("() => ['ok', 'error'].includes(document.querySelector('[data-part=status]').dataset.kind)")
    kind = status.get_attribute("data-kind") or ""
    page.evaluate("() => { document.querySelector('[data-part=status]').dataset.kind = ''; }")
    return kind


@pytest.fixture
def repair_editor(staff, make_user, new_page) -> Page:  # noqa: F811
    """A process owner in the editor of the shipped on-site repair diagram."""
    make_user("owner", "process_owner")
    page = new_page(1400, 1000)
    sign_in(page, "owner")
    open_editor(page, "onsite_repair")
    return page


def test_owner_adds_a_step_fixes_a_broken_condition_deploys_and_the_step_reaches_the_inbox(
    ctx,
    staff,  # noqa: F811
    new_page,
    repair_editor,
) -> None:
    page = repair_editor

    # A task from the palette, dropped onto the flow from the start event: it is inserted there.
    box = show(page, "f_start__gw_paid")
    page.click(".djs-palette .entry.bpmn-icon-task")
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x - 40, y - 40)
    page.mouse.move(x, y, steps=5)
    page.mouse.click(x, y)
    page.click('.djs-context-pad .entry[data-action="replace"]')
    page.click('.djs-popup [data-id="replace-with-user-task"]')

    open_group(page, "general")
    page.fill("#bio-properties-panel-name", "安全交底 Safety briefing")
    page.fill("#bio-properties-panel-id", "safety_briefing")
    page.keyboard.press("Tab")
    open_group(page, "CamundaPlatform__Form")
    page.select_option("#bio-properties-panel-formType", "formData")
    page.click(f'{PANEL} [data-group-id="group-CamundaPlatform__FormData"] .bio-properties-panel-add-entry')
    page.fill('input[id$="formField-0-formFieldID"]', "briefed")
    page.fill('input[id$="formField-0-formFieldLabel"]', "已完成安全交底")
    page.select_option('select[id$="formField-0-formFieldType"]', "boolean")
    page.keyboard.press("Tab")

    page.click('[data-part="save"]')
    expect(page.locator('[data-part="status"]')).to_have_attribute("data-kind", "ok")
    open_editor(page, "onsite_repair")  # the draft is what the editor opens now
    drafted = page.evaluate("() => window.aftercareWorkspace.files['onsite_repair.bpmn']")
    assert 'id="safety_briefing"' in drafted and 'id="briefed"' in drafted and 'type="boolean"' in drafted

    set_condition(page, "f_gw_paid__quote", "service_type ==")
    assert check(page) == "error"
    problem = page.locator('[data-part="problems"] tr.severity-error[data-element="f_gw_paid__quote"]')
    expect(problem).to_have_count(1)
    assert "condition is not a valid expression" in problem.inner_text()
    assert problem.locator("td").nth(2).inner_text().isdigit()  # the line in the file
    page.evaluate("() => window.aftercareWorkspace.bpmn.get('selection').select([])")
    problem.click()
    assert selected(page) == ["f_gw_paid__quote"]

    set_condition(page, "f_gw_paid__quote", "service_type == 'A'")
    assert check(page) == "ok"
    page.click('[data-part="deploy"]')
    # service_request calls on-site repair: its new version is made only once the owner confirms it.
    expect(page.locator('[data-part="confirm"]')).to_be_visible()
    expect(page.locator('[data-part="confirm-list"]')).to_contain_text("service_request")
    assert page.locator('[data-part="result"] li').count() == 0
    page.click('[data-part="confirm-yes"]')
    expect(page.locator('[data-part="result"] li[data-key="service_request"]')).to_have_attribute("data-version", "2")
    expect(page.locator('[data-part="result"] li[data-key="onsite_repair"]')).to_have_attribute("data-version", "2")

    # bpmn-js wrote the whole file anew; the comparison lists only what the owner changed.
    page.goto("/studio/onsite_repair/compare?from=1&to=2")
    listed = page.eval_on_selector_all("#changes tbody tr", "rows => rows.map(r => [r.className, r.dataset.element])")
    new_flow = [element for kind, element in listed if kind == "change-added" and element != "safety_briefing"]
    assert sorted(listed) == sorted(
        [
            ["change-added", "safety_briefing"],
            ["change-added", *new_flow],  # the flow from the new step on, with the id bpmn-js gave it
            ["change-changed", "f_start__gw_paid"],  # now ends at the new step
            ["change-changed", "lane_quality_office"],  # holds the new step
        ]
    )
    assert "safety_briefing" in page.locator('#changes tr[data-element="f_start__gw_paid"]').inner_text()
    case = Scenario(ctx, staff, cases.start_case(ctx, staff["service_desk"], "service_request", {}).id)
    assert case.info.process_version == 2
    to_solution(case, "onsite")
    assert case.open() == ["safety_briefing"]
    desk = new_page(1280, 900)
    sign_in(desk, "quality_office")
    desk.goto("/tasks/")
    entry = desk.locator(".task", has_text="安全交底 Safety briefing")
    expect(entry).to_have_count(1)
    entry.locator("a").first.click()
    expect(desk.locator("main form.stack")).to_contain_text("已完成安全交底")


@pytest.mark.skipif(not CONFORMANCE_FILES, reason="../shared/conformance is not beside this checkout")
def test_every_conformance_file_opens_and_is_drawn_in_the_modeler(deploy, make_user, new_page) -> None:
    from tests import diagrams

    deploy({"linear.bpmn": diagrams.linear()})
    make_user("owner", "process_owner")
    page = new_page(1400, 1000)
    sign_in(page, "owner")
    open_editor(page, "two_steps")
    failed = {}
    for path in CONFORMANCE_FILES:
        name = f"{path.parent.name}-{path.name}"
        page.set_input_files(
            '[data-part="open"]',
            files=[{"name": name, "mimeType": "application/xml", "buffer": Path(path).read_bytes()}],
        )
        page.wait_for_function(
            "(name) => document.querySelector('[data-modeler]').dataset.shown.startsWith(name)", arg=name
        )
        shown = page.get_attribute("[data-modeler]", "data-shown")
        drawn = page.locator(".djs-container g.djs-shape").count()
        if shown != name or drawn == 0:
            failed[name] = (shown, drawn)
    assert failed == {}


def test_a_decision_table_opens_in_dmn_js_and_an_edited_cell_is_kept_in_the_draft(
    staff,  # noqa: F811
    make_user,
    new_page,
) -> None:
    make_user("owner", "process_owner")
    page = new_page(1400, 1000)
    sign_in(page, "owner")
    open_editor(page, "service_request")
    page.click('.tab[data-file="service_type_priority.dmn"]')
    page.wait_for_selector('[data-modeler][data-shown="service_type_priority.dmn"]', state="attached")
    table = page.locator(".tjs-table")
    expect(table).to_be_visible()
    cell = table.locator("td.output-cell").nth(1)  # the first rule's priority
    before = cell.inner_text().strip()
    cell.click()
    page.keyboard.press("End")
    page.keyboard.type("0")
    page.click('.tab[data-file="service_request.bpmn"]')  # leaving the tab keeps the edit in the set
    page.click('[data-part="save"]')
    expect(page.locator('[data-part="status"]')).to_have_attribute("data-kind", "ok")
    saved = page.evaluate("() => window.aftercareWorkspace.files['service_type_priority.dmn']")
    assert f"<text>{before}0</text>" in saved and f"<text>{before}</text>" not in saved
