"""The case page in Chromium: the process diagram drawn by bpmn-js with done and open steps marked."""

from __future__ import annotations

from engine.services import cases
from engine.services import processes
from tests.actors import SYSTEM
from tests.browser.conftest import sign_in
from tests.processes.conftest import PROCESSES
from tests.processes.conftest import Scenario
from tests.processes.journeys import CALL
from tests.processes.journeys import IN_WARRANTY


def test_the_case_diagram_marks_done_and_open_steps(ctx, make_user, new_page) -> None:
    processes.load_directory(ctx, SYSTEM, PROCESSES)
    staff = {role: make_user(role, role) for role in ("service_desk", "quality_office", "tech_support")}
    case = Scenario(ctx, staff, cases.start_case(ctx, staff["service_desk"], "service_request", {}).id)
    case.do("service_desk", "register", CALL)
    case.do("quality_office", "triage", IN_WARRANTY)
    page = new_page()
    sign_in(page, "quality_office")
    page.goto(f"/cases/{case.id}")
    page.wait_for_selector('.diagram-canvas[data-rendered="true"]')
    element = 'g.djs-element[data-element-id="{}"]'
    assert "ac-done" in page.get_attribute(element.format("register"), "class")
    assert "ac-done" in page.get_attribute(element.format("decide_type"), "class")
    assert "ac-current" in page.get_attribute(element.format("guidance"), "class")
    assert "ac-done" not in page.get_attribute(element.format("choose_way"), "class")
    # Zoom and fit: the buttons change the diagram's scale and fit it back to the frame.
    scale = "() => window.getComputedStyle(document.querySelector('.diagram-canvas .viewport')).transform"
    fitted = page.evaluate(scale)
    page.click('button[data-zoom="zoomIn"]')
    assert page.evaluate(scale) != fitted
    assert page.get_attribute('button[data-zoom="zoomIn"]', "aria-label") == "放大"
    page.click('button[data-zoom="fit"]')
    assert page.evaluate(scale) == fitted
