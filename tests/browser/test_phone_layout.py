"""Every page type at 375 px, on the demo data: nothing wider than the screen (no sideways
scrolling) and every control a finger can hit (at least 40 px tall, 36 for small buttons)."""

from __future__ import annotations

from playwright.sync_api import Page

from engine.services import demo_data
from engine.services import processes
from tests.actors import SYSTEM
from tests.processes.conftest import PROCESSES
from tools.browser import sign_in

# (user, path): one of each page type; {task}, {case}, {user}, {serial}, {customer} are filled in.
PAGES = [
    (None, "/auth/login"),
    (None, "/no-such-page"),
    ("quality_office", "/tasks/"),
    ("quality_office", "/tasks/board"),
    ("quality_office", "/tasks/{task}"),
    ("quality_office", "/cases/"),
    ("quality_office", "/cases/{case}"),
    ("quality_office", "/cases/new"),
    ("service_desk", "/cases/new/service_request"),
    ("quality_office", "/profile"),
    ("quality_office", "/profile/password"),
    ("quality_office", "/notifications/"),
    ("admin", "/admin/outbox"),
    ("admin", "/admin/templates"),
    ("admin", "/admin/templates/quote_ready/zh_Hans_CN"),
    ("admin", "/admin/users"),
    ("admin", "/admin/users/{user}"),
    ("admin", "/admin/users/new"),
    ("process_owner", "/studio/"),
    ("process_owner", "/studio/onsite_repair/compare?from=1&to=1"),
    ("process_owner", "/studio/service_request/migrate?to=1"),
    ("quality_manager", "/quality/"),
    ("quality_manager", "/quality/approvals"),
    ("quality_manager", "/quality/breaches"),
    ("quality_manager", "/quality/waiting?process=onsite_repair"),
    ("quality_manager", "/quality/products"),
    ("quality_manager", "/quality/products/{serial}"),
    ("quality_manager", "/quality/customers/{customer}"),
    ("quality_manager", "/quality/cases?metric=satisfaction&bucket=met"),
]

TARGETS = "main button, main .btn, main input:not([type=hidden]), main select, header button, header .nav-link"
SMALL_TARGETS = """(selector) => [...document.querySelectorAll(selector)]
  .filter((e) => e.offsetParent !== null && !e.closest('.diagram-canvas, .echart-canvas'))
  .filter((e) => !['checkbox', 'radio'].includes(e.type))
  .filter((e) => e.getBoundingClientRect().height < (e.classList.contains('btn-sm') ? 36 : 40))
  .map((e) => `${e.tagName.toLowerCase()}${e.name ? '[name=' + e.name + ']' : ''} ${e.textContent.trim().slice(0, 20)}`
    + ` ${Math.round(e.getBoundingClientRect().height)}px`)"""


def test_every_page_type_fits_a_phone_and_has_tap_targets(ctx, live_server, new_page) -> None:
    processes.load_directory(ctx, SYSTEM, PROCESSES)
    list(demo_data.load(ctx))
    values = _values(ctx)
    pages: dict[str | None, Page] = {}
    wide, small = {}, {}
    for user, path in PAGES:
        if user not in pages:
            pages[user] = new_page(375, 812)
            if user:
                sign_in(pages[user], user, demo_data.DEMO_PASSWORD)
        page = pages[user]
        url = path.format(**values)
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            wide[url] = width
        found = page.evaluate(SMALL_TARGETS, TARGETS)
        if found:
            small[url] = found
    assert wide == {}, "pages wider than a 375 px phone"
    assert small == {}, "controls smaller than a finger"


def _values(ctx) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from engine.services import case_views
    from engine.services import inbox
    from engine.services import users

    office = next(u for u in users.list_users(ctx, SYSTEM) if u.username == "quality_office")
    actor = users.authenticate(ctx, "quality_office", demo_data.DEMO_PASSWORD)
    assert actor is not None
    task = inbox.inbox(ctx, actor, inbox.InboxFilter()).tasks[0]
    listed = case_views.case_list(ctx, actor, case_views.CaseFilter(q="MX2025-0420")).rows[0].case
    return {
        "task": task.id,
        "case": listed.id,
        "user": office.id,
        "serial": "MX2025-0420",
        "customer": listed.data.get("customer", ""),
    }
