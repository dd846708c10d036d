"""What the customer is told as their case goes on (issue 15), sent through the outbox to a real
SMTP server on loopback and read back: the quote with its amount and answer-by date and a
link that opens the quote step, word that the engineer is on the way with the promised arrival,
and, once the service is done, the link that opens the signature step. Each link answers its
own step only."""

from __future__ import annotations

from dataclasses import replace
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from engine.domain.actors import Actor
from engine.services import outbox
from engine.services import timers
from tests.conftest import SQLITE_ONLY
from tests.priced import QUOTE_300
from tests.priced import QUOTE_860
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import CALL
from tests.processes.journeys import OUT_OF_WARRANTY
from tests.processes.journeys import UNRESOLVED
from tests.webapp.test_customer_mail import senders
from tests.webapp.test_pages import csrf

pytestmark = SQLITE_ONLY  # pages and messages: the database is incidental (tests/conftest.py)

PUBLIC = "https://service.example.com"
ADDRESS = "li.buyer@example.com"


def links_in(mail: EmailMessage) -> list[str]:
    """The portal links of a message, each once (the Chinese and the English part share them)."""
    lines = [line.strip() for line in mail.get_content().splitlines()]
    return list(dict.fromkeys(line for line in lines if line.startswith(f"{PUBLIC}/c/")))


def test_the_customer_follows_their_case_by_mail_from_quote_to_signature(
    app,
    ctx,
    staff,  # noqa: F811
    start,  # noqa: F811
    smtp_server,
) -> None:
    box, port = smtp_server
    ctx.config = replace(ctx.config, public_url=PUBLIC)
    case = start("service_request")
    case.do("service_desk", "register", {**CALL, "contact_email": ADDRESS})
    case.do("quality_office", "triage", OUT_OF_WARRANTY)
    case.do("tech_support", "guidance", UNRESOLVED)
    case.do("quality_office", "choose_way", {"solution": "onsite"})
    case.do("finance", "quote", QUOTE_860)
    outbox.deliver_due(ctx, timers.TIMER_ACTOR, senders(port))
    received, quote = box.messages
    number = case.info.number
    assert received["Subject"].startswith("您的服务请求已受理")
    assert quote["To"] == ADDRESS
    assert quote["Subject"] == f"报价已出 {number} / Your quote for {number}"
    body = quote.get_content()
    item = case.task("service_desk", "confirm_quote")
    assert item.due_at is not None
    answer_by = item.due_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert "金额 860.00 元" in body and f"请于 {answer_by} 前确认或拒绝" in body  # 300 + 560
    assert f"Please accept or refuse it by {answer_by}" in body
    (link,) = links_in(quote)
    page = app.test_client().get(link.removeprefix(PUBLIC))
    shown = page.get_data(as_text=True)
    assert page.status_code == 200 and "客户确认报价" in shown
    assert 'id="answer-by"' in shown and "前答复" in shown  # the quote's validity, on the quote

    # The customer accepts through that link; the dispatcher sends an engineer.
    phone = app.test_client()
    token = csrf(phone, link.removeprefix(PUBLIC))
    answered = phone.post(link.removeprefix(PUBLIC), data={"csrf_token": token, "quote_accepted": "true"})
    assert answered.status_code in (200, 302, 303)
    assert case.data["quote_accepted"] is True
    case.do("dispatcher", "dispatch", {"engineer": "wang", "distance_km": 40})
    case.do("engineer_wang", "prepare", {"plan_confirmed": True})
    outbox.deliver_due(ctx, timers.TIMER_ACTOR, senders(port))
    on_the_way = box.messages[-1]
    assert on_the_way["Subject"] == f"服务工程师已出发 {number} / Engineer on the way for {number}"
    service = case.task("engineer_wang", "service")
    assert service.due_at is not None
    arrival = service.due_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert f"承诺最迟于 {arrival} 到达" in on_the_way.get_content()
    (tracking,) = links_in(on_the_way)
    assert number in app.test_client().get(tracking.removeprefix(PUBLIC)).get_data(as_text=True)

    case.do(
        "engineer_wang",
        "service",
        {
            "arrived_at": "2026-03-03T10:00",
            "diagnosis": "密封圈老化",
            "cause": "assembly",
            "responsible_department": "production",
            "tampered": False,
            "repaired": True,
            "whole_unit_checked": True,
        },
    )
    outbox.deliver_due(ctx, timers.TIMER_ACTOR, senders(port))
    done = box.messages[-1]
    assert done["Subject"] == f"服务已完成，请确认 {number} / Service done for {number}: please sign"
    (sign_link,) = links_in(done)
    page = app.test_client().get(sign_link.removeprefix(PUBLIC)).get_data(as_text=True)
    assert "客户签字评价" in page and "客户确认报价" not in page
    # The quote's link was spent with its answer: it opens nothing now.
    assert app.test_client().get(link.removeprefix(PUBLIC)).status_code in (404, 410)
    assert len({mail["Message-ID"] for mail in box.messages}) == len(box.messages) == 4


def test_no_mail_without_the_customers_address(
    ctx,
    staff,  # noqa: F811
    start,  # noqa: F811
) -> None:
    ctx.config = replace(ctx.config, public_url=PUBLIC)
    case = start("service_request")
    case.do("service_desk", "register", CALL)
    case.do("quality_office", "triage", OUT_OF_WARRANTY)
    case.do("tech_support", "guidance", UNRESOLVED)
    case.do("quality_office", "choose_way", {"solution": "onsite"})
    case.do("finance", "quote", QUOTE_300)
    assert outbox.list_messages(ctx, Actor.system("test"))[1] == 0
