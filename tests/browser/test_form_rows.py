"""Rows in Chromium: the engineer adds a second parts line with the button, sees each line's
amount as it is typed, and the total is computed on completion."""

from __future__ import annotations

from playwright.sync_api import expect

from engine.services import cases
from engine.services import tasks
from tests.browser.conftest import PASSWORD
from tests.browser.conftest import sign_in
from tests.webapp.test_form_types import PARTS_USED


def test_a_second_parts_line_is_added_priced_and_totalled(ctx, make_user, deploy, new_page) -> None:
    deploy({"repair.bpmn": PARTS_USED})
    engineer = make_user("wang", "engineer", password=PASSWORD)
    case = cases.start_case(ctx, engineer, "repair", {})
    item = next(t for t in tasks.list_tasks(ctx, engineer) if t.case_id == case.id)
    page = new_page(375, 812)
    sign_in(page, "wang")
    page.goto(f"/tasks/{item.id}")
    page.fill("[name=parts-0-part_no]", "YB-32")
    page.fill("[name=parts-0-qty]", "2")
    page.fill("[name=parts-0-unit_price]", "180.5")
    expect(page.locator("[name=parts-0-amount]")).to_have_attribute("placeholder", "= 361")
    page.click("button.add-row[data-rows=parts]")
    expect(page.locator("[name=parts-1-part_no]")).to_be_focused()
    expect(page.locator("[name=parts-1-qty]")).to_have_value("")
    page.fill("[name=parts-1-part_no]", "MS-8")
    page.fill("[name=parts-1-qty]", "4")
    page.fill("[name=parts-1-unit_price]", "12")
    page.click("main form button[value=complete]")
    expect(page.locator(".alert, .flash").first).to_be_visible()
    data = cases.get_case(ctx, engineer, case.id).data
    assert [row["amount"] for row in data["parts"]] == ["361.00", "48.00"]  # 2 × 180.5, 4 × 12
    assert data["parts_fee"] == "409.00"
