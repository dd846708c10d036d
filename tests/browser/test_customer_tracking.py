"""The customer's pages on a phone in Chromium: the desk copies a link from the case page, the
customer opens it signed out — follows the case and switches to English, or accepts a quote."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_staff_journeys import fits
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import OUT_OF_WARRANTY
from tests.processes.journeys import to_solution


def test_the_customer_follows_the_case_on_a_phone(staff, start, new_page) -> None:  # noqa: F811
    case = start("service_request")
    to_solution(case, "onsite")
    desk = new_page()
    sign_in(desk, "service_desk")
    desk.goto(f"/cases/{case.id}")
    desk.click("#give-link")
    url = desk.locator("#links .link-url").first.input_value()
    phone = new_page(375, 812)  # another browser: the customer, signed out
    phone.goto(url)
    expect(phone.locator("h1")).to_contain_text(case.info.number)
    expect(phone.locator("#now")).to_contain_text("派工")  # the dispatcher's step is open
    expect(phone.locator("#history")).to_contain_text("保修及产品类别确认")
    fits(phone)
    phone.click("#lang-en")
    expect(phone.locator("h1")).to_contain_text("Your service case")
    expect(phone.locator("#history")).to_contain_text("Warranty check")
    fits(phone)


def test_the_customer_accepts_the_quote_on_a_phone(staff, start, new_page) -> None:  # noqa: F811
    case = start("service_request")
    to_solution(case, "onsite", OUT_OF_WARRANTY)
    case.do("finance", "quote", {"labour_fee": "300.00", "parts_fee": "560.00", "quote_amount": ""})
    desk = new_page()
    sign_in(desk, "service_desk")
    desk.goto(f"/cases/{case.id}")
    desk.click("button.give-step-link[data-task=confirm_quote]")
    url = desk.locator("#links .link-url").first.input_value()
    phone = new_page(375, 812)
    phone.goto(url)
    expect(phone.locator("#decision-facts")).to_contain_text("860.00")
    fits(phone)
    phone.check("[name=quote_accepted][value=true]")
    phone.fill("[name=customer_note]", "请尽快安排")
    phone.click("main form button[type=submit]")
    expect(phone.locator("#thanks")).to_be_visible()
    assert case.open() == ["dispatch"]
