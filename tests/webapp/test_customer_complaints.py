"""A customer complains from their case's tracking page and reads the written reply there and in
their mail (issue 15: "complaints can be lodged and followed by the customer the same way; every
complaint gets a written reply the customer can read on the tracking page")."""

from __future__ import annotations

import html
from dataclasses import replace

from engine.services import customer_links
from engine.services import outbox
from engine.services import tasks
from engine.services import timers
from tests.conftest import SQLITE_ONLY
from tests.processes.conftest import Scenario
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import CALL
from tests.webapp.test_customer_mail import senders
from tests.webapp.test_pages import csrf

pytestmark = SQLITE_ONLY  # pages and messages: the database is incidental (tests/conftest.py)

PUBLIC = "https://service.example.com"
ADDRESS = "zhao.plant@example.com"
WRONG = "工程师到场晚了两天，要求说明原因"


def test_a_complaint_from_the_tracking_page_is_answered_in_writing_where_the_customer_reads_it(
    app,
    ctx,
    staff,  # noqa: F811
    start,  # noqa: F811
    smtp_server,
) -> None:
    box, port = smtp_server
    ctx.config = replace(ctx.config, public_url=PUBLIC)
    service = start("service_request")
    service.do("service_desk", "register", {**CALL, "contact_email": ADDRESS})
    link = customer_links.issue_tracking_link(ctx, staff["service_desk"], service.id)
    phone = app.test_client()
    page = f"/c/{link.token}"
    token = csrf(phone, page)

    empty = phone.post(f"{page}/complaint", data={"csrf_token": token, "complaint_text": "  "})
    assert empty.status_code == 422
    assert 'id="error-complaint_text"' in empty.get_data(as_text=True)  # the form again, open, marked

    lodged = phone.post(f"{page}/complaint", data={"csrf_token": token, "complaint_text": WRONG})
    assert lodged.status_code == 200
    text = html.unescape(lodged.get_data(as_text=True))
    assert "CP-" in text
    follow = text.split('id="track" href="', 1)[1].split('"', 1)[0]

    # The desk finds the registration filled in from the case complained about.
    register = next(
        t
        for t in tasks.list_tasks(ctx, staff["service_desk"])
        if t.bpmn_id == "register" and t.case_number.startswith("CP-")
    )
    draft = tasks.task_page(ctx, staff["service_desk"], register.id).draft
    assert draft["customer"] == CALL["customer"] and draft["contact_email"] == ADDRESS
    assert draft["serial_number"] == CALL["serial_number"] and draft["part_no"] == CALL["product_model"]
    assert draft["complaint_text"] == f"（关于案件 {service.info.number}）{WRONG}"
    complaint = Scenario(ctx, staff, register.case_id)
    complaint.do(
        "service_desk",
        "register",
        {**draft, "complaint_class": "non_quality", "severity": "minor", "complexity": "simple"},
    )
    complaint.do("service_desk", "first_contact", {"contact_note": "当即电话致歉"})
    complaint.do(
        "tech_support",
        "analyse",
        {
            "analysis": "路途积雪，高速封闭",
            "company_fault": False,
            "responsible_department": "after_sales",
            "cause": "transport",
        },
    )
    reply = "因高速封闭延误，已调整冬季派工路线。"
    complaint.do("service_desk", "explain", {"explanation": reply})

    own_page = html.unescape(phone.get(follow).get_data(as_text=True))
    assert complaint.info.number in own_page and reply in own_page
    assert 'id="complain"' not in own_page  # a complaint is not complained about from its own page
    outbox.deliver_due(ctx, timers.TIMER_ACTOR, senders(port))
    answer = box.messages[-1]
    assert answer["To"] == ADDRESS
    assert (
        answer["Subject"] == f"投诉处理答复 {complaint.info.number} / Reply to your complaint {complaint.info.number}"
    )
    assert reply in answer.get_content()
