"""The breach register: tasks declared as breaches when late (engine/domain/task_rules.py), finished
after their due time or still open past it, each against the person responsible.

The responsible person is who completed the task, or who holds it while it is open; an open
task nobody claimed is recorded against its roles. Lateness is counted in working time of the
installation's calendar: working hours, or begun working days where the task says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import aliased

from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.periods import Period
from engine.domain.policy import SHIPPED
from engine.domain.working_calendar import WorkingCalendar
from engine.store.context import EngineContext
from engine.store.db import utcnow
from engine.store.models import AuditEvent
from engine.store.models import Case
from engine.store.models import User
from engine.store.models import WorkItem


@dataclass(frozen=True)
class Breach:
    kind: str
    case_id: int
    case_number: str
    task: str
    person: str
    due_at: datetime
    done_at: datetime | None  # None: still open
    late_hours: float
    late_days: int | None  # when the task counts begun working days

    @property
    def open(self) -> bool:
        return self.done_at is None


def list_breaches(ctx: EngineContext, actor: Actor, period: Period) -> list[Breach]:
    """Breaches whose due time falls in the period, earliest first."""
    require(actor, Permission.READ_QUALITY)
    now = utcnow()
    completer, holder = aliased(User), aliased(User)
    with ctx.uow() as uow:
        calendar = ctx.calendar(uow.connection)
        rows = uow.session.execute(
            select(WorkItem, Case.number, completer.username, holder.username)
            .join(Case, Case.id == WorkItem.case_id)
            .outerjoin(completer, completer.id == WorkItem.completed_by_id)
            .outerjoin(holder, holder.id == WorkItem.assignee_id)
            .where(
                WorkItem.rules.is_not(None),
                WorkItem.due_at >= period.start,
                WorkItem.due_at < period.end,
                or_(
                    and_(WorkItem.closed_at.is_not(None), WorkItem.closed_at > WorkItem.due_at),
                    and_(WorkItem.closed_at.is_(None), WorkItem.due_at < now),
                ),
            )
            .order_by(WorkItem.due_at, WorkItem.id)
        ).all()
        promised = _promises_kept_late(uow.session, period, now, calendar)
    found = []
    for item, number, completed_by, held_by in rows:
        rules = item.rules or {}
        if not rules.get("breach") or item.outcome == "cancelled" or item.bpmn_id in SHIPPED.promise_kept_at:
            continue
        done = item.closed_at
        person = completed_by or held_by or ("/".join(item.roles) if item.roles else "?")
        end = done or now
        found.append(
            Breach(
                kind=rules["breach"],
                case_id=item.case_id,
                case_number=number,
                task=item.name,
                person=person,
                due_at=item.due_at,
                done_at=done,
                late_hours=round(calendar.working_hours_between(item.due_at, end), 2),
                late_days=calendar.working_days_late(item.due_at, end)
                if rules.get("breach_count") == "working_days"
                else None,
            )
        )
    return sorted(found + promised, key=lambda b: (b.due_at, b.case_number))


def _promises_kept_late(session: Session, period: Period, now: datetime, calendar: WorkingCalendar) -> list[Breach]:
    """Steps whose promise ends at a moment recorded on their form (the engineer's arrival):
    late when that moment is after the step's due time, or when none is recorded by then —
    against the person who recorded it, or who holds the step."""
    completer, holder = aliased(User), aliased(User)
    steps = list(SHIPPED.promise_kept_at)
    rows = session.execute(
        select(WorkItem, Case.number, completer.username, holder.username, AuditEvent.data)
        .join(Case, Case.id == WorkItem.case_id)
        .outerjoin(completer, completer.id == WorkItem.completed_by_id)
        .outerjoin(holder, holder.id == WorkItem.assignee_id)
        .outerjoin(
            AuditEvent,
            and_(
                AuditEvent.case_id == WorkItem.case_id,
                AuditEvent.action == "task_completed",
                AuditEvent.task_id == WorkItem.task_id,
            ),
        )
        .where(
            WorkItem.bpmn_id.in_(steps),
            WorkItem.due_at >= period.start,
            WorkItem.due_at < period.end,
            or_(WorkItem.outcome.is_(None), WorkItem.outcome != "cancelled"),
        )
        .order_by(WorkItem.due_at, WorkItem.id)
    ).all()
    found = []
    for item, number, completed_by, held_by, data in rows:
        kept = SHIPPED.kept_at(item.bpmn_id, data or {})
        end = kept or (None if item.closed_at else now)
        if end is None or end <= item.due_at:
            continue
        found.append(
            Breach(
                kind="late_arrival",
                case_id=item.case_id,
                case_number=number,
                task=item.name,
                person=completed_by or held_by or ("/".join(item.roles) if item.roles else "?"),
                due_at=item.due_at,
                done_at=kept,
                late_hours=round(calendar.working_hours_between(item.due_at, end), 2),
                late_days=None,
            )
        )
    return found


def by_person(breaches: list[Breach]) -> list[tuple[str, int, int]]:
    """(person, breaches, late days counted) — the figures recorded against each person."""
    counts: Counter[str] = Counter(b.person for b in breaches)
    days: Counter[str] = Counter()
    for breach in breaches:
        days[breach.person] += breach.late_days or 0
    return sorted(((person, count, days[person]) for person, count in counts.items()), key=lambda r: (-r[1], r[0]))
