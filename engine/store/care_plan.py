"""What proactive care is due: customers' visits by their class, maintenance contracts' renewal
notices (engine/store/models/care.py records what was started).

A customer is visited every ``visit_key`` (key customers) or ``visit_other`` (the rest) of the
service settings, counted from its last planned visit, or from when it entered the master;
the visit's case opens ``VISIT_LEAD_DAYS`` before its date, for the dispatcher to plan. A
maintenance contract still running gets its renewal case at once; that process waits itself
until a month before the end (S0 二十). A unit delivered in the last ``INSTALL_LOOKBACK_DAYS``
(the product archive's import or API) gets its installation and commissioning case, which
calls the customer a month after the delivery (S0 二.3, S3 五). Every unit still under
warranty is called about each quarter after its delivery (``product_call``): the next call is
three months after the last one's date, or after the delivery; a call missed while the worker
was stopped is made once, today. Every customer is surveyed on its satisfaction once a year
(``customer_survey``, S3 12.3 一 4)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.engine import Connection

from engine.domain.customer_master import MAINTENANCE_CONTRACT
from engine.domain.service_settings import ServiceSettings
from engine.domain.service_settings import Term
from engine.domain.working_calendar import add_months
from engine.store.db import table_of
from engine.store.db import utcnow
from engine.store.models import CareStart
from engine.store.models import Customer
from engine.store.models import DeliveredUnit
from engine.store.models import ServiceAgreement
from engine.store.models import UnitCareStart

STARTS = table_of(CareStart)
UNIT_STARTS = table_of(UnitCareStart)
UNITS = table_of(DeliveredUnit)
CUSTOMERS = table_of(Customer)
AGREEMENTS = table_of(ServiceAgreement)
VISIT, RENEWAL, INSTALLATION, CALL, SURVEY = "visit", "renewal", "installation", "call", "survey"
VISIT_PROCESS, RENEWAL_PROCESS, INSTALLATION_PROCESS = "customer_visit", "contract_renewal", "installation"
CALL_PROCESS, SURVEY_PROCESS = "product_call", "customer_survey"
CALL_MONTHS = 3  # a unit under warranty is called about every quarter after its delivery
INSTALL_LOOKBACK_DAYS = 30  # a delivery older than this when the worker first runs is not installed now
VISIT_LEAD_DAYS = 30
MAINTENANCE = MAINTENANCE_CONTRACT


@dataclass(frozen=True)
class DueCare:
    kind: str
    subject_id: int
    due_on: date
    process: str
    data: dict[str, Any]
    customer: str
    customer_kind: str
    serial_number: str | None = None  # a unit's planned case (subject_id 0)


def _after(start: date, term: Term) -> date:
    if term.unit == "months":
        return add_months(start, int(term.amount))  # type: ignore[arg-type]
    days = term.amount if term.unit in ("days", "working_days") else term.amount / 24
    return start + timedelta(days=max(1.0, float(days)))


def _last_starts(connection: Connection, kind: str) -> dict[int, date]:
    """Customer id → the due date of its latest planned case of ``kind``."""
    query = select(STARTS.c.subject_id, func.max(STARTS.c.due_on)).where(STARTS.c.kind == kind)
    return dict(connection.execute(query.group_by(STARTS.c.subject_id)).tuples().all())


def next_visits(connection: Connection, settings: ServiceSettings, zone: ZoneInfo, today: date) -> list[DueCare]:
    """Each customer's next visit, earliest first (none for a class the company does not visit).
    One whose date has passed unplanned (the worker was stopped) is due today: visits missed
    are caught up once, not one case per missed interval."""
    last = _last_starts(connection, VISIT)
    found = []
    for row in connection.execute(select(CUSTOMERS.c.id, CUSTOMERS.c.name, CUSTOMERS.c.kind, CUSTOMERS.c.created_at)):
        term = settings.term("visit_key" if row.kind == "key" else "visit_other")
        if term is None:
            continue
        since = last.get(row.id) or row.created_at.astimezone(zone).date()
        due = max(_after(since, term), today)
        data = {"customer": row.name, "visit_due": due.isoformat()}
        found.append(DueCare(VISIT, row.id, due, VISIT_PROCESS, data, row.name, row.kind))
    return sorted(found, key=lambda item: (item.due_on, item.subject_id))


def due_care(connection: Connection, settings: ServiceSettings, zone: ZoneInfo, today: date) -> list[DueCare]:
    """The planned cases to start now: visits due within the lead time, renewals not started."""
    visits = next_visits(connection, settings, zone, today)
    due = [item for item in visits if item.due_on <= today + timedelta(VISIT_LEAD_DAYS)]
    started = select(STARTS.c.id).where(
        and_(STARTS.c.kind == RENEWAL, STARTS.c.subject_id == AGREEMENTS.c.id, STARTS.c.due_on == AGREEMENTS.c.ends_on)
    )
    contracts = connection.execute(
        select(AGREEMENTS.c.id, AGREEMENTS.c.number, AGREEMENTS.c.ends_on, CUSTOMERS.c.name, CUSTOMERS.c.kind)
        .join_from(AGREEMENTS, CUSTOMERS)
        .where(AGREEMENTS.c.kind == MAINTENANCE, AGREEMENTS.c.ends_on >= today, ~started.exists())
        .order_by(AGREEMENTS.c.ends_on)
    )
    for row in contracts:
        data = {"customer": row.name, "contract_no": row.number, "contract_end": row.ends_on.isoformat()}
        due.append(DueCare(RENEWAL, row.id, row.ends_on, RENEWAL_PROCESS, data, row.name, row.kind))
    return (
        due
        + due_surveys(connection, settings, zone, today)
        + due_installations(connection, today)
        + due_calls(connection, today)
    )


def due_surveys(connection: Connection, settings: ServiceSettings, zone: ZoneInfo, today: date) -> list[DueCare]:
    """Each customer whose yearly satisfaction survey (term ``customer_survey``) falls due today
    or earlier: a year after the last survey, or after the customer entered the master; one
    missed while the worker was stopped is made once, today."""
    term = settings.term("customer_survey")
    if term is None:
        return []
    last = _last_starts(connection, SURVEY)
    found = []
    for row in connection.execute(select(CUSTOMERS.c.id, CUSTOMERS.c.name, CUSTOMERS.c.kind, CUSTOMERS.c.created_at)):
        due = _after(last.get(row.id) or row.created_at.astimezone(zone).date(), term)
        if due > today:
            continue
        data = {"customer": row.name, "survey_due": today.isoformat()}
        found.append(DueCare(SURVEY, row.id, today, SURVEY_PROCESS, data, row.name, row.kind))
    return found


def due_calls(connection: Connection, today: date) -> list[DueCare]:
    """Each unit under warranty whose quarterly call falls due today or earlier."""
    last = dict(
        connection.execute(
            select(UNIT_STARTS.c.serial_number, func.max(UNIT_STARTS.c.due_on))
            .where(UNIT_STARTS.c.kind == CALL)
            .group_by(UNIT_STARTS.c.serial_number)
        )
        .tuples()
        .all()
    )
    rows = connection.execute(
        select(UNITS.c.serial_number, UNITS.c.model, UNITS.c.customer, UNITS.c.delivered_on)
        .where(UNITS.c.delivered_on.is_not(None), UNITS.c.warranty_end >= today)
        .order_by(UNITS.c.serial_number)
    )
    found = []
    for row in rows:
        due = add_months(last.get(row.serial_number) or row.delivered_on, CALL_MONTHS)
        if due > today:
            continue
        data = {"serial_number": row.serial_number, "product_model": row.model, "customer": row.customer,
                "call_due": today.isoformat()}  # fmt: skip
        found.append(DueCare(CALL, 0, today, CALL_PROCESS, data, row.customer, "", row.serial_number))
    return found


def due_installations(connection: Connection, today: date) -> list[DueCare]:
    """Each unit delivered lately (up to today) whose installation case was not started."""
    started = select(UNIT_STARTS.c.id).where(
        UNIT_STARTS.c.kind == INSTALLATION,
        UNIT_STARTS.c.serial_number == UNITS.c.serial_number,
        UNIT_STARTS.c.due_on == UNITS.c.delivered_on,
    )
    rows = connection.execute(
        select(UNITS.c.serial_number, UNITS.c.model, UNITS.c.customer, UNITS.c.delivered_on)
        .where(
            UNITS.c.delivered_on <= today,
            UNITS.c.delivered_on >= today - timedelta(INSTALL_LOOKBACK_DAYS),
            ~started.exists(),
        )
        .order_by(UNITS.c.delivered_on, UNITS.c.serial_number)
    )
    found = []
    for row in rows:
        data = {
            "serial_number": row.serial_number,
            "product_model": row.model,
            "customer": row.customer,
            "delivered_on": row.delivered_on.isoformat(),
        }
        found.append(
            DueCare(INSTALLATION, 0, row.delivered_on, INSTALLATION_PROCESS, data, row.customer, "", row.serial_number)
        )
    return found


def record_start(connection: Connection, item: DueCare, case_id: int) -> None:
    """In the new case's transaction: a second worker starting the same item fails on the
    unique key and its case is rolled back with it."""
    if item.serial_number is not None:
        values = {"kind": item.kind, "serial_number": item.serial_number, "due_on": item.due_on, "case_id": case_id}
        connection.execute(insert(UNIT_STARTS).values(**values, started_at=utcnow()))
        return
    connection.execute(
        insert(STARTS).values(
            kind=item.kind, subject_id=item.subject_id, due_on=item.due_on, case_id=case_id, started_at=utcnow()
        )
    )
