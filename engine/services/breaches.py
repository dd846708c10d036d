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
from decimal import Decimal

from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import aliased

from engine.domain import expense_audit
from engine.domain import task_rules
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
    amount: Decimal | None = None  # yuan: the configured fine, or the expenses an audit cut
    note: str = ""  # what was cut, and why

    @property
    def open(self) -> bool:
        return self.done_at is None


# The fines of the service settings (penalties) counted per late working day, by breach kind.
FINE_PER_DAY = {"late_expense_audit": "late_audit_per_day"}
CUT_EXPENSES = "cut_expenses"  # an audited claim's lines cut (S2 7.2.7, 8.4), against the claimant
LEFT = "left_without_approval"  # S2 7.2.6, against the engineer, with the configured fine


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
        settings = ctx.settings(uow.connection)
        promised = _broken_promises(uow.session, period, now, settings, calendar)
        cut = _cut_expenses(uow.session, period) + _left_without_approval(uow.session, period, settings)
    found = []
    for item, number, completed_by, held_by in rows:
        rules = item.rules or {}
        if not rules.get("breach") or item.outcome == "cancelled" or rules["breach"] in PROMISE_KINDS:
            continue  # a promise's breach is its clock's (below), counted once
        done = item.closed_at
        person = completed_by or held_by or ("/".join(item.roles) if item.roles else "?")
        end = done or now
        days = calendar.working_days_late(item.due_at, end) if rules.get("breach_count") == "working_days" else None
        fine = settings.penalties.get(FINE_PER_DAY.get(rules["breach"], ""))
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
                late_days=days,
                amount=Decimal(str(fine)) * days if fine and days else None,
            )
        )
    return sorted(found + promised + cut, key=lambda b: (b.due_at, b.case_number))


def _cut_expenses(session: Session, period: Period) -> list[Breach]:
    """Each audit finished in the period that cut claimed expenses, against whoever claimed
    them (the step whose form holds the audited claim), with the amount and the reasons."""
    audits = [
        (item, number, data or {})
        for item, number, data in session.execute(
            select(WorkItem, Case.number, Case.data)
            .join(Case, Case.id == WorkItem.case_id)
            .where(
                WorkItem.rules.is_not(None),
                WorkItem.outcome == "completed",
                WorkItem.closed_at >= period.start,
                WorkItem.closed_at < period.end,
            )
        ).all()
        if (item.rules or {}).get(task_rules.AUDITS)
        and expense_audit.cut_lines(data.get(expense_audit.AUDIT_LINES) or [])
    ]
    if not audits:
        return []
    claim_steps: dict[int, str] = {}
    rows = session.execute(
        select(WorkItem.case_id, WorkItem.bpmn_id, WorkItem.form)
        .where(WorkItem.case_id.in_({item.case_id for item, _n, _d in audits}), WorkItem.outcome == "completed")
        .order_by(WorkItem.id)
    )
    claims = {item.case_id: item.rules[task_rules.AUDITS] for item, _n, _d in audits}
    for case_id, bpmn_id, form in rows:
        if claims[case_id] in {f["id"] for f in (form or {}).get("fields", [])}:
            claim_steps.setdefault(case_id, bpmn_id)
    people = responsible_for(session, claim_steps.items())
    found = []
    for item, number, data in audits:
        lines = expense_audit.cut_lines(data[expense_audit.AUDIT_LINES])
        who = people.get((item.case_id, claim_steps.get(item.case_id, "")))
        found.append(
            Breach(
                kind=CUT_EXPENSES,
                case_id=item.case_id,
                case_number=number,
                task=who.task if who else "",
                person=who.person if who else "?",
                due_at=item.closed_at,
                done_at=item.closed_at,
                late_hours=0.0,
                late_days=None,
                amount=sum((amount for _item, amount, _reason in lines), Decimal(0)),
                note="; ".join(f"{what} −{amount}: {reason}" for what, amount, reason in lines),
            )
        )
    return found


def _left_without_approval(session: Session, period: Period, settings: ServiceSettings) -> list[Breach]:
    """Each engineer who left a site without approval, as the step recording the leave said in
    the period, against whoever did the service, with the fine of the service settings."""
    answer, value, service_step = SHIPPED.left_without_approval
    rows = [
        (item, number)
        for item, number, data in session.execute(
            select(WorkItem, Case.number, Case.data)
            .join(Case, Case.id == WorkItem.case_id)
            .where(
                WorkItem.bpmn_id == answer.step,
                WorkItem.outcome == "completed",
                WorkItem.closed_at >= period.start,
                WorkItem.closed_at < period.end,
            )
        ).all()
        if (data or {}).get(answer.field) == value
    ]
    people = responsible_for(session, [(item.case_id, service_step) for item, _number in rows])
    fine = settings.penalties.get("leave_without_approval")
    found = []
    for item, number in rows:
        who = people.get((item.case_id, service_step))
        found.append(
            Breach(
                kind=LEFT,
                case_id=item.case_id,
                case_number=number,
                task=who.task if who else item.name,
                person=who.person if who else "?",
                due_at=item.closed_at,
                done_at=item.closed_at,
                late_hours=0.0,
                late_days=None,
                amount=Decimal(str(fine)) if fine else None,
            )
        )
    return found


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


def by_person(breaches: list[Breach]) -> list[tuple[str, int, int, Decimal]]:
    """(person, breaches, late days counted, yuan: fines and cut expenses) — the figures
    recorded against each person."""
    counts: Counter[str] = Counter(b.person for b in breaches)
    days: Counter[str] = Counter()
    amounts: dict[str, Decimal] = {}
    for breach in breaches:
        days[breach.person] += breach.late_days or 0
        amounts[breach.person] = amounts.get(breach.person, Decimal(0)) + (breach.amount or 0)
    rows = [(person, count, days[person], amounts[person]) for person, count in counts.items()]
    return sorted(rows, key=lambda r: (-r[1], r[0]))
