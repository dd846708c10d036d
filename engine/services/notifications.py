"""The staff's notifications (issue 15): the bell and its list, the reminders the worker writes
(due soon, overdue, escalated, breach), and the e-mails it sends of them — one per event, held
back to the next working moment outside working time (escalations excepted), or one digest
each working morning, as each person chose.

Steps write their notifications themselves (engine/store/notifications.py): a task that lands,
a case whose status changes. Everything here is read from those rows; nothing is kept in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from datetime import time as clock_time
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm import aliased

from engine.domain import message_templates
from engine.domain import staff_notices
from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import NotFound
from engine.domain.messages import Message
from engine.domain.service_settings import ServiceSettings
from engine.domain.text_messages import SMS
from engine.domain.text_messages import mobile_number
from engine.domain.text_messages import text_of
from engine.domain.working_calendar import WorkingCalendar
from engine.store.case_clocks import clocks_of_cases
from engine.store.context import EngineContext
from engine.store.db import utcnow
from engine.store.message_wording import overrides
from engine.store.models import Case
from engine.store.models import User
from engine.store.models import WorkItem
from engine.store.models.people import user_roles
from engine.store.notifications import NOTICES
from engine.store.notifications import NoticeRow
from engine.store.notifications import Reader
from engine.store.notifications import mark_dispatched
from engine.store.notifications import mark_read
from engine.store.notifications import notices_for
from engine.store.notifications import notify
from engine.store.notifications import reader_of
from engine.store.notifications import still_asks
from engine.store.notifications import undispatched
from engine.store.notifications import unread_count
from engine.store.notifications import visible_to
from engine.store.outbox import queue

PAGE_SIZE = 30
DUE_SOON_TOLD, OVERDUE_TOLD, FINISHED = 1, 2, 3  # WorkItem.reminded
EMAIL = "email"
Words = Callable[[str], str]  # a process text (a task's name) in the reader's language


@dataclass(frozen=True)
class NoticeView:
    id: int
    event: str
    subject: str
    case_id: int | None
    work_item_id: int | None
    urgent: bool
    created_at: datetime
    read: bool


@dataclass(frozen=True)
class NoticePage:
    items: list[NoticeView]
    total: int
    unread: int
    page: int
    pages: int


@dataclass(frozen=True)
class Reminded:
    due_soon: int
    overdue: int
    escalated: int


def _reader(connection: Connection, actor: Actor) -> Reader:
    reader = reader_of(connection, actor)
    if reader is None:
        raise NotFound(Message("no such user"))
    return reader


def unread(ctx: EngineContext, actor: Actor) -> int:
    """The bell's number: notifications that still concern the actor and are unread."""
    require(actor, Permission.READ_NOTICES)
    with ctx.uow() as uow:
        return unread_count(uow.connection, _reader(uow.connection, actor), utcnow())


def _values_of(row: Any, zone: ZoneInfo, language: str, words: Words | None = None) -> dict[str, Any]:
    """A notification's parameters as its template shows them: times in the company's zone,
    a status in words, the task's name in the reader's language."""
    values = dict(row.params or {})
    if values.get("due"):
        values["due"] = datetime.fromisoformat(str(values["due"])).astimezone(zone).strftime("%Y-%m-%d %H:%M")
    if "status" in values:
        values["status"] = staff_notices.status_word(str(values["status"]), language)
    if words is not None and values.get("task"):
        values["task"] = words(str(values["task"]))
    return values


