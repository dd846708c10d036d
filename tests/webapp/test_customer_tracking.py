"""A customer follows the case by a signed link (issue 15's "Track", issue 14's clocks on the
customer's page): what it shows, what it never shows, and every link that must not open."""

from __future__ import annotations

import re
from datetime import datetime
from datetime import timedelta

import pytest
import time_machine

from engine.domain.errors import NotAllowed
from engine.domain.link_tokens import sign
from engine.services import audit
from engine.services import case_notes
from engine.services import customer_links
from tests.conftest import SQLITE_ONLY
from tests.priced import QUOTE_860
from tests.processes.conftest import SHANGHAI
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import CALL
from tests.processes.journeys import OUT_OF_WARRANTY
from tests.processes.journeys import to_solution
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

pytestmark = SQLITE_ONLY  # pages and messages: the database is incidental (tests/conftest.py)

SECRET = "a test key for customer links"  # tests/conftest.py's engine_config


def at(*moment: int) -> datetime:
    return datetime(*moment, tzinfo=SHANGHAI)


def dispatched_case(ctx, start):  # noqa: F811
    """Called Monday 2 March 2026 09:00 at 120 km: on site within 24 h (S2 5.1.1.3)."""
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        case = start("service_request")
        to_solution(case, "onsite")
        case.do("dispatcher", "dispatch", {"engineer": "wang", "distance_km": 120})
        case.do("engineer_wang", "prepare", {"plan_confirmed": True, "parts_slip": "ERP-7781"})
        case_notes.add_comment(ctx, case.staff["quality_office"], case.id, "客户脾气急，内部备注")
    return case


def test_the_desk_gives_a_link_and_the_customer_sees_the_case_without_names_or_notes(
    app,
    ctx,
    staff,  # noqa: F811
    start,  # noqa: F811
) -> None:
    case = dispatched_case(ctx, start)
    desk = app.test_client()
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        sign_in(desk, "service_desk")
        given = desk.post(f"/cases/{case.id}/links", data={"csrf_token": csrf(desk, f"/cases/{case.id}")})
        assert given.status_code == 302
        page = desk.get(f"/cases/{case.id}").get_data(as_text=True)
    url = re.search(r'class="form-control form-control-sm link-url" readonly value="([^"]+)"', page).group(1)
    assert url.startswith("http://localhost/c/")
    customer = app.test_client()  # no sign-in
    with time_machine.travel(at(2026, 3, 2, 11, 0), tick=False):
        shown = customer.get(url.removeprefix("http://localhost"))
    text = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert case.info.number in text and "进行中" in text
    now = text.split('id="now"')[1].split("</section>")[0]
    assert "现场服务" in now  # the engineer's on-site step is open
    promises = text.split('id="promises"')[1].split("</section>")[0]
    arrival = promises.split('data-clock="arrival"')[1].split("</li>")[0]
    assert "到达现场" in arrival and "2026/3/3 09:00" in arrival  # the call + 24 h
    history = text.split('id="history"')[1].split("</section>")[0]
    assert "保修及产品类别确认" in history and "派工" in history
    # Nothing of the staff's: no user names, no typed values, no comments, no internal slip.
    for private in ("wang", "service_desk", "quality_office", "dispatcher", "客户脾气急", CALL["fault_description"],
                    "ERP-7781", CALL["contact_phone"]):  # fmt: skip
        assert private not in text, private
    trail = audit.export_trail(ctx, staff["quality_manager"], case.info.number)
    assert "customer_link_issued" in {event["action"] for event in trail["events"]}


def test_links_that_must_not_open_say_why_without_naming_the_case(
    app,
    ctx,
    staff,  # noqa: F811
    start,  # noqa: F811
) -> None:
    case = dispatched_case(ctx, start)
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        kept = customer_links.issue_tracking_link(ctx, staff["service_desk"], case.id)
        withdrawn = customer_links.issue_tracking_link(ctx, staff["service_desk"], case.id)
        customer_links.withdraw_link(ctx, staff["service_desk"], case.id, withdrawn.id)
    client = app.test_client()

    def opened(token: str, moment: datetime | None = None) -> tuple[int, str]:
        with time_machine.travel(moment or at(2026, 3, 2, 11, 0), tick=False):
            answer = client.get(f"/c/{token}")
        body = answer.get_data(as_text=True)
        assert answer.status_code == 200 or case.info.number not in body
        return answer.status_code, re.search(r'data-reason="(\w+)"', body).group(1) if "data-reason" in body else ""

    assert opened(withdrawn.token) == (410, "withdrawn")
    assert opened(kept.token, at(2026, 3, 2, 10, 0) + timedelta(days=90, seconds=1)) == (410, "expired")
    assert opened(kept.token[:-3] + ("AAA" if not kept.token.endswith("AAA") else "BBB")) == (404, "invalid")
    with time_machine.travel(at(2026, 3, 2, 10, 30), tick=False):
        other_purpose = sign(SECRET, "sign", kept.id)
        other_key = sign("another installation's key", "track", kept.id)
        no_such_link = sign(SECRET, "track", kept.id + 100)
    assert opened(other_purpose) == (404, "invalid")
    assert opened(other_key) == (404, "invalid")
    assert opened(no_such_link) == (404, "invalid")
    assert opened(kept.token)[0] == 200


