"""The promise clocks of many cases in two queries, for the breach register, the dashboard and
the inbox (the case page reads one case's the same way)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.policy import SHIPPED
from engine.domain.promise_clocks import ClockState
from engine.domain.promise_clocks import clock_states
from engine.domain.service_settings import ServiceSettings
from engine.domain.working_calendar import WorkingCalendar
from engine.store.models import AuditEvent
from engine.store.models import Case
from engine.store.models import User
from engine.store.models import WorkItem

ENDED = ("completed", "cancelled")
BATCH = 500  # case ids per IN list (SQLite allows 32 766 parameters; PostgreSQL plans short lists better)


def clocks_of_cases(
    session: Session, case_ids: Iterable[int], settings: ServiceSettings, calendar: WorkingCalendar
) -> dict[int, list[ClockState]]:
    """Each case's started clocks (engine/domain/promise_clocks.py), by case id."""
    ids = sorted(set(case_ids))
    found: dict[int, list[ClockState]] = {}
    for begin in range(0, len(ids), BATCH):
        batch = ids[begin : begin + BATCH]
        done: dict[int, dict[str, datetime]] = defaultdict(dict)
        for case_id, bpmn_id, at in session.execute(
            select(AuditEvent.case_id, AuditEvent.bpmn_id, func.min(AuditEvent.at))
            .where(AuditEvent.case_id.in_(batch), AuditEvent.action == "task_completed")
            .group_by(AuditEvent.case_id, AuditEvent.bpmn_id)
        ):
            if bpmn_id:
                done[case_id][bpmn_id] = at
        for case_id, data, status in session.execute(select(Case.id, Case.data, Case.status).where(Case.id.in_(batch))):
            found[case_id] = clock_states(
                SHIPPED.clocks, data or {}, done[case_id], settings, calendar, ended=status in ENDED
            )
    return found


@dataclass(frozen=True)
class Responsible:
    """Who answers for a step of a case: who completed it, else who holds it, else its roles."""

    person: str
    task: str  # the step's name as the diagram gives it


def responsible_for(session: Session, steps: Iterable[tuple[int, str]]) -> dict[tuple[int, str], Responsible]:
    """The person behind each (case id, step id); a step the case never reached is left out."""
    wanted = set(steps)
    if not wanted:
        return {}
    completer, holder = User.__table__.alias("completer"), User.__table__.alias("holder")
    found: dict[tuple[int, str], Responsible] = {}
    case_ids = sorted({case_id for case_id, _step in wanted})
    for begin in range(0, len(case_ids), BATCH):
        rows = session.execute(
            select(WorkItem.case_id, WorkItem.bpmn_id, WorkItem.name, WorkItem.roles, completer.c.username,
                   holder.c.username)
            .outerjoin(completer, completer.c.id == WorkItem.completed_by_id)
            .outerjoin(holder, holder.c.id == WorkItem.assignee_id)
            .where(WorkItem.case_id.in_(case_ids[begin : begin + BATCH]),
                   WorkItem.bpmn_id.in_({step for _case, step in wanted}))
            .order_by(WorkItem.id)
        )  # fmt: skip
        for case_id, bpmn_id, name, roles, completed_by, held_by in rows:
            key = (case_id, bpmn_id)
            if key in wanted and key not in found:
                person = completed_by or held_by or ("/".join(roles) if roles else "?")
                found[key] = Responsible(person, name)
    return found
