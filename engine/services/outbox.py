"""Deliver the outbox, and let administrators see and resend what it holds (issue 15).

The worker claims due messages with a lease, sends each through its channel's sender, and
records the outcome in a transaction of its own per message: a message is never lost (it stays
until sent or given up after ``len(BACKOFF)`` retries, and an administrator can resend it), and
a worker that dies mid-batch leaves leases that run out, so another worker takes over.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import func
from sqlalchemy import select

from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import NotFound
from engine.domain.messages import Message
from engine.domain.text_messages import SMS
from engine.store.chat_robots import CHAT
from engine.store.chat_robots import ChatRobotSender
from engine.store.context import EngineContext
from engine.store.db import utcnow
from engine.store.mail import SmtpSender
from engine.store.models import Case
from engine.store.models import OutboxMessage
from engine.store.outbox import Outgoing
from engine.store.outbox import claim_due
from engine.store.outbox import mark_failed
from engine.store.outbox import mark_sent
from engine.store.outbox import resend
from engine.store.text_messages import SmsSender

LOG = logging.getLogger("aftercare.outbox")
PAGE_SIZE = 50
# What a channel may raise when it cannot deliver now; anything else is a bug, logged, retried too.
SEND_ERRORS = (OSError, smtplib.SMTPException, ValueError)


class Sender(Protocol):
    def send(self, message: Outgoing) -> None: ...


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: int


@dataclass(frozen=True)
class OutboxRow:
    id: int
    key: str
    channel: str
    recipient: str
    subject: str
    case_id: int | None
    case_number: str | None
    created_at: datetime
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    gave_up_at: datetime | None
    last_error: str | None

    @property
    def state(self) -> str:
        if self.sent_at is not None:
            return "sent"
        return "given_up" if self.gave_up_at is not None else "waiting"


def _configured_senders(ctx: EngineContext) -> dict[str, Sender]:
    """The channels this installation can deliver through: e-mail once an SMTP server is set,
    the teams' chat robots once any is configured, text messages once an SMS gateway is."""
    senders: dict[str, Sender] = {"email": SmtpSender(ctx.config.smtp)} if ctx.config.smtp else {}
    if ctx.config.chat_robots:
        senders[CHAT] = ChatRobotSender(ctx.config.chat_robots)
    if ctx.config.sms:
        senders[SMS] = SmsSender(ctx.config.sms)
    return senders


def deliver_due(
    ctx: EngineContext, actor: Actor, senders: Mapping[str, Sender] | None = None, limit: int = 50
) -> Delivery:
    """Send what is due through ``senders`` (channel → sender; by default the configured ones);
    each outcome is recorded at once. Nothing is claimed while no channel is configured."""
    require(actor, Permission.RUN_TIMERS)
    senders = _configured_senders(ctx) if senders is None else senders
    if not senders:
        return Delivery(0, 0)
    with ctx.uow(write=True) as uow:
        batch = claim_due(uow.connection, utcnow(), limit)
        uow.commit()
    sent = failed = 0
    for message in batch:
        sender = senders.get(message.channel)
        try:
            if sender is None:
                raise ValueError(f"no sender for the channel {message.channel!r} is configured")
            sender.send(message)
        except SEND_ERRORS as err:
            failed += 1
            LOG.warning("message %s to %s not delivered: %s", message.id, message.recipient, err)
            with ctx.uow(write=True) as uow:
                mark_failed(uow.connection, message.id, utcnow(), f"{type(err).__name__}: {err}")
                uow.commit()
            continue
        sent += 1
        with ctx.uow(write=True) as uow:
            mark_sent(uow.connection, message.id, utcnow())
            uow.commit()
    return Delivery(sent, failed)


def list_messages(ctx: EngineContext, actor: Actor, page: int = 1) -> tuple[list[OutboxRow], int]:
    """The outbox, newest first, a page at a time; and how many messages it holds."""
    require(actor, Permission.MANAGE_NOTIFICATIONS)
    with ctx.uow() as uow:
        total = uow.session.scalar(select(func.count(OutboxMessage.id))) or 0
        rows = uow.session.execute(
            select(OutboxMessage, Case.number)
            .outerjoin(Case, Case.id == OutboxMessage.case_id)
            .order_by(OutboxMessage.id.desc())
            .limit(PAGE_SIZE)
            .offset((max(page, 1) - 1) * PAGE_SIZE)
        ).all()
        return [
            OutboxRow(
                m.id,
                m.key,
                m.channel,
                m.recipient,
                m.subject,
                m.case_id,
                number,
                m.created_at,
                m.attempts,
                m.next_attempt_at,
                m.sent_at,
                m.gave_up_at,
                m.last_error,
            )  # fmt: skip
            for m, number in rows
        ], int(total)


def resend_message(ctx: EngineContext, actor: Actor, message_id: int) -> None:
    """Make a message due again now: after it was given up, or to send it once more."""
    require(actor, Permission.MANAGE_NOTIFICATIONS)
    with ctx.uow(write=True) as uow:
        if not resend(uow.connection, message_id, utcnow()):
            raise NotFound(Message("no message %(id)s in the outbox", id=message_id))
        uow.commit()
