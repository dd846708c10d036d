"""The version comparison drawn in Chromium: changed elements coloured on the newer diagram."""

from __future__ import annotations

from tests.browser.conftest import sign_in
from tests.processes.conftest import PROCESSES


def test_changed_elements_are_coloured_on_the_newer_diagram(make_user, deploy, new_page) -> None:
    make_user("owner", "process_owner")
    source = (PROCESSES / "follow_up.bpmn").read_bytes()
    deploy({"follow_up.bpmn": source})
    changed = source.replace(
        b"camunda:dueDate=\"due('follow_up_call', now())\"", b'camunda:dueDate="add_working_days(now(), 1)"'
    )
    assert changed != source
    deploy({"follow_up.bpmn": changed})
    page = new_page()
    sign_in(page, "owner")
    page.goto("/studio/follow_up/compare?from=1&to=2")
    page.wait_for_selector('.diagram-canvas[data-rendered="true"]')
    assert page.locator("#changes tr.change-changed").count() == 1
    assert "ac-changed" in page.get_attribute('g.djs-element[data-element-id="call"]', "class")
    assert "ac-changed" not in page.get_attribute('g.djs-element[data-element-id="one_month"]', "class")
