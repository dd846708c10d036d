"""Messages a step of a case causes to the customer and the desk, queued in the step's own
transaction (the outbox).

When the registration names the customer's e-mail (``Policy.customer_email``), or a mobile number
and an SMS gateway is configured (``Policy.customer_phone``), the customer gets
the case number and a tracking link, then a link to each step of theirs as it opens (the quote,
the signature, the rating), word that the engineer is on the way, and the written reply to a
complaint. When a customer answers a step by link the desk hears of it (``Policy.customer_answer_team``).
The key names the case and the event, so a retried or repeated step queues nothing twice. The
wording is the administrators' (engine/domain/message_templates.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from sqlalchemy import insert

from engine.domain import message_templates
from engine.domain.actors import CUSTOMER_ROLE
from engine.domain.config import EngineConfig
from engine.domain.link_tokens import portal_url
from engine.domain.link_tokens import sign
from engine.domain.policy import SHIPPED
from engine.domain.staff_notices import CUSTOMER_ACTED
from engine.domain.text_messages import SMS
from engine.domain.text_messages import mobile_number
from engine.domain.text_messages import text_of
from engine.store.chat_robots import CHAT
from engine.store.db import table_of
from engine.store.db import utcnow
from engine.store.message_wording import overrides
from engine.store.models import CustomerLink
from engine.store.notifications import notify
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


def _link(connection: Connection, config: EngineConfig, case_id: int, purpose: str, days: int, **extra: Any) -> str:
    assert config.link_secret and config.public_url
    link_id, _expires = new_link(connection, case_id, purpose, extra.get("by_id"), days, extra.get("item_id"))
    return portal_url(config.public_url, purpose, sign(config.link_secret, purpose, link_id))


@dataclass(frozen=True)
class _Customer:
    """Where the case reaches its customer: the e-mail and the mobile number its registration names."""

    email: str | None
    mobile: str | None

    @classmethod
    def of(cls, data: Mapping[str, Any], config: EngineConfig) -> _Customer:
        email = str(data.get(SHIPPED.customer_email.field) or "").strip() or None
        mobile = mobile_number(data.get(SHIPPED.customer_phone.field)) if config.sms else None
        return cls(email, mobile)

    def __bool__(self) -> bool:
        return bool(self.email or self.mobile)


def _tell(
    connection: Connection,
    customer: _Customer,
    key: str,
    template: str,
    values: dict[str, Any],
    link: str | None,
    case_id: int,
    wording: Mapping[tuple[str, str], message_templates.Wording],
) -> None:
    """Queue one message to the customer: the whole letter by e-mail, its Chinese subject and
    link by text message."""
    if customer.email:
        letter = message_templates.for_customer(template, values, wording)
        queue(connection, key, EMAIL, customer.email, letter.subject, letter.body, case_id)
    if customer.mobile:
        subject = message_templates.filled(template, message_templates.LANGUAGES[0], values, wording).subject
        queue(connection, f"{key}-sms", SMS, customer.mobile, subject, text_of(subject, link), case_id)


def after_completion(
    connection: Connection,
    config: EngineConfig,
    case_id: int,
    case_number: str,
    bpmn_id: str,
    cleaned: dict[str, Any],
    data: Mapping[str, Any],
    by_id: int | None,
) -> None:
    """Queue what completing ``bpmn_id`` with ``cleaned`` tells the customer: the case number
    and a tracking link once the registration names how to reach them; the written reply to
    their complaint once it is given."""
    links = bool(config.link_secret and config.public_url)
    if bpmn_id == SHIPPED.customer_email.step:
        customer = _Customer.of(cleaned, config)
        if customer:
            url = _link(connection, config, case_id, TRACK, TRACK_DAYS, by_id=by_id) if links else None
            values = {"number": case_number, "tracking_url": url}
            wording = overrides(connection)
            _tell(connection, customer, f"case-{case_id}-received", "case_received", values, url, case_id, wording)
        return
    reply = next((cleaned.get(at.field) for at in SHIPPED.complaint_replies if at.step == bpmn_id), None)
    customer = _Customer.of(data, config)
    if reply and customer:
        url = _link(connection, config, case_id, TRACK, TRACK_DAYS, by_id=by_id) if links else None
        values = {"number": case_number, "reply": str(reply), "tracking_url": url}
        wording = overrides(connection)
        _tell(connection, customer, f"case-{case_id}-reply", "complaint_reply", values, url, case_id, wording)


def steps_opened(
    connection: Connection,
    config: EngineConfig,
    case_id: int,
    case_number: str,
    data: Mapping[str, Any],
    opened: list[tuple[int, dict[str, Any]]],
) -> None:
    """Queue what newly opened steps tell the customer the case can reach: a step of theirs
    comes with a link that answers it (the quote with its amount and answer-by date, the
    finished service with its signature), and the on-site step says the engineer is on the way
    with the promised arrival. Without signed links nothing is sent: each message is a link."""
    customer = _Customer.of(data, config)
    if not customer or not (config.link_secret and config.public_url):
        return
    zone = ZoneInfo(config.timezone)
    wording: Mapping[tuple[str, str], message_templates.Wording] | None = None
    for item_id, row in opened:
        due = row.get("due_at")
        when = due.astimezone(zone).strftime("%Y-%m-%d %H:%M") if isinstance(due, datetime) else None
        if CUSTOMER_ROLE in (row.get("roles") or []):
            template = SHIPPED.customer_step_letters.get(row["bpmn_id"], "customer_step")
            amount = next((data[name] for name in SHIPPED.quote_amount_fields if data.get(name) is not None), None)
            link = _link(connection, config, case_id, TASK, TASK_DAYS, item_id=item_id)
            values = {"number": case_number, "task": row["name"], "link": link, "amount": _money(amount)}
            values["answer_by"] = when
        elif row["bpmn_id"] == SHIPPED.on_the_way_step:
            template = "engineer_on_way"
            link = _link(connection, config, case_id, TRACK, TRACK_DAYS)
            values = {"number": case_number, "arrival": when, "tracking_url": link}
        else:
            continue
        wording = overrides(connection) if wording is None else wording  # read once per step
        _tell(
            connection, customer, f"case-{case_id}-item-{item_id}-{template}", template, values, link, case_id, wording
        )


def _money(value: object) -> str | None:
    """An amount as the customer reads it (1,280.00); None when the case has none."""
    try:
        return f"{float(str(value)):,.2f}" if value not in (None, "") else None
    except ValueError:
        return None


def customer_answered(
    connection: Connection,
    robots: Mapping[str, object],
    public_url: str | None,
    case_id: int,
    case_number: str,
    item_id: int,
    step: str,
) -> None:
    """Tell the desk that the customer answered a step by link: in Aftercare (the bell) and in
    its chat group when it has a robot."""
    team = SHIPPED.customer_answer_team
    params = {"number": case_number, "task": step}
    notify(connection, f"case-{case_id}-step-{item_id}-answered", CUSTOMER_ACTED, params, role=team, case_id=case_id)
    if team not in robots:
        return
    case_url = f"{public_url}/cases/{case_id}" if public_url else ""
    note = message_templates.for_customer("customer_acted", {**params, "url": case_url}, overrides(connection))
    queue(connection, f"case-{case_id}-step-{item_id}-answered", CHAT, team, note.subject, note.body, case_id)
