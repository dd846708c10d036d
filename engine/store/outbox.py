"""The outbox's rows: queue a message inside the caller's transaction; claim, finish or
reschedule it from the worker's.

Delivery is at least once: a worker leases a batch (``lease_until``), sends, and marks each
sent. A worker that dies between sending and marking leaves the lease to run out, and the next
pass sends again — with the same key, which the e-mail carries as its Message-ID so a mail
system (or a person) sees the duplicate for what it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import Connection
from sqlalchemy import and_
from sqlalchemy import insert
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update

from engine.store.db import table_of
from engine.store.db import utcnow
from engine.store.models import OutboxMessage

OUTBOX = table_of(OutboxMessage)
LEASE = timedelta(minutes=5)
# After each failed attempt, wait this long; after the last, give up (an admin may resend).
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
)


@dataclass(frozen=True)
class Outgoing:
    id: int
    key: str
    channel: str
    recipient: str
    subject: str
    body: str


def queue(
    connection: Connection,
    key: str,
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    case_id: int | None,
    not_before: datetime | None = None,
) -> bool:
    """Queue one message in the caller's transaction, to go out at once or from ``not_before``
    (quiet hours); False when its key was queued before."""
    if connection.scalar(select(OUTBOX.c.id).where(OUTBOX.c.key == key)) is not None:
        return False
    now = utcnow()
    connection.execute(
        insert(OUTBOX).values(
            key=key,
            channel=channel,
            recipient=recipient,
            subject=subject[:300],
            body=body,
            case_id=case_id,
            created_at=now,
            attempts=0,
            next_attempt_at=max(now, not_before) if not_before else now,
        )
    )
    return True


def claim_due(connection: Connection, now: datetime, limit: int) -> list[Outgoing]:
    """Lease up to ``limit`` messages that are due and not being sent by another worker."""
    due = and_(
        OUTBOX.c.sent_at.is_(None),
        OUTBOX.c.gave_up_at.is_(None),
        OUTBOX.c.next_attempt_at <= now,
        or_(OUTBOX.c.lease_until.is_(None), OUTBOX.c.lease_until < now),
    )
    ids = list(connection.scalars(select(OUTBOX.c.id).where(due).order_by(OUTBOX.c.next_attempt_at).limit(limit)))
    claimed = []
    for message_id in ids:  # each row leased only if no other worker took it meanwhile
        taken = connection.execute(
            update(OUTBOX).where(OUTBOX.c.id == message_id, due).values(lease_until=now + LEASE)
        ).rowcount
        if taken:
            claimed.append(message_id)
    rows = connection.execute(select(OUTBOX).where(OUTBOX.c.id.in_(claimed)).order_by(OUTBOX.c.id))
    return [Outgoing(row.id, row.key, row.channel, row.recipient, row.subject, row.body) for row in rows]


def mark_sent(connection: Connection, message_id: int, now: datetime) -> None:
    connection.execute(
        update(OUTBOX)
        .where(OUTBOX.c.id == message_id)
        .values(sent_at=now, lease_until=None, attempts=OUTBOX.c.attempts + 1, last_error=None)
    )


def mark_failed(connection: Connection, message_id: int, now: datetime, error: str) -> None:
    """Count a failed attempt and schedule the next, or give up after the last."""
    attempts = int(connection.scalar(select(OUTBOX.c.attempts).where(OUTBOX.c.id == message_id)) or 0) + 1
    values: dict[str, object] = {"attempts": attempts, "lease_until": None, "last_error": error[:2000]}
    if attempts > len(BACKOFF):
        values["gave_up_at"] = now
    else:
        values["next_attempt_at"] = now + BACKOFF[attempts - 1]
    connection.execute(update(OUTBOX).where(OUTBOX.c.id == message_id).values(**values))


def resend(connection: Connection, message_id: int, now: datetime) -> bool:
    """Due again now (after giving up, or to send a delivered message once more)."""
    return bool(
        connection.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id == message_id)
            .values(next_attempt_at=now, gave_up_at=None, sent_at=None, lease_until=None)
        ).rowcount
    )
