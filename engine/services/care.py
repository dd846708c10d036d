"""The calendar of planned care: the visits each engineer has ahead, and those falling due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine.domain import clock
from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.store.care_plan import DueCare
from engine.store.care_plan import next_visits
from engine.store.context import EngineContext
from engine.store.models import Case
from engine.store.models import User
from engine.store.models import WorkItem

HORIZON_DAYS = 180
# The steps of planned care an engineer goes out for: a customer's visit, a unit's installation.
INSTALLATION_STEPS = ("plan_installation", "install")
PLANNED_STEPS = ("plan_visit", "visit", *INSTALLATION_STEPS)
ENGINEER_STEPS = ("visit", "install")


@dataclass(frozen=True)
class PlannedVisit:
    case_id: int
    case_number: str
    customer: str
    step: str  # plan_visit / plan_installation (the dispatcher's), visit / install (the engineer's)
    engineer: str | None  # who visits, once planned
    on: date | None  # the planned date, else the date the visit is due
    overdue: bool
    kind: str = "visit"  # or installation (a delivered unit's, with its serial number)
    serial_number: str = ""


@dataclass(frozen=True)
class CareCalendar:
    today: date
    open: list[PlannedVisit]  # started visits, by engineer then date
    coming: list[DueCare]  # the next visit of every customer within the horizon, not yet started

    def by_engineer(self) -> list[tuple[str | None, list[PlannedVisit]]]:
        groups: dict[str | None, list[PlannedVisit]] = {}
        for visit in self.open:
            groups.setdefault(visit.engineer, []).append(visit)
        return sorted(groups.items(), key=lambda group: (group[0] is None, group[0] or ""))


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def care_calendar(ctx: EngineContext, actor: Actor) -> CareCalendar:
    require(actor, Permission.READ_CUSTOMERS)
    zone = ZoneInfo(ctx.config.timezone)
    today = clock.today(zone)
    with ctx.uow() as uow:
        session = uow.session
        rows = session.execute(
            select(WorkItem.bpmn_id, Case.id, Case.number, Case.data, User.display_name, User.username)
            .join(Case, Case.id == WorkItem.case_id)
            .outerjoin(User, User.id == WorkItem.assignee_id)
            .where(WorkItem.bpmn_id.in_(PLANNED_STEPS), WorkItem.closed_at.is_(None))
        ).all()
        visits = []
        for bpmn_id, case_id, number, data, display, username in rows:
            data = data or {}
            on = _date(data.get("planned_on")) or _date(data.get("visit_due")) or _date(data.get("delivered_on"))
            engineer = (display or username) if bpmn_id in ENGINEER_STEPS else None
            kind = "installation" if bpmn_id in INSTALLATION_STEPS else "visit"
            visits.append(
                PlannedVisit(
                    case_id, number, str(data.get("customer", "")), bpmn_id, engineer, on, bool(on and on < today),
                    kind, str(data.get("serial_number") or ""),
                )
            )  # fmt: skip
        visits.sort(key=lambda v: (v.engineer or "", v.on or today))
        started = {v.customer for v in visits}
        horizon = today + timedelta(HORIZON_DAYS)
        coming = [
            item
            for item in next_visits(uow.connection, ctx.settings(uow.connection), zone, today)
            if item.due_on <= horizon and item.customer not in started
        ]
        return CareCalendar(today, visits, coming)
