"""The bell in Chromium: a task that lands while the page is open shows in its count without a
reload; the list names it, and opening it reads it and goes to the task."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import CALL


def test_the_bell_counts_a_task_that_lands_while_the_page_is_open(staff, start, new_page) -> None:  # noqa: F811
    office = new_page()
    sign_in(office, "quality_office")
    office.goto("/cases/")
    expect(office.locator("#bell-count")).to_be_hidden()  # nothing yet
    case = start("service_request")
    case.do("service_desk", "register", CALL)  # the warranty check lands with the quality office
    # The page polls every 30 s and whenever it becomes visible again: make it visible again.
    office.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(office.locator("#bell-count")).to_have_text("1")
    expect(office.locator("#bell-count")).to_be_visible()
    office.click("#nav-bell")
    notice = office.locator("#notices .notice.unread")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text(case.info.number)
    expect(notice).to_contain_text("保修及产品类别确认")
    notice.locator("button").click()
    triage = case.task("quality_office", "triage")
    expect(office).to_have_url(re.compile(rf"/tasks/{triage.id}$"))
    expect(office.locator("#bell-count")).to_be_hidden()
