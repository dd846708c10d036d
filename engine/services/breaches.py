"""The breach register: every promise to the customer broken (the clocks of Policy.clocks) and
every task declared as a breach when late (engine/domain/task_rules.py), finished after its due
time or still open past it, each against the person responsible.

The responsible person is who completed the task, or who holds it while it is open; an open
task nobody claimed is recorded against its roles. Lateness is counted in working time of the
installation's calendar: working hours, or begun working days where the task says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

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
from engine.domain.service_settings import ServiceSettings
from engine.domain.working_calendar import WorkingCalendar
from engine.store.case_clocks import clocks_of_cases
from engine.store.case_clocks import responsible_for
from engine.store.context import EngineContext
from engine.store.db import utcnow
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


# How long before a promise's due time its case may have been opened: the longest term (a
# calendar month; 15 working days across a Golden Week) and a customer's wait over a quote.
LOOKBACK = timedelta(days=100)
PROMISE_KINDS = frozenset(clock.kind for clock in SHIPPED.clocks)


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
        promised = _broken_promises(uow.session, period, now, ctx.settings(uow.connection), calendar)
    found = []
    for item, number, completed_by, held_by in rows:
        rules = item.rules or {}
        if not rules.get("breach") or item.outcome == "cancelled" or rules["breach"] in PROMISE_KINDS:
            continue  # a promise's breach is its clock's (below), counted once
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


def _broken_promises(
    session: Session, period: Period, now: datetime, settings: ServiceSettings, calendar: WorkingCalendar
) -> list[Breach]:
    """Every promise clock (Policy.clocks) broken or overdue with its due time in the period,
    against the person of the step that answers for it: the engineer who arrived late, the
    desk that forwarded late. A clock's start is recorded on its case, which was opened at most
    ``LOOKBACK`` before its due time."""
    opened = select(Case.id, Case.number).where(
        Case.created_at >= period.start - LOOKBACK, Case.created_at < period.end
    )
    numbers: dict[int, str] = {case_id: number for case_id, number in session.execute(opened)}
    late = [
        (case_id, clock)
        for case_id, clocks in clocks_of_cases(session, numbers, settings, calendar).items()
        for clock in clocks
        if clock.late(now) and period.start <= clock.due_at < period.end
    ]
    people = responsible_for(session, [(case_id, clock.owner) for case_id, clock in late])
    found = []
    for case_id, clock in late:
        who = people.get((case_id, clock.owner))
        found.append(
            Breach(
                kind=clock.kind,
                case_id=case_id,
                case_number=numbers[case_id],
                task=who.task if who else "",
                person=who.person if who else clock.fallback or "?",
                due_at=clock.due_at,
                done_at=clock.stopped_at,
                late_hours=round(calendar.working_hours_between(clock.due_at, clock.stopped_at or now), 2),
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
