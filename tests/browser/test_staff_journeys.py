"""Staff work a case in the browser: sign in, find the task in the inbox, fill its form, sign out."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from engine.services import case_views
from engine.services import cases
from engine.services import processes
from tests.actors import SYSTEM
from tests.browser.conftest import sign_in
from tests.processes.conftest import PROCESSES

ROLES = ("service_desk", "quality_office", "tech_support", "dispatcher")


@pytest.fixture
def people(ctx, make_user):
    processes.load_directory(ctx, SYSTEM, PROCESSES)
    staff = {role: make_user(role, role) for role in ROLES}
    staff["wang"] = make_user("wang", "engineer")
    return staff


def sign_out(page: Page) -> None:
    page.click("header form[action$='/auth/logout'] button")
    page.wait_for_url("**/auth/login")


def fill(page: Page, values: dict[str, Any]) -> None:
    for name, value in values.items():
        control = page.locator(f"main form [name='{name}']").first
        kind = control.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind == "input:radio":  # a decision: one of two named choices
            page.check(f"main form [name='{name}'][value='{str(value).lower()}']")
        elif kind == "input:checkbox":
            control.set_checked(bool(value))
        elif kind.startswith("select"):
            control.select_option(str(value))
        else:
            control.fill(str(value))


def fits(page: Page) -> None:
    """Nothing wider than the screen: no sideways scrolling on a phone."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def work(page: Page, user: str, task: str, values: dict[str, Any]) -> None:
    """``user`` signs in, opens ``task`` from the inbox, completes it and signs out."""
    sign_in(page, user)
    page.goto(f"/tasks/?task={task}")
    fits(page)
    page.click(f"li.task[data-task='{task}'] a")
    fits(page)
    fill(page, values)
    page.click("main form button[value=complete]")
    expect(page.locator("p.flash.success")).to_be_visible()
    sign_out(page)


def test_an_onsite_repair_from_intake_to_the_survey_by_five_people(ctx, people, new_page) -> None:
    page = new_page(375, 812)  # a phone at the customer's site
    sign_in(page, "service_desk")
    page.goto("/cases/new/service_request")
    page.click("main form button[type=submit]")
    number = page.locator("h1").inner_text()
    assert number.startswith("SR-")
    sign_out(page)
    work(page, "service_desk", "register", {
        "channel": "phone", "customer": "华东示例重工有限公司", "contact_phone": "021-1234 5678",
        "product_model": "AWP-12", "serial_number": "AW2026-0101", "delivery_date": "2025-06-01",
        "fault_description": "液压系统漏油", "request_kind": "fault",
    })  # fmt: skip
    work(page, "quality_office", "triage", {
        "product_category": "own", "under_warranty": True, "has_contract": False, "misuse": False, "distance_km": 120,
    })  # fmt: skip
    work(page, "tech_support", "guidance", {"resolved": False, "guidance_note": "电话指导未能排除"})
    work(page, "quality_office", "choose_way", {"solution": "onsite"})
    work(page, "dispatcher", "dispatch", {"engineer": "wang", "distance_km": 120, "visit_plan": "明日上午"})
    work(page, "wang", "prepare", {"plan_confirmed": True, "parts_slip": "ERP-7"})
    work(page, "wang", "service", {
        "arrived_at": "2026-03-03", "diagnosis": "密封圈老化", "tampered": False, "repaired": True,
        "whole_unit_checked": True,
    })  # fmt: skip
    work(page, "service_desk", "feedback", {"feedback_signed_by": "李经理"})  # for the customer, by phone
    work(page, "quality_office", "approve_leave", {"leave": "approved"})
    work(page, "wang", "trip_report", {"trip_report_text": "更换密封圈", "expenses": "860.00"})
    work(page, "quality_office", "verify", {"satisfaction_verified": True, "expenses_approved": True})
    work(page, "service_desk", "rate", {
        "rating_attitude": "very_satisfied", "rating_skill": "satisfied", "rating_arrival": "satisfied",
        "rating_promises": "satisfied",
    })  # fmt: skip
    listed, _total = case_views.list_cases(ctx, people["quality_office"], q=number)
    found = cases.get_case(ctx, SYSTEM, listed[0].id)
    assert found.status == "running" and found.next_timer_at is not None  # the follow-up call in a month
    assert found.data["rating_attitude"] == "very_satisfied"


def test_a_form_with_an_error_comes_back_with_what_was_typed(ctx, people, new_page) -> None:
    cases.start_case(ctx, people["service_desk"], "service_request", {})
    page = new_page()
    sign_in(page, "service_desk")
    page.goto("/tasks/?task=register")
    page.click("li.task[data-task='register'] a")
    fill(page, {"customer": "蓝海示例医疗器械", "contact_phone": "电话待补", "fault_description": "加热不工作"})
    page.click("main form button[value=complete]")
    expect(page.locator("#error-contact_phone")).to_be_visible()
    expect(page.locator("#error-product_model")).to_be_visible()  # required, left empty
    expect(page.locator("main form [name=customer]")).to_have_value("蓝海示例医疗器械")
    expect(page.locator("main form [name=fault_description]")).to_have_value("加热不工作")
    page.locator("main form [name=contact_phone]").fill("0571-8888 0000")
    page.click("main form button[value=draft]")
    expect(page.locator("p.flash.success")).to_be_visible()
    page.reload()
    expect(page.locator("main form [name=contact_phone]")).to_have_value("0571-8888 0000")  # the draft


def test_the_language_switch_changes_every_page(ctx, people, new_page) -> None:
    page = new_page()
    sign_in(page, "quality_office")
    expect(page.locator("h1")).to_contain_text("待办")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.click("#lang-en")
    expect(page.locator("h1")).to_contain_text("Inbox")
    page.goto("/cases/")
    expect(page.locator("header")).to_contain_text("Sign out")
    page.click("#lang-zh_Hans_CN")
    expect(page.locator("header")).to_contain_text("退出")