def test_a_stream_of_forged_links_from_one_address_is_slowed_down(app) -> None:
    client = app.test_client()
    codes = [client.get(f"/c/forged-{n}").status_code for n in range(12)]
    assert codes == [404] * 10 + [429, 429]


def quoted_case(start):  # noqa: F811
    """A paid on-site repair whose quote waits for the customer (S2 7.2.4)."""
    case = start("service_request")
    to_solution(case, "onsite", OUT_OF_WARRANTY)
    case.do("finance", "quote", QUOTE_860)
    assert case.open() == ["confirm_quote"]
    return case


def test_the_customer_confirms_the_quote_by_link_and_the_link_is_spent(
    app,
    ctx,
    staff,  # noqa: F811
    start,  # noqa: F811
) -> None:
    case = quoted_case(start)
    desk = app.test_client()
    sign_in(desk, "service_desk")
    page = desk.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'class="btn btn-sm btn-outline-primary give-step-link" data-task="confirm_quote"' in page
    item = case.task("service_desk", "confirm_quote")
    token = csrf(desk, f"/cases/{case.id}")
    assert desk.post(f"/cases/{case.id}/tasks/{item.id}/link", data={"csrf_token": token}).status_code == 302
    listed = desk.get(f"/cases/{case.id}").get_data(as_text=True)
    url = re.search(r'value="http://localhost(/c/s/[^"]+)"', listed).group(1)
    customer = app.test_client()
    shown = customer.get(url).get_data(as_text=True)
    facts = shown.split('id="decision-facts"')[1].split("</dl>")[0]
    assert "860.00" in facts and "260.00" in facts  # the quote the customer answers: 260 + 600
    assert 'name="quote_accepted"' in shown and "wang" not in shown
    # Sent without a choice: shown again with the message; nothing recorded, the link still good.
    form_token = csrf(customer, url)
    blank = customer.post(url, data={"csrf_token": form_token})
    assert blank.status_code == 422 and 'id="error-quote_accepted"' in blank.get_data(as_text=True)
    answer = {"csrf_token": form_token, "quote_accepted": "true", "customer_note": "请尽快安排"}
    done = customer.post(url, data=answer)
    assert done.status_code == 200 and 'id="thanks"' in done.get_data(as_text=True)
    assert case.open() == ["dispatch"] and case.data["quote_accepted"] is True
    trail = audit.export_trail(ctx, staff["quality_manager"], case.info.number)
    (answered,) = [e for e in trail["events"] if e["action"] == "task_completed" and e["bpmn_id"] == "confirm_quote"]
    assert answered["actor"] == "customer" and answered["data"]["by_customer_link"] > 0
    again = customer.post(url, data=answer)
    assert again.status_code == 410 and 'data-reason="used"' in again.get_data(as_text=True)
    after = desk.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "已答复" in after.split('id="links"')[1].split("</table>")[0]


def test_a_step_the_desk_answered_first_leaves_the_customers_link_nothing_to_do(
    app,
    ctx,
    staff,  # noqa: F811
    start,  # noqa: F811
) -> None:
    case = quoted_case(start)
    item = case.task("service_desk", "confirm_quote")
    link = customer_links.issue_task_link(ctx, staff["service_desk"], case.id, item.id)
    case.do("service_desk", "confirm_quote", {"quote_accepted": True})  # the customer phoned instead
    answer = app.test_client().get(f"/c/s/{link.token}")
    assert answer.status_code == 410 and 'data-reason="done"' in answer.get_data(as_text=True)
    dispatch = case.task("dispatcher", "dispatch")
    with pytest.raises(NotAllowed):  # a step of staff is never answered by a customer link
        customer_links.issue_task_link(ctx, staff["service_desk"], case.id, dispatch.id)
