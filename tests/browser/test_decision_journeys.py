"""Decisions in Chromium, on a desk and on a phone: the division head sees the refund's amount
and kind before deciding and cannot send an approval without choosing; the dispatcher picks the
engineer from a list and later hands the job to another from the team board."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_staff_journeys import fits
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import to_solution

SIZES = pytest.mark.parametrize(("width", "height"), [(1440, 900), (375, 812)], ids=["desk", "phone"])


def open_task(page: Page, task: str) -> None:
    page.goto(f"/tasks/?task={task}")
    with page.expect_navigation():  # measured on the task page, not on the inbox it leaves
        page.click(f"li.task[data-task='{task}'] a")
    fits(page)


@SIZES
def test_the_division_head_sees_the_refund_and_must_choose(staff, start, new_page, width, height) -> None:  # noqa: F811
    case = start("service_request")
    to_solution(case, "exchange")
    case.do(
        "quality_office",
        "check",
        {"exchange_reason": "defect", "cause": "assembly", "responsible_department": "production", "eligible": True},
    )
    case.do("sales", "sales_confirm", {"sales_confirmed": True, "exchange_kind": "refund", "amount": "68000"})
    case.do("quality_office", "notice", {"notice_no": "TH-2026-007", "notice_items": "AWP-12 整机 1 台"})
    page = new_page(width, height)
    sign_in(page, "division_head")
    open_task(page, "approve_division")
    facts = page.locator("#decision-facts")
    expect(facts).to_be_visible()
    assert facts.locator("[data-field=amount]").inner_text() == "68000"
    assert facts.locator("[data-field=exchange_kind]").inner_text() == "退货退款"  # the option named in the diagram
    assert facts.locator("[data-field=notice_no]").inner_text() == "TH-2026-007"
    box = facts.bounding_box()
    form = page.locator("main form.stack").bounding_box()
    assert box and form and box["y"] < form["y"]  # the facts come before the form
    # Neither choice is picked; sending without one is refused and what was typed stays.
    assert not page.locator("[name=division_approved]:checked").count()
    page.fill("[name=division_approved_comment]", "金额较大，请说明原因")
    page.click("main form button[value=complete]")
    expect(page.locator("#error-division_approved")).to_be_visible()
    expect(page.locator("[name=division_approved_comment]")).to_have_value("金额较大，请说明原因")
    assert case.open() == ["approve_division"]  # nothing was decided
    page.check("[name=division_approved][value=true]")
    page.click("main form button[value=complete]")
    expect(page.locator("p.flash.success")).to_be_visible()
    assert case.open() == ["approve_gm"]  # refunds go on to the general manager
    fits(page)


@SIZES
def test_the_dispatcher_picks_an_engineer_and_re_dispatches_from_the_board(
    staff,  # noqa: F811
    start,  # noqa: F811
    make_user,
    new_page,
    width,
    height,
) -> None:
    make_user("li", "engineer")
    case = start("service_request")
    to_solution(case, "onsite")
    page = new_page(width, height)
    sign_in(page, "dispatcher")
    open_task(page, "dispatch")
    picker = page.locator("select[name=engineer]")
    offered = picker.locator("option").evaluate_all("options => options.map(o => o.value).filter(Boolean)")
    assert sorted(offered) == ["engineer", "li", "wang"]  # every active engineer, nobody else
    picker.select_option("wang")
    page.fill("[name=distance_km]", "120")
    page.click("main form button[value=complete]")
    expect(page.locator("p.flash.success")).to_be_visible()
    assert case.task("engineer_wang", "prepare").assignee == "wang"
    # Later wang is ill: the dispatcher hands his job to li from the team board.
    page.goto("/tasks/board")
    fits(page)
    row = page.locator("#board tr[data-task=prepare]")
    expect(row.locator("td.holder")).to_contain_text("wang")
    row.locator("select[name=assignee]").select_option("li")
    row.locator("form.reassign button").click()
    expect(page.locator("p.flash.success")).to_be_visible()
    expect(page.locator("#board tr[data-task=prepare] td.holder")).to_contain_text("li")
    fits(page)
    engineer = new_page(width, height)
    sign_in(engineer, "li")
    engineer.goto("/tasks/?scope=mine")
    expect(engineer.locator("li.task[data-task=prepare]")).to_have_count(1)
