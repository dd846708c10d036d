"""The staff inbox: filtered, searched, paginated task lists, the counts in the navigation,
supervisors reassigning tasks, and drafts of task forms."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select
from sqlalchemy import String
from sqlalchemy import case
from sqlalchemy import cast
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update

from engine.domain import customer_answers
from engine.domain import form_rows
from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.authz import roles_that_may_work
from engine.domain.authz import supervised_roles
from engine.domain.errors import InvalidData
from engine.domain.errors import NotAllowed
from engine.domain.messages import Message
from engine.domain.promise_clocks import ClockState
from engine.domain.promise_clocks import next_at_stake
from engine.domain.signatures import SIGNATURE
from engine.domain.staff_notices import TASK_HANDED
from engine.store.case_clocks import clocks_of_cases
from engine.store.case_reads import case_summary
from engine.store.case_writer import ITEMS
from engine.store.case_writer import CaseWriter
from engine.store.case_writer import OpenItem
from engine.store.context import EngineContext
from engine.store.db import utcnow
from engine.store.models import Case
from engine.store.models import ProcessVersion
from engine.store.models import User
from engine.store.models import WorkItem
from engine.store.notifications import notify
from engine.store.notifications import reader_of
from engine.store.notifications import unread_count
from engine.store.work_items import TaskInfo
from engine.store.work_items import may_work_on
from engine.store.work_items import open_to_any
from engine.store.work_items import require_open_item
from engine.store.work_items import task_info
from engine.store.work_items import visible_to
from engine.store.workload import Candidate
from engine.store.workload import candidates
from engine.store.workload import find_candidate

PAGE_SIZE = 25
EXPORT_ROWS = 50_000
DUE_CHOICES = ("overdue", "today")
# Sort keys of the inbox; "-" first means descending. Priority 1 is the most urgent.
SORTS = ("due", "-due", "priority", "case", "-case", "received", "-received", "customer")


@dataclass(frozen=True)
class InboxFilter:
    scope: str = "available"  # "mine": assigned to me; "available": everything I may do now
    process: str | None = None
    task: str | None = None  # BPMN id
    due: str | None = None  # "overdue" or "today"
    q: str | None = None  # case number, or any value of the case data (customer, serial number …)


@dataclass(frozen=True)
class InboxPage:
    tasks: list[TaskInfo]
    total: int
    page: int
    pages: int
    task_choices: list[tuple[str, str]] = field(default_factory=list)  # (BPMN id, name) to filter by
    cases: dict[int, dict[str, Any]] = field(default_factory=dict)  # case id → its summary fields
    process_choices: list[tuple[str, str]] = field(default_factory=list)  # (key, name)
    promises: dict[int, ClockState] = field(default_factory=dict)  # case id → its next promise at stake


@dataclass(frozen=True)
class InboxCounts:
    available: int
    mine: int
    overdue: int
    notices: int = 0  # the bell: unread notifications that still concern me


def _today(ctx: EngineContext, now: datetime) -> tuple[datetime, datetime]:
    zone = ZoneInfo(ctx.config.timezone)
    start = datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)
    return start, start + timedelta(days=1)


def _filtered(ctx: EngineContext, actor: Actor, filters: InboxFilter, now: datetime) -> Select[Any]:
    query = (
        select(WorkItem, User.username)
        .select_from(WorkItem)
        .join(Case, Case.id == WorkItem.case_id)
        .outerjoin(User, User.id == WorkItem.assignee_id)
    )
    if filters.scope == "mine":
        query = query.where(WorkItem.closed_at.is_(None), WorkItem.assignee_id == actor.user_id)
    else:
        query = query.where(visible_to(actor))
    if filters.process:
        query = query.where(WorkItem.process_key == filters.process)
    if filters.task:
        query = query.where(WorkItem.bpmn_id == filters.task)
    if filters.due == "overdue":
        query = query.where(WorkItem.due_at < now)
    elif filters.due == "today":
        start, end = _today(ctx, now)
        query = query.where(WorkItem.due_at >= start, WorkItem.due_at < end)
    if filters.q:
        pattern = f"%{filters.q.strip()}%"
        query = query.where(or_(Case.number.like(pattern), cast(Case.data, String).like(pattern)))
    return query


def _order(sort: str) -> list[Any]:
    priority = Case.data["priority"].as_string()  # text: a value that is no number cannot fail the query
    orders: dict[str, list[Any]] = {
        "due": [WorkItem.due_at.is_(None), WorkItem.due_at, WorkItem.id],
        "-due": [WorkItem.due_at.is_(None), WorkItem.due_at.desc(), WorkItem.id],
        "priority": [priority.is_(None), priority, WorkItem.due_at.is_(None), WorkItem.due_at, WorkItem.id],
        "case": [Case.number, WorkItem.id],
        "-case": [Case.number.desc(), WorkItem.id],
        "received": [WorkItem.id],
        "-received": [WorkItem.id.desc()],
        "customer": [Case.data["customer"].as_string().is_(None), Case.data["customer"].as_string(), WorkItem.id],
    }
    return orders[sort]


def _check(filters: InboxFilter, page: int, sort: str = "due") -> None:
    errors: dict[str, str] = {}
    if sort not in SORTS:
        errors["sort"] = Message("must be one of %(choices)s", choices=", ".join(SORTS))
    if filters.scope not in ("mine", "available"):
        errors["scope"] = Message("must be one of %(choices)s", choices="mine, available")
    if filters.due is not None and filters.due not in DUE_CHOICES:
        errors["due"] = Message("must be one of %(choices)s", choices=", ".join(DUE_CHOICES))
    for name in ("process", "task", "q"):
        value = getattr(filters, name)
        if value and ("\x00" in value or len(value) > 200):
            errors[name] = Message("must be at most 200 characters, without NUL")
    if not 1 <= page <= 100_000:
        errors["page"] = Message("must be between 1 and %(last)s", last=100_000)
    if errors:
        raise InvalidData(errors)


def inbox(
    ctx: EngineContext,
    actor: Actor,
    filters: InboxFilter,
    page: int = 1,
    per_page: int | None = PAGE_SIZE,
    sort: str = "due",
) -> InboxPage:
    """By default sorted by due time (tasks without one last), then by age; ``per_page=None``
    gives every matching task (at most EXPORT_ROWS), for the exports."""
    require(actor, Permission.WORK_TASKS)
    _check(filters, page, sort)
    now = utcnow()
    query = _filtered(ctx, actor, filters, now)
    limit = per_page if per_page is not None else EXPORT_ROWS
    with ctx.uow() as uow:
        session = uow.session
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        ordered = query.order_by(*_order(sort))
        rows = session.execute(ordered.limit(limit).offset((page - 1) * limit)).all()
        case_ids = {item.case_id for item, _username in rows}
        summaries = {
            case.id: case_summary(case).data for case in session.scalars(select(Case).where(Case.id.in_(case_ids)))
        }
        promises: dict[int, ClockState] = {}
        if per_page is not None:  # a page, not an export of every row
            clocks = clocks_of_cases(session, case_ids, ctx.settings(session), ctx.calendar(session))
            promises = {case_id: state for case_id, states in clocks.items() if (state := next_at_stake(states))}
        everything = InboxFilter(scope=filters.scope)
        choices = session.execute(
            _filtered(ctx, actor, everything, now)
            .with_only_columns(WorkItem.bpmn_id, WorkItem.name, WorkItem.process_key)
            .distinct()
        ).all()
        keys = sorted({row.process_key for row in choices})
        named = session.execute(
            select(ProcessVersion.key, ProcessVersion.name)
            .where(ProcessVersion.key.in_(keys))
            .order_by(ProcessVersion.id)
        )
        names = dict(named.tuples().all())  # the newest version's name wins
    return InboxPage(
        tasks=[task_info(item, username) for item, username in rows],
        total=int(total),
        page=page,
        pages=max(1, -(-int(total) // limit)),
        task_choices=sorted({(row.bpmn_id, row.name) for row in choices}, key=lambda pair: pair[1]),
        cases=summaries,
        promises=promises,
        process_choices=sorted(((key, names.get(key, key)) for key in keys), key=lambda pair: pair[1]),
    )


def counts(ctx: EngineContext, actor: Actor) -> InboxCounts:
    """For the navigation bar: what I may do, what is mine, how much of it is overdue, and the
    bell's unread notifications (one transaction for the bar of every page)."""
    require(actor, Permission.WORK_TASKS)
    now = utcnow()
    with ctx.uow() as uow:
        row = uow.session.execute(
            select(
                func.count(WorkItem.id),
                func.count(WorkItem.id).filter(WorkItem.assignee_id == actor.user_id),
                func.count(WorkItem.id).filter(WorkItem.due_at < now),
            ).where(visible_to(actor))
        ).one()
        reader = reader_of(uow.connection, actor)
        notices = unread_count(uow.connection, reader, now) if reader else 0
    return InboxCounts(int(row[0]), int(row[1]), int(row[2]), notices)