def notifications(
    ctx: EngineContext,
    actor: Actor,
    language: str,
    page: int = 1,
    unread_only: bool = False,
    words: Words | None = None,
) -> NoticePage:
    """The actor's notifications, newest first, each in ``language``."""
    require(actor, Permission.READ_NOTICES)
    zone = ZoneInfo(ctx.config.timezone)
    with ctx.uow() as uow:
        reader, now = _reader(uow.connection, actor), utcnow()
        page = max(page, 1)
        rows, total = notices_for(uow.connection, reader, now, PAGE_SIZE, (page - 1) * PAGE_SIZE, unread_only)
        wording = overrides(uow.connection)
        items = [_view(row, zone, language, wording, words) for row in rows]
        count = unread_count(uow.connection, reader, now)
    return NoticePage(items, total, count, page, max(1, -(-total // PAGE_SIZE)))


def _view(row: NoticeRow, zone: ZoneInfo, language: str, wording: Any, words: Words | None) -> NoticeView:
    subject = message_templates.filled(row.event, language, _values_of(row, zone, language, words), wording).subject
    return NoticeView(row.id, row.event, subject, row.case_id, row.work_item_id, row.urgent, row.created_at, row.read)


def mark_all_read(ctx: EngineContext, actor: Actor, ids: list[int] | None = None) -> int:
    """Mark the actor's unread notifications read (``ids``, or every one); how many were."""
    require(actor, Permission.READ_NOTICES)
    with ctx.uow(write=True) as uow:
        count = mark_read(uow.connection, _reader(uow.connection, actor), ids, utcnow())
        uow.commit()
    return count


def open_notice(ctx: EngineContext, actor: Actor, notice_id: int) -> tuple[int | None, int | None]:
    """Mark one notification read, and the reader's others about the same task; (case id, work
    item id) it is about, for the page to open."""
    require(actor, Permission.READ_NOTICES)
    with ctx.uow(write=True) as uow:
        reader, now = _reader(uow.connection, actor), utcnow()
        row = uow.connection.execute(
            select(NOTICES.c.case_id, NOTICES.c.work_item_id).where(NOTICES.c.id == notice_id, visible_to(reader, now))
        ).first()
        if row is None:
            raise NotFound(Message("no notification %(id)s for you", id=notice_id))
        mark_read(uow.connection, reader, [notice_id], now)
        if row.work_item_id is not None:  # what else it said of the same task is read with it
            mark_read(uow.connection, reader, None, now, item_id=row.work_item_id)
        uow.commit()
    return row.case_id, row.work_item_id


# --- the worker's passes ------------------------------------------------------------------


def remind(ctx: EngineContext, actor: Actor, now: datetime | None = None, limit: int = 500) -> Reminded:
    """Write the reminders now due: a task due within the lead time, a task past its due time
    (and a breach when the task is declared one), and, after the escalation delay, the task to
    its role's supervisor. Each is written once (its key), so passes may repeat freely."""
    require(actor, Permission.RUN_TIMERS)
    now = now or utcnow()
    with ctx.uow(write=True) as uow:
        connection = uow.connection
        settings, calendar = ctx.settings(connection), ctx.calendar(connection)
        reminders = settings.reminders
        horizon = reminders.due_soon.due(now, calendar)
        counts = {"due_soon": 0, "overdue": 0, "escalated": 0}
        late_cases: dict[int, str] = {}
        for item, number, holder in _queue(uow.session, horizon, (0, DUE_SOON_TOLD), limit):
            due = item.due_at
            if due > now:
                if item.reminded < DUE_SOON_TOLD and reminders.is_due_soon(due, now, calendar):
                    counts["due_soon"] += _tell_holder(connection, item, number, staff_notices.DUE_SOON)
                    _reached(connection, item.id, DUE_SOON_TOLD)
                continue
            late_cases[item.case_id] = number
            counts["overdue"] += _tell_holder(connection, item, number, staff_notices.OVERDUE)
            if (item.rules or {}).get("breach"):
                _tell_breach(connection, item, number, holder)
            _reached(connection, item.id, OVERDUE_TOLD if _supervisors(item) else FINISHED)
        # Escalations, oldest first: the delay only grows with the due time, so the first task
        # not yet due for escalation ends the pass.
        for item, number, holder in _queue(uow.session, now, (OVERDUE_TOLD,), limit):
            if not reminders.escalates(item.due_at, now, calendar):
                break
            counts["escalated"] += _escalate(connection, item, number, holder)
            _reached(connection, item.id, FINISHED)
        _tell_broken_promises(uow.session, late_cases, settings, calendar, now)
        uow.commit()
    return Reminded(**counts)


def _queue(session: Session, horizon: datetime, stages: tuple[int, ...], limit: int) -> list[Any]:
    """Open tasks due by ``horizon`` at one of the reminder ``stages`` (``WorkItem.reminded``),
    soonest first. A task moves on with each reminder and never comes back once finished, so
    a backlog of old overdue tasks cannot hide new ones."""
    holder = aliased(User)
    query = (
        select(WorkItem, Case.number, holder.username)
        .join(Case, Case.id == WorkItem.case_id)
        .outerjoin(holder, holder.id == WorkItem.assignee_id)
        .where(WorkItem.closed_at.is_(None), WorkItem.reminded.in_(stages), WorkItem.due_at <= horizon)
        .order_by(WorkItem.due_at)
        .limit(limit)
    )
    return list(session.execute(query).all())


def _reached(connection: Connection, item_id: int, stage: int) -> None:
    connection.execute(update(WorkItem).where(WorkItem.id == item_id).values(reminded=stage))


def _supervisors(item: WorkItem) -> list[str]:
    found = (staff_notices.supervisor_of(role) for role in staff_notices.told_roles(item.roles, reminder=True))
    return list(dict.fromkeys(role for role in found if role))


def _params(item: WorkItem, number: str) -> dict[str, Any]:
    return {"number": number, "task": item.name, "due": item.due_at.isoformat() if item.due_at else None}


def _tell_holder(connection: Connection, item: WorkItem, number: str, event: str) -> int:
    params = _params(item, number)
    if item.assignee_id:
        key = f"item-{item.id}-{event}-{item.assignee_id}"
        return int(
            notify(connection, key, event, params, user_id=item.assignee_id, case_id=item.case_id, item_id=item.id)
        )
    told = 0
    for role in staff_notices.told_roles(item.roles, reminder=True):
        key = f"item-{item.id}-{event}-{role}"
        told += notify(connection, key, event, params, role=role, case_id=item.case_id, item_id=item.id)
    return min(told, 1)


def _escalate(connection: Connection, item: WorkItem, number: str, holder: str | None) -> int:
    params = {**_params(item, number), "holder": holder or ", ".join(item.roles)}
    told = 0
    for supervisor in _supervisors(item):
        key = f"item-{item.id}-{staff_notices.ESCALATED}-{supervisor}"
        told += notify(
            connection,
            key,
            staff_notices.ESCALATED,
            params,
            role=supervisor,
            case_id=item.case_id,
            item_id=item.id,
            urgent=True,
        )
    return min(told, 1)


def _tell_breach(connection: Connection, item: WorkItem, number: str, holder: str | None) -> None:
    """The register's keepers hear of a declared breach as it happens (S2 7.2.7)."""
    kind = (item.rules or {}).get("breach")
    params = {**_params(item, number), "kind": kind, "holder": holder or ", ".join(item.roles)}
    notify(
        connection,
        f"item-{item.id}-{staff_notices.BREACH}",
        staff_notices.BREACH,
        params,
        role=staff_notices.BREACH_KEEPER,
        case_id=item.case_id,
        item_id=None,
    )


def _tell_broken_promises(
    session: Session, cases: dict[int, str], settings: ServiceSettings, calendar: WorkingCalendar, now: datetime
) -> None:
    """The register's keepers hear of each promise to the customer broken in a case with an
    overdue task (a promise runs out with the step that keeps it: arrival with the on-site visit)."""
    for case_id, states in clocks_of_cases(session, cases, settings, calendar).items():
        for clock in states:
            if not clock.late(now):
                continue
            params = {
                "number": cases[case_id],
                "promise": clock.term,
                "clause": clock.clause,
                "due": clock.due_at.isoformat(),
                "kind": clock.kind,
            }
            key = f"case-{case_id}-promise-{clock.term}"
            notify(
                session.connection(),
                key,
                staff_notices.PROMISE_BROKEN,
                params,
                role=staff_notices.BREACH_KEEPER,
                case_id=case_id,
            )


def dispatch(ctx: EngineContext, actor: Actor, now: datetime | None = None, limit: int = 200) -> int:
    """Queue an e-mail of each new notification to every person it concerns who asked for one
    e-mail per event; outside working time it waits for the next working moment, unless the
    notification is urgent. Returns how many e-mails were queued."""
    require(actor, Permission.RUN_TIMERS)
    now = now or utcnow()
    queued = 0
    with ctx.uow(write=True) as uow:
        connection = uow.connection
        rows = undispatched(connection, limit)
        if not rows:
            return 0
        calendar, zone, wording = ctx.calendar(connection), ZoneInfo(ctx.config.timezone), overrides(connection)
        for row in rows:
            for person in _recipients(connection, row, staff_notices.EMAIL_EACH):
                if not still_asks(connection, row.work_item_id, person.id):
                    continue
                values = _links(_values_of(row, zone, person.language), row, ctx.config.public_url)
                letter = message_templates.filled(row.event, person.language, values, wording)
                send_at = now if row.urgent else calendar.add_working_hours(now, 0)
                queued += queue(
                    connection,
                    f"notice-{row.id}-to-{person.id}",
                    EMAIL,
                    person.email,
                    letter.subject,
                    letter.body,
                    row.case_id,
                    not_before=send_at,
                )
            if row.urgent and ctx.config.sms:
                queued += _text_urgent(connection, row, zone, wording, ctx.config.public_url)
        mark_dispatched(connection, [row.id for row in rows], now)
        uow.commit()
    return queued


def _text_urgent(connection: Connection, row: Any, zone: ZoneInfo, wording: Any, public_url: str | None) -> int:
    """An urgent notification as a text message to each person it concerns who asked for one:
    its subject and link, at once."""
    queued = 0
    for person in _recipients(connection, row, staff_notices.SMS_URGENT, by_text=True):
        number = mobile_number(person.mobile)
        if number is None or not still_asks(connection, row.work_item_id, person.id):
            continue
        values = _links(_values_of(row, zone, person.language), row, public_url)
        subject = message_templates.filled(row.event, person.language, values, wording).subject
        text = text_of(subject, values["url"] or None)
        queued += queue(connection, f"notice-{row.id}-sms-{person.id}", SMS, number, subject, text, row.case_id)
    return queued


def _recipients(connection: Connection, row: Any, choice: str, by_text: bool = False) -> list[Any]:
    """The active people a notification concerns who receive their notices by ``choice`` (of
    e-mail, or of text messages) and have the address for it; never the person whose act
    caused it."""
    query = select(User.id, User.email, User.mobile, User.language, User.created_at).where(User.active.is_(True))
    if by_text:
        query = query.where(User.sms_notices == choice, User.mobile.is_not(None))
    else:
        query = query.where(User.email_notices == choice, User.email.is_not(None), User.email != "")
    if row.user_id is not None:
        query = query.where(User.id == row.user_id)
    else:
        query = query.where(User.id.in_(select(user_roles.c.user_id).where(user_roles.c.role_id == row.role)))
    if row.actor_id is not None:
        query = query.where(User.id != row.actor_id)
    query = query.where(User.created_at <= row.created_at)
    return list(connection.execute(query))


def _links(values: dict[str, Any], row: Any, public_url: str | None) -> dict[str, Any]:
    """The address the message points to: the task when it is about one, else the case."""
    if not public_url:
        return {**values, "url": ""}
    if row.work_item_id is not None:
        return {**values, "url": f"{public_url}/tasks/{row.work_item_id}"}
    return {**values, "url": f"{public_url}/cases/{row.case_id}" if row.case_id else f"{public_url}/notifications"}


DIGEST_SINCE = timedelta(days=1)


def send_digests(ctx: EngineContext, actor: Actor, now: datetime | None = None) -> int:
    """Each working day, once its working time has begun, queue to everyone who chose the
    digest one e-mail of their unread notifications of the last day (none when there are none)."""
    require(actor, Permission.RUN_TIMERS)
    now = now or utcnow()
    with ctx.uow(write=True) as uow:
        connection = uow.connection
        calendar: WorkingCalendar = ctx.calendar(connection)
        zone = ZoneInfo(ctx.config.timezone)
        local = now.astimezone(zone)
        first = calendar.periods[0][0] if calendar.periods else clock_time(8, 30)
        if not calendar.is_workday(local.date()) or local.time() < first:
            return 0
        people = connection.execute(
            select(User.id, User.email, User.language, User.created_at).where(
                User.active.is_(True),
                User.email_notices == staff_notices.EMAIL_DIGEST,
                User.email.is_not(None),
                User.email != "",
            )
        ).all()
        wording = overrides(connection)
        sent = 0
        for person in people:
            key = f"digest-{person.id}-{local.date().isoformat()}"
            roles = frozenset(connection.scalars(select(user_roles.c.role_id).where(user_roles.c.user_id == person.id)))
            reader = Reader(person.id, roles, max(person.created_at, now - DIGEST_SINCE))
            rows, total = notices_for(connection, reader, now, 50, unread_only=True)
            if not rows:
                continue
            lines = [
                "- "
                + message_templates.filled(
                    row.event, person.language, _values_of(row, zone, person.language), wording
                ).subject
                for row in rows
            ]
            url = f"{ctx.config.public_url}/notifications" if ctx.config.public_url else ""
            letter = message_templates.filled(
                "digest", person.language, {"count": str(total), "items": "\n".join(lines), "url": url}, wording
            )
            sent += queue(connection, key, EMAIL, person.email, letter.subject, letter.body, None)
        uow.commit()
    return sent
