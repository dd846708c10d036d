"""Messages a step of a case causes, queued in the step's own transaction (the outbox).

When the service request's registration names the customer's e-mail (``Policy.customer_email``),
the customer gets the case number and a tracking link; when a customer answers a step by link,
the desk's chat group hears of it (``Policy.customer_answer_team``). The key names the case and
the event, so a retried or repeated step queues nothing twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import insert

from engine.domain import team_messages
from engine.domain.customer_messages import case_received
from engine.domain.link_tokens import portal_url
from engine.domain.link_tokens import sign
from engine.domain.policy import SHIPPED
from engine.store.chat_robots import CHAT
from engine.store.db import table_of
from engine.store.db import utcnow
from engine.store.models import CustomerLink
from engine.store.outbox import queue

LINKS = table_of(CustomerLink)
TRACK = "track"
TRACK_DAYS = 90  # a tracking link outlives the one-month follow-up call
TASK = "task"  # a link that answers one customer step
TASK_DAYS = 14
EMAIL = "email"


def new_link(
    connection: Connection, case_id: int, purpose: str, by_id: int | None, days: int, item_id: int | None = None
) -> tuple[int, Any]:
    """A link row for the case (and the step it answers), in the caller's transaction: (id, expiry)."""
    now = utcnow()
    expires = now + timedelta(days=days)
    result = connection.execute(
        insert(LINKS).values(
            case_id=case_id,
            purpose=purpose,
            created_at=now,
            created_by_id=by_id,
            expires_at=expires,
            work_item_id=item_id,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0]), expires


def after_completion(
    connection: Connection,
    case_id: int,
    case_number: str,
    bpmn_id: str,
    cleaned: dict[str, Any],
    by_id: int | None,
    secret: str | None,
    public_url: str | None,
) -> None:
    """Queue what completing ``bpmn_id`` with ``cleaned`` tells the customer."""
    recipient = SHIPPED.customer_email
    address = str(cleaned.get(recipient.field) or "").strip()
    if bpmn_id != recipient.step or not address:
        return
    url = None
    if secret and public_url:
        link_id, _expires = new_link(connection, case_id, TRACK, by_id, TRACK_DAYS)
        url = portal_url(public_url, TRACK, sign(secret, TRACK, link_id))
    letter = case_received(case_number, url)
    queue(connection, f"case-{case_id}-received", EMAIL, address, letter.subject, letter.body, case_id)


def customer_answered(
    connection: Connection,
    robots: Mapping[str, object],
    public_url: str | None,
    case_id: int,
    case_number: str,
    item_id: int,
    step: str,
) -> None:
    """Tell the desk's chat group that the customer answered a step by link, when it has a robot."""
    team = SHIPPED.customer_answer_team
    if team not in robots:
        return
    case_url = f"{public_url}/cases/{case_id}" if public_url else None
    note = team_messages.customer_answered(case_number, step, "link", case_url)
    queue(connection, f"case-{case_id}-step-{item_id}-answered", CHAT, team, note.subject, note.body, case_id)
