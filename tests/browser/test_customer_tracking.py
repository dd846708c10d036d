"""The customer's pages on a phone in Chromium: the desk copies a link from the case page, the
customer opens it signed out — follows the case and switches to English, or accepts a quote; the
engineer hands over the phone and the customer signs the feedback form with a finger."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_staff_journeys import fits
from tests.priced import QUOTE_860
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import OUT_OF_WARRANTY
from tests.processes.journeys import dispatch_and_repair
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
    case.do("finance", "quote", QUOTE_860)
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


def test_the_engineer_hands_over_the_phone_and_the_customer_signs_with_a_finger(staff, start, new_page) -> None:  # noqa: F811
    """S2 7.2.6: after the repair the customer signs the feedback form on site."""
    case = start("service_request")
    to_solution(case, "onsite")
    dispatch_and_repair(case)
    phone = new_page(375, 812)  # the engineer's phone
    sign_in(phone, "wang")
    phone.goto(f"/cases/{case.id}")
    phone.click("button.give-step-link[data-task=feedback]")
    phone.click("#links details.handover summary")
    expect(phone.locator("#links img.link-qr")).to_be_visible()
    phone.click("#links a.handover-open")  # the customer now holds the phone
    expect(phone.locator(".signature-pad[data-ready=true]")).to_be_visible()
    fits(phone)
    phone.fill("[name=feedback_signed_by]", "李经理")
    box = phone.locator(".signature-canvas").bounding_box()
    assert box and box["width"] > 300  # as wide as the phone allows
    phone.mouse.move(box["x"] + 30, box["y"] + 60)
    phone.mouse.down()
    for step in range(1, 12):  # a stroke across the box
        phone.mouse.move(box["x"] + 30 + 22 * step, box["y"] + 60 + (25 if step % 2 else -15), steps=3)
    phone.mouse.up()
    expect(phone.locator(".signature-pad")).to_have_attribute("data-signed", "true")
    phone.click("main form button[type=submit]")
    expect(phone.locator("#thanks")).to_be_visible()
    assert case.open() == ["approve_leave"]
    office = new_page()
    sign_in(office, "quality_office")
    office.goto(f"/cases/{case.id}")
    image = office.locator("[data-field=customer_signature] figure.signature img")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 300")  # the drawing, at the phone's width