@dataclass(frozen=True)
class BoardPage:
    """The team board: every open task in the supervisor's area, overdue first."""

    tasks: list[TaskInfo]
    total: int
    page: int
    pages: int
    people: list[Candidate]  # everyone working in the area, with their open workload (the filter)
    choices: dict[int, list[Candidate]]  # per task: who it may be handed to
    overdue: int


UNASSIGNED = "-"


def team_board(
    ctx: EngineContext, actor: Actor, holder: str | None = None, page: int = 1, per_page: int = PAGE_SIZE
) -> BoardPage:
    """``holder``: a user name, or ``-`` for tasks nobody holds."""
    require(actor, Permission.REASSIGN_TASKS)
    if holder and ("\x00" in holder or len(holder) > 80):
        raise InvalidData({"holder": Message("must be at most 80 characters, without NUL")})
    if not 1 <= page <= 100_000:
        raise InvalidData({"page": Message("must be between 1 and %(last)s", last=100_000)})
    area = supervised_roles(actor)
    now = utcnow()
    query = (
        select(WorkItem, User.username)
        .join(Case, Case.id == WorkItem.case_id)
        .outerjoin(User, User.id == WorkItem.assignee_id)
        .where(WorkItem.closed_at.is_(None), open_to_any(area))
    )
    if holder == UNASSIGNED:
        query = query.where(WorkItem.assignee_id.is_(None))
    elif holder:
        query = query.where(User.username == holder)
    with ctx.uow() as uow:
        session = uow.session
        listed = query.subquery()
        total, overdue = session.execute(select(func.count(), func.count().filter(listed.c.due_at < now))).one()
        late_first = case((WorkItem.due_at < now, 0), else_=1)
        ordered = query.order_by(late_first, WorkItem.due_at.is_(None), WorkItem.due_at, WorkItem.id)
        rows = session.execute(ordered.limit(per_page).offset((page - 1) * per_page)).all()
        people = candidates(session, area)
        items = [task_info(item, username) for item, username in rows]
        choices = {
            item.id: [p for p in people if p.roles & roles_that_may_work(item.roles) and p.username != username]
            for item, username in rows
        }
    return BoardPage(items, int(total), page, max(1, -(-int(total) // per_page)), people, choices, int(overdue))


def _in_area(actor: Actor, item: OpenItem) -> None:
    if not supervised_roles(actor) & set(item.roles):
        raise NotAllowed(Message("task '%(task)s' is outside the tasks you supervise", task=item.name))


def release(ctx: EngineContext, actor: Actor, item_id: int) -> TaskInfo:
    """A supervisor takes a task back from whoever holds it: open again to everyone with its role."""
    require(actor, Permission.REASSIGN_TASKS)
    with ctx.uow(write=True) as uow:
        item = require_open_item(uow.connection, item_id)
        _in_area(actor, item)
        if item.assignee_id is None:
            return task_info(item, None)
        writer = CaseWriter(uow.connection, item.case, keys=ctx.audit_keys)
        uow.connection.execute(update(ITEMS).where(ITEMS.c.id == item.id).values(assignee_id=None))
        writer.event(
            actor, "task_released", task=(item.task_id, item.bpmn_id, item.name), data={"from_id": item.assignee_id}
        )
        writer.write()
        uow.commit()
        return task_info(item, None)


def reassign(ctx: EngineContext, actor: Actor, item_id: int, username: str) -> TaskInfo:
    """A supervisor hands an open task in their area to an active colleague who may do it."""
    require(actor, Permission.REASSIGN_TASKS)
    with ctx.uow(write=True) as uow:
        item = require_open_item(uow.connection, item_id)
        _in_area(actor, item)
        target = find_candidate(uow.session, username, roles_that_may_work(item.roles))
        if target is None:
            raise InvalidData({"assignee": Message("choose one of the listed people")})
        writer = CaseWriter(uow.connection, item.case, keys=ctx.audit_keys)
        uow.connection.execute(update(ITEMS).where(ITEMS.c.id == item.id).values(assignee_id=target.id))
        writer.event(
            actor,
            "task_reassigned",
            task=(item.task_id, item.bpmn_id, item.name),
            data={"to": target.username, "from_id": item.assignee_id},
        )
        writer.write()
        notify(
            uow.connection,
            f"item-{item.id}-handed-{writer.seq}",
            TASK_HANDED,
            {
                "number": item.case.number,
                "task": item.name,
                "due": item.due_at.isoformat() if item.due_at else None,
                "by": actor.username,
            },
            user_id=target.id,
            case_id=item.case_id,
            item_id=item.id,
            actor_id=actor.user_id,
        )
        uow.commit()
        return task_info(item, target.username)


def save_draft(ctx: EngineContext, actor: Actor, item_id: int, values: dict[str, Any]) -> None:
    """Keep what was typed so far, unvalidated; the form shows it again until completion. A
    signature is never kept in a draft: it is given at the moment of answering."""
    require(actor, Permission.WORK_TASKS)
    with ctx.uow(write=True) as uow:
        item = require_open_item(uow.connection, item_id)
        if not may_work_on(item, actor):
            raise NotAllowed(Message("task '%(task)s' is not open to you", task=item.name))
        fields = item.form.get("fields", [])
        known = {f["id"] for f in fields if f["type"] != SIGNATURE} | set(customer_answers.DESK_KEYS)
        tables = {f["id"] for f in fields if f["type"] == form_rows.ROWS}
        draft = {key: value for key, value in values.items() if key in known or key.partition("-")[0] in tables}
        if any(not isinstance(value, str) or "\x00" in value or len(value) > 20_000 for value in draft.values()):
            raise InvalidData({"draft": Message("draft values must be text of at most 20 000 characters")})
        uow.connection.execute(update(ITEMS).where(ITEMS.c.id == item.id).values(draft=draft))
        uow.commit()
