"""Staff work a case in the browser: sign in, find the task in the inbox, fill its form, sign out."""

from __future__ import annotations

import re
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

# One person per role, named as people are (a raw role id on a page is then a defect, not a name).
PEOPLE = {
    "service_desk": "zhou",
    "quality_office": "qian",
    "tech_support": "sun",
    "dispatcher": "zhao",
    "finance": "wu",
}
DESK, OFFICE, SUPPORT, DISPATCHER, FINANCE = PEOPLE.values()
RECEIPT = {"name": "ticket.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64}


@pytest.fixture
def people(ctx, make_user):
    processes.load_directory(ctx, SYSTEM, PROCESSES)
    staff = {role: make_user(name, role) for role, name in PEOPLE.items()}
    staff["wang"] = make_user("wang", "engineer")
    return staff


def sign_out(page: Page) -> None:
    page.click("header form[action$='/auth/logout'] button")
    page.wait_for_url("**/auth/login")


def fill(page: Page, values: dict[str, Any]) -> list[str]:
    """Fill the form; the values typed as text (not chosen), which are the case's own data."""
    typed = []
    for name, value in values.items():
        control = page.locator(f"main form [name='{name}']").first
        kind = control.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind == "input:radio":  # a decision: one of two named choices
            page.check(f"main form [name='{name}'][value='{str(value).lower()}']")
        elif kind == "input:checkbox":
            control.set_checked(bool(value))
        elif kind == "input:file":
            control.set_input_files(value)
        elif kind.startswith("select"):
            control.select_option(str(value))
        else:
            control.fill(str(value))
            typed.append(str(value))
    return typed


def fits(page: Page) -> None:
    """Nothing wider than the screen: no sideways scrolling on a phone."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")
WORD = re.compile(r"[A-Za-z]{2,}")
# Latin words a Chinese page may show: file formats and units, the product's own name for itself.
# ERP: the company's ERP system, named so in the policy's own Chinese text.
LATIN_ALLOWED = {"CSV", "XLSX", "PDF", "PNG", "JPEG", "KB", "MB", "ERP", "Office"}
# The page's words as people meet them: visible text, titles, placeholders, labels for screen
# readers. Left out: the switch to the other language (named in that language, as is usual)
# and bpmn-js's "Powered by bpmn.io" mark, which its licence keeps on every diagram.
TEXT_OF_PAGE = """() => {
  const skip = '[id^=lang-], .bjs-powered-by';
  const skipped = [...document.querySelectorAll(skip)];
  skipped.forEach(e => { e.dataset.display = e.style.display; e.style.display = 'none'; });
  const labelled = [...document.querySelectorAll('[placeholder], [title], [aria-label], [alt]')]
    .filter(e => !e.closest(skip));
  const text = [document.title, document.body.innerText,
    ...labelled.flatMap(e => ['placeholder', 'title', 'aria-label', 'alt'].map(a => e.getAttribute(a) || ''))];
  skipped.forEach(e => { e.style.display = e.dataset.display; });
  return text.join('\\n');
}"""


class OneLanguage:
    """Every page a journey visits shows one language: Chinese pages no English words, English
    pages no Chinese, except the case's own data (what people typed, names, numbers)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.data: set[str] = set()
        self.found: dict[str, set[str]] = {}

    def allow(self, *values: object) -> None:
        self.data.update(str(value) for value in values if value not in (None, ""))

    def check(self, page: Page) -> None:
        text = page.evaluate(TEXT_OF_PAGE)
        for value in sorted(self.data, key=len, reverse=True):
            text = text.replace(value, " ")
        if self.language == "en":
            wrong = set(CJK.findall(text))
        else:
            wrong = {word for word in WORD.findall(text) if word not in LATIN_ALLOWED}
        if wrong:
            self.found.setdefault(page.url.split("?")[0], set()).update(wrong)


def work(page: Page, user: str, task: str, values: dict[str, Any], language: OneLanguage | None = None) -> None:
    """``user`` signs in, opens ``task`` from the inbox, completes it and signs out."""
    sign_in(page, user)
    page.goto(f"/tasks/?task={task}")
    fits(page)
    if language:
        language.check(page)
    with page.expect_navigation():  # measured on the task page, not on the inbox it leaves
        page.click(f"li.task[data-task='{task}'] a")
    fits(page)
    if language:
        language.check(page)
    typed = fill(page, values)
    if language:  # from here on the case shows what was typed; option ids are never allowed
        language.allow(*typed)
    with page.expect_navigation():
        page.click("main form button[value=complete]")
    expect(page.locator("p.flash.success")).to_be_visible()
    if language:
        language.check(page)
    sign_out(page)


REGISTER = {
    "channel": "phone", "customer": "华东示例重工有限公司", "contact_phone": "021-1234 5678",
    "product_model": "AWP-12", "serial_number": "AW2026-0101", "delivery_date": "2025-06-01",
    "fault_description": "液压系统漏油", "request_kind": "fault",
}  # fmt: skip


@pytest.mark.parametrize(
    ("language", "width", "height"),
    [("zh_Hans_CN", 375, 812), ("en", 1440, 900)],  # a phone at the customer's site; a desk
    ids=["chinese-phone", "english-desk"],
)
def test_an_onsite_repair_from_intake_to_the_survey_by_six_people(
    ctx, people, new_page, language: str, width: int, height: int
) -> None:
    page = new_page(width, height)
    page.goto("/auth/login")
    if language == "en":  # Chinese is the default; the choice is kept across every sign-in that follows
        page.click("#lang-en")
    seen = OneLanguage(language)
    seen.allow(*PEOPLE.values(), "wang", RECEIPT["name"])  # people's names, the receipt's file
    sign_in(page, DESK)
    page.goto("/cases/new/service_request")
    seen.check(page)
    page.click("main form button[type=submit]")
    number = page.locator("h1").inner_text()
    assert number.startswith("SR-")
    seen.allow(number)
    sign_out(page)
    work(page, DESK, "register", REGISTER, seen)
    work(page, OFFICE, "triage", {
        "product_category": "own", "under_warranty": True, "has_contract": False, "misuse": False, "distance_km": 120,
    }, seen)  # fmt: skip
    work(page, SUPPORT, "guidance", {"resolved": False, "guidance_note": "电话指导未能排除"}, seen)
    work(page, OFFICE, "choose_way", {"solution": "onsite"}, seen)
    work(page, DISPATCHER, "dispatch", {"engineer": "wang", "distance_km": 120, "visit_plan": "明日上午"}, seen)
    work(page, "wang", "prepare", {"plan_confirmed": True, "parts_slip": "ERP-7"}, seen)
    work(page, "wang", "service", {
        "arrived_at": "2026-03-03T10:00", "diagnosis": "密封圈老化", "cause": "assembly",
        "responsible_department": "production", "tampered": False, "repaired": True,
        "whole_unit_checked": True,
    }, seen)  # fmt: skip
    work(
        page, DESK, "feedback", {"answered_by": "phone", "feedback_signed_by": "李经理"}, seen
    )  # for the customer, by phone
    work(page, OFFICE, "approve_leave", {"leave": "approved"}, seen)
    work(page, "wang", "trip_report", {
        "trip_report_text": "更换密封圈", "expense_lines-0-kind": "transport", "expense_lines-0-item": "高铁往返",
        "expense_lines-0-amount": "480", "receipts": RECEIPT,
    }, seen)  # fmt: skip
    work(page, OFFICE, "verify", {"satisfaction_verified": True, "expenses_approved": True}, seen)  # in full
    work(page, FINANCE, "reimburse", {
        "reimbursed_amount": "480.00", "reimbursement_voucher": "BX-0001", "reimbursed_on": "2026-03-12",
    }, seen)  # fmt: skip
    work(page, DESK, "rate", {
        "answered_by": "phone", "rating_attitude": "very_satisfied", "rating_skill": "satisfied",
        "rating_arrival": "satisfied", "rating_promises": "satisfied",
    }, seen)  # fmt: skip
    listed, _total = case_views.list_cases(ctx, people["quality_office"], q=number)
    found = cases.get_case(ctx, SYSTEM, listed[0].id)
    assert found.status == "running" and found.next_timer_at is not None  # the follow-up call in a month
    assert found.data["rating_attitude"] == "very_satisfied"
    assert [item["file"] for item in found.data["receipts"]] == ["ticket.png"]  # kept with the case
    sign_in(page, OFFICE)
    for path in (f"/cases/{found.id}", "/cases/", "/tasks/board"):  # the record, the list, the board
        page.goto(path)
        page.wait_for_selector(".diagram-canvas[data-rendered], #cases, #board")
        fits(page)
        seen.check(page)
    # The check reads what people read: the case's own data is on the page, in its own script,
    # and the page frame is in the chosen language.
    page.goto(f"/cases/{found.id}")
    page.wait_for_selector(".diagram-canvas[data-rendered]")
    text = page.evaluate(TEXT_OF_PAGE)
    assert REGISTER["customer"] in text and REGISTER["product_model"] in text
    assert ("Inbox" if language == "en" else "待办") in text
    main = page.locator("main").bounding_box()
    assert main and main["width"] >= 0.9 * width  # full width on a desk, no empty third
    receipt = page.locator("#record a.record-file, a.record-file").first
    assert receipt.inner_text() == "ticket.png"
    assert page.request.get(receipt.get_attribute("href") or "").body() == RECEIPT["buffer"]
    lanes = page.locator(".diagram-canvas").first.inner_text()  # the lane written "service_desk"
    assert ("Service desk" if language == "en" else "客服专员") in lanes and "service_desk" not in lanes
    assert seen.found == {}, "\n".join(f"{url}: {sorted(words)}" for url, words in seen.found.items())


def test_a_form_with_an_error_comes_back_with_what_was_typed(ctx, people, new_page) -> None:
    cases.start_case(ctx, people["service_desk"], "service_request", {})
    page = new_page()
    sign_in(page, DESK)
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
    sign_in(page, OFFICE)
    expect(page.locator("h1")).to_contain_text("待办")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.click("#lang-en")
    expect(page.locator("h1")).to_contain_text("Inbox")
    page.goto("/cases/")
    expect(page.locator("header")).to_contain_text("Sign out")
    page.click("#lang-zh_Hans_CN")
    expect(page.locator("header")).to_contain_text("退出")
