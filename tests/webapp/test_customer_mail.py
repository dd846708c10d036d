"""The customer's e-mail when a service request is registered, through the outbox and a real
SMTP server on loopback: queued with the registration, delivered by the worker, retried while
the server is down, and recognisably the same message when a worker died before recording it —
also a real worker process, killed the moment the server has its message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from typing import Any

import time_machine
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy import update

from engine.domain.config import SmtpSettings
from engine.services import outbox
from engine.services import timers
from engine.store.db import utcnow
from engine.store.mail import SmtpSender
from engine.store.models import OutboxMessage
from engine.store.outbox import claim_due
from tests.conftest import MailBox
from tests.conftest import free_port
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import CALL
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

PUBLIC = "https://service.example.com"
ADDRESS = "zhang.manager@example.com"


def registered(ctx, start, email=ADDRESS):  # noqa: F811
    ctx.config = replace(ctx.config, public_url=PUBLIC)
    case = start("service_request")
    case.do("service_desk", "register", {**CALL, "contact_email": email} if email else CALL)
    return case


def senders(port: int) -> dict[str, SmtpSender]:
    return {"email": SmtpSender(SmtpSettings("127.0.0.1", port, sender="service@example.com"))}


def outbox_rows(ctx):
    with ctx.uow() as uow:
        return list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_customer_gets_the_case_number_and_a_link_that_opens_the_case(
    app,
    ctx,
    staff,  # noqa: F811
    start,  # noqa: F811
    smtp_server,
) -> None:
    box, port = smtp_server
    case = registered(ctx, start)
    (row,) = outbox_rows(ctx)
    assert (row.key, row.recipient, row.sent_at) == (f"case-{case.id}-received", ADDRESS, None)
    assert outbox.deliver_due(ctx, timers.TIMER_ACTOR, senders(port)) == outbox.Delivery(1, 0)
    (mail,) = box.messages
    number = case.info.number
    assert mail["To"] == ADDRESS and mail["From"] == "service@example.com"
    assert mail["Subject"] == f"您的服务请求已受理 {number} / Service request {number} registered"
    assert mail["Message-ID"] == f"<case-{case.id}-received@example.com>"
    body = mail.get_content()
    assert f"案件编号 {number}" in body
    link = next(line for line in body.splitlines() if line.startswith(f"{PUBLIC}/c/"))
    page = app.test_client().get(link.removeprefix(PUBLIC))
    assert page.status_code == 200 and number in page.get_data(as_text=True)
    assert outbox.deliver_due(ctx, timers.TIMER_ACTOR, senders(port)) == outbox.Delivery(0, 0)  # sent once
    assert len(box.messages) == 1


def test_no_address_no_message(ctx, staff, start) -> None:  # noqa: F811
    registered(ctx, start, email=None)
    assert outbox_rows(ctx) == []


def test_while_the_mail_server_is_down_the_message_waits_and_goes_out_once_it_is_back(
    ctx,
    staff,  # noqa: F811
    start,  # noqa: F811
    smtp_server,
) -> None:
    box, port = smtp_server
    registered(ctx, start)
    down = free_port()  # nothing listens there
    now = utcnow()
    with time_machine.travel(now, tick=False):
        assert outbox.deliver_due(ctx, timers.TIMER_ACTOR, senders(down)) == outbox.Delivery(0, 1)
    (row,) = outbox_rows(ctx)
    assert (row.attempts, row.next_attempt_at, row.sent_at) == (1, now + timedelta(minutes=1), None)
    assert "ConnectionRefusedError" in (row.last_error or "")
    with time_machine.travel(now + timedelta(seconds=30), tick=False):  # not due again yet
        assert outbox.deliver_due(ctx, timers.TIMER_ACTOR, senders(port)) == outbox.Delivery(0, 0)
    with time_machine.travel(now + timedelta(minutes=1, seconds=1), tick=False):
        assert outbox.deliver_due(ctx, timers.TIMER_ACTOR, senders(port)) == outbox.Delivery(1, 0)
    assert len(box.messages) == 1 and outbox_rows(ctx)[0].attempts == 2


def test_a_worker_that_died_after_sending_leaves_a_duplicate_with_the_same_message_id(
    ctx,
    staff,  # noqa: F811
    start,  # noqa: F811
    smtp_server,
) -> None:
    box, port = smtp_server
    case = registered(ctx, start)
    now = utcnow()
    # The first worker leases the message, hands it to the server, and dies before recording it.
    with time_machine.travel(now, tick=False), ctx.uow(write=True) as uow:
        (leased,) = claim_due(uow.connection, now, 10)
        uow.commit()
    senders(port)["email"].send(leased)
    # Another worker leaves it alone while the lease runs (5 minutes), then sends it again.
    with time_machine.travel(now + timedelta(minutes=4), tick=False):
        assert outbox.deliver_due(ctx, timers.TIMER_ACTOR, senders(port)) == outbox.Delivery(0, 0)
    with time_machine.travel(now + timedelta(minutes=5, seconds=1), tick=False):
        assert outbox.deliver_due(ctx, timers.TIMER_ACTOR, senders(port)) == outbox.Delivery(1, 0)
    ids = {mail["Message-ID"] for mail in box.messages}
    assert len(box.messages) == 2 and ids == {f"<case-{case.id}-received@example.com>"}
    assert outbox_rows(ctx)[0].sent_at is not None


def test_a_message_given_up_after_its_retries_is_shown_to_the_admin_and_resent(
    app,
    ctx,
    make_user,
    staff,  # noqa: F811
    start,  # noqa: F811
    smtp_server,
) -> None:
    box, port = smtp_server
    registered(ctx, start)
    down, moment = free_port(), utcnow()
    # Six retries after the first attempt: 1 + 5 + 30 minutes, 2 + 6 + 12 hours later it gives up.
    for wait in (0, 1, 5, 30, 120, 360, 720):
        moment += timedelta(minutes=wait, seconds=1)
        with time_machine.travel(moment, tick=False):
            assert outbox.deliver_due(ctx, timers.TIMER_ACTOR, senders(down)) == outbox.Delivery(0, 1)
    (row,) = outbox_rows(ctx)
    assert (row.attempts, row.gave_up_at is not None) == (7, True)
    with time_machine.travel(moment + timedelta(days=1), tick=False):
        assert outbox.deliver_due(ctx, timers.TIMER_ACTOR, senders(port)) == outbox.Delivery(0, 0)
    make_user("root", "admin")
    client = app.test_client()
    sign_in(client, "root")
    page = client.get("/admin/outbox").get_data(as_text=True)
    listed = page.split(f'data-message="{row.id}"')[1].split("</tr>")[0]
    assert "已放弃" in listed and ADDRESS in listed and "ConnectionRefusedError" in listed
    token = csrf(client, "/admin/outbox")
    assert client.post(f"/admin/outbox/{row.id}/resend", data={"csrf_token": token}).status_code == 302
    assert outbox.deliver_due(ctx, timers.TIMER_ACTOR, senders(port)) == outbox.Delivery(1, 0)
    assert len(box.messages) == 1


class KillingMailBox(MailBox):
    """A mail server that takes the message, then kills the worker process that sent it before
    the worker can record it as sent (the crash the outbox must survive)."""

    def __init__(self) -> None:
        super().__init__()
        self.worker_pid: int | None = None

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        answer = await super().handle_DATA(server, session, envelope)
        if self.worker_pid is not None and len(self.messages) == 1:
            os.kill(self.worker_pid, signal.SIGKILL)
        return answer


def test_a_worker_process_killed_between_send_and_record_leaves_one_message_id_and_nothing_lost(
    ctx,
    engine_config,
    staff,  # noqa: F811
    start,  # noqa: F811
    tmp_path,
) -> None:
    case = registered(ctx, start)
    box, port = KillingMailBox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **os.environ,
        "AFTERCARE_DATABASE_URL": engine_config.database_url,
        "AFTERCARE_INSTANCE": str(tmp_path / "instance"),
        "AFTERCARE_AUDIT_KEYS": str(engine_config.audit_keys_file),
        "AFTERCARE_SMTP_HOST": "127.0.0.1",
        "AFTERCARE_SMTP_PORT": str(port),
        "AFTERCARE_SMTP_FROM": "service@example.com",
    }
    command = [sys.executable, "-m", "webapp.cli", "worker", "--once"]
    try:
        with subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as worker:
            box.worker_pid = worker.pid
            assert worker.wait(timeout=60) == -signal.SIGKILL  # killed with the message handed over
        (waiting,) = outbox_rows(ctx)
        assert waiting.sent_at is None and waiting.lease_until is not None  # not recorded, still leased
        # The lease runs out (5 minutes, moved back here); the next worker process sends it again.
        with ctx.uow(write=True) as uow:
            uow.session.execute(update(OutboxMessage).values(lease_until=utcnow() - timedelta(seconds=1)))
            uow.commit()
        box.worker_pid = None
        again = subprocess.run(command, env=env, capture_output=True, timeout=60, check=False)
        assert again.returncode == 0, again.stdout + again.stderr
    finally:
        controller.stop()
    assert len(box.messages) == 2  # at least once: the receiver sees the same Message-ID twice
    assert {mail["Message-ID"] for mail in box.messages} == {f"<case-{case.id}-received@example.com>"}
    assert outbox_rows(ctx)[0].sent_at is not None
