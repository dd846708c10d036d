"""Read-only views of cases for lists, case pages and integrations."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select
from sqlalchemy import String
from sqlalchemy import cast
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.bpmn.diagram_files import processes_in
from engine.domain import printed_forms
from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import can
from engine.domain.authz import require
from engine.domain.errors import InvalidData
from engine.domain.errors import NotFound
from engine.domain.messages import Message
from engine.domain.periods import local_day
from engine.domain.policy import SHIPPED
from engine.domain.printed_forms import FormOffer
from engine.domain.promise_clocks import ClockState
from engine.domain.promise_clocks import clock_states
from engine.domain.service_settings import CaseClass
from engine.store.archived_units import ArchivedUnit
from engine.store.archived_units import archived_unit
from engine.store.audit_keys import AuditKeys
from engine.store.audit_trail import verify_events
from engine.store.case_notes import Note
from engine.store.case_notes import notes_of
from engine.store.case_progress import read_runtime
from engine.store.case_reads import CaseInfo
from engine.store.case_reads import case_info
from engine.store.case_reads import case_summary
from engine.store.case_record import CaseRecord
from engine.store.case_record import RecordGroup
from engine.store.case_record import case_record
from engine.store.case_record import record_groups
from engine.store.case_writer import load_case
from engine.store.context import EngineContext
from engine.store.customer_links import LinkInfo
from engine.store.customer_links import links_of
from engine.store.db import utcnow
from engine.store.models import AuditEvent
from engine.store.models import Case
from engine.store.models import ProcessVersion
from engine.store.models import User
from engine.store.models import WorkItem
from engine.store.models.cases import CANCELLED
from engine.store.models.cases import COMPLETED
from engine.store.models.cases import ERROR
from engine.store.models.cases import RUNNING
from engine.store.pdf_documents import printed_numbers
from engine.store.uow import UnitOfWork
from engine.store.work_items import TaskInfo
from engine.store.work_items import task_info

STATUSES = (RUNNING, COMPLETED, CANCELLED, ERROR)
PAGE_SIZE = 20
MAX_PAGE = 100_000


@dataclass(frozen=True)
class EventInfo:
    seq: int
    at: datetime
    actor: str
    roles: list[str]
    action: str
    task_id: str | None
    bpmn_id: str | None
    task_name: str | None
    data: dict[str, Any]


@dataclass(frozen=True)
class CaseDetail:
    case: CaseInfo
    tasks: list[TaskInfo]
    events: list[EventInfo]
    audit_verified: bool


def list_cases(
    ctx: EngineContext,
    actor: Actor,
    *,
    status: str | None = None,
    process: str | None = None,
    q: str | None = None,
    page: int = 1,
    per_page: int = PAGE_SIZE,
    overdue: bool = False,
    opened_from: str | None = None,
    opened_to: str | None = None,
    timezone: str = "Asia/Shanghai",
) -> tuple[list[CaseInfo], int]:
    """Cases newest first, filtered; ``q`` matches the case number or any value in the case data;
    ``overdue``: with an open task past its due time; ``opened_from``/``opened_to``: local dates."""
    require(actor, Permission.READ_CASES)
    filters = CaseFilter(status, process, q, overdue, opened_from, opened_to)
    query = _filtered_cases(filters, page, timezone)
    with ctx.uow() as uow:
        total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = uow.session.scalars(query.order_by(Case.id.desc()).limit(per_page).offset((page - 1) * per_page))
        return [case_summary(case) for case in rows], int(total)


@dataclass(frozen=True)
class CaseFilter:
    status: str | None = None
    process: str | None = None  # the process key (the list offers the names)
    q: str | None = None
    overdue: bool = False
    opened_from: str | None = None
    opened_to: str | None = None


@dataclass(frozen=True)
class OpenStep:
    name: str
    holder: str | None
    due_at: datetime | None


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list: the case with what a desk needs to see at a glance."""

    case: CaseInfo
    process_name: str
    steps: list[OpenStep]  # the open tasks, earliest due first

    @property
    def due_at(self) -> datetime | None:
        return next((step.due_at for step in self.steps if step.due_at), None)


@dataclass(frozen=True)
class CaseList:
    rows: list[CaseRow]
    total: int
    processes: list[tuple[str, str]]  # (key, name) to filter by


# Sort keys of the case list; "-" first means descending.
SORTS = ("-opened", "opened", "number", "-number", "due", "-due", "status")


def case_list(
    ctx: EngineContext,
    actor: Actor,
    filters: CaseFilter,
    sort: str = "-opened",
    page: int = 1,
    per_page: int | None = PAGE_SIZE,
    timezone: str = "Asia/Shanghai",
) -> CaseList:
    """The case list of the web page and its exports (``per_page=None``: every matching case,
    at most EXPORT_ROWS): customer, product, current steps with holders, due time, priority."""
    require(actor, Permission.READ_CASES)
    if sort not in SORTS:
        raise InvalidData({"sort": Message("must be one of %(choices)s", choices=", ".join(SORTS))})
    query = _filtered_cases(filters, page, timezone)
    next_due = (
        select(func.min(WorkItem.due_at))
        .where(WorkItem.case_id == Case.id, WorkItem.closed_at.is_(None))
        .correlate(Case)
        .scalar_subquery()
    )
    orders: dict[str, list[Any]] = {
        "-opened": [Case.id.desc()],
        "opened": [Case.id],
        "number": [Case.number, Case.id],
        "-number": [Case.number.desc(), Case.id.desc()],
        "due": [next_due.is_(None), next_due, Case.id],
        "-due": [next_due.is_(None), next_due.desc(), Case.id],
        "status": [Case.status, Case.id.desc()],
    }
    order = orders[sort]
    with ctx.uow() as uow:
        session = uow.session
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        limit = per_page if per_page is not None else EXPORT_ROWS
        offset = (page - 1) * per_page if per_page is not None else 0
        found = list(session.scalars(query.order_by(*order).limit(limit).offset(offset)))
        steps = _open_steps(session, [case.id for case in found])
        names = dict(session.execute(select(ProcessVersion.key, ProcessVersion.name).distinct()).tuples().all())
        rows = [CaseRow(case_summary(case), case.process_version.name, steps.get(case.id, [])) for case in found]
        return CaseList(rows, int(total), sorted(names.items(), key=lambda pair: pair[1]))


EXPORT_ROWS = 50_000


def _open_steps(session: Session, case_ids: list[int]) -> dict[int, list[OpenStep]]:
    if not case_ids:
        return {}
    rows = session.execute(
        select(WorkItem.case_id, WorkItem.name, User.username, WorkItem.due_at)
        .outerjoin(User, User.id == WorkItem.assignee_id)
        .where(WorkItem.case_id.in_(case_ids), WorkItem.closed_at.is_(None))
        .order_by(WorkItem.due_at.is_(None), WorkItem.due_at, WorkItem.id)
    )
    found: dict[int, list[OpenStep]] = {}
    for case_id, name, holder, due_at in rows:
        found.setdefault(case_id, []).append(OpenStep(name, holder, due_at))
    return found


def _filtered_cases(filters: CaseFilter, page: int, timezone: str) -> Select[tuple[Case]]:
    status, process, q = filters.status, filters.process, filters.q
    if status is not None and status not in STATUSES:
        raise InvalidData({"status": Message("must be one of %(choices)s", choices=", ".join(STATUSES))})
    for name, value in (("process", process), ("q", q)):
        if value and ("\x00" in value or len(value) > 200):
            raise InvalidData({name: Message("must be at most 200 characters, without NUL")})
    if not 1 <= page <= MAX_PAGE:
        raise InvalidData({"page": Message("must be between 1 and %(last)s", last=MAX_PAGE)})
    zone = ZoneInfo(timezone)
    dates = (("from", filters.opened_from), ("to", filters.opened_to))
    bounds = {name: local_day(name, value, zone) for name, value in dates}
    query = select(Case).join(ProcessVersion)
    if bounds["from"]:
        query = query.where(Case.created_at >= bounds["from"])
    if bounds["to"]:
        query = query.where(Case.created_at < bounds["to"] + timedelta(days=1))
    if filters.overdue:
        late = select(WorkItem.id).where(
            WorkItem.case_id == Case.id, WorkItem.closed_at.is_(None), WorkItem.due_at < utcnow()
        )
        query = query.where(late.exists())
    if status:
        query = query.where(Case.status == status)
    if process:
        query = query.where(ProcessVersion.key == process)
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(or_(Case.number.like(pattern), cast(Case.data, String).like(pattern)))
    return query


def case_detail(ctx: EngineContext, actor: Actor, case_id: int) -> CaseDetail:
    """The case with its open tasks (and who holds them) and its whole audit trail."""
    require(actor, Permission.READ_CASES)
    with ctx.uow() as uow:
        case, events = _case_and_events(uow.session, case_id)
        return _detail(uow.session, case, events, ctx.audit_keys)


@dataclass(frozen=True)
class CasePage:
    """Everything the case page shows, read in one transaction."""

    detail: CaseDetail
    record: CaseRecord
    diagrams: list[DiagramView]
    notes: list[Note]
    groups: list[RecordGroup]  # the record's head: customer, product, money, ratings
    unit: ArchivedUnit | None  # the delivered unit the case's serial number names
    clocks: list[ClockState]  # the case's promises, each from its start to its stop
    now: datetime  # when the page was read (a running clock is judged against it)
    promise_class: CaseClass | None = None  # the class of cases whose own promises this one is held to
    links: list[LinkInfo] = field(default_factory=list)  # the links its customer was given
    forms: list[FormOffer] = field(default_factory=list)  # the paper forms it can print
    actions: list[CaseInfo] = field(default_factory=list)  # corrective actions opened for it
    may_open_action: bool = False  # whether the reader may open one (starts Policy.capa_process)


def case_page(ctx: EngineContext, actor: Actor, case_id: int) -> CasePage:
    """The case page: the case, its open tasks, trail, diagrams, comments and files."""
    require(actor, Permission.READ_CASES)
    with ctx.uow() as uow:
        session = uow.session
        case, events = _case_and_events(session, case_id)
        detail = _detail(session, case, events, ctx.audit_keys)
        record = case_record(session, case, events)
        groups = record_groups(record, SHIPPED.record_groups)
        unit = archived_unit(session, (case.data or {}).get(SHIPPED.serial_number_field))
        clocks = _clocks(ctx, session, case, events)
        promise_class = ctx.settings(session).class_of(case.data or {})
        diagrams, notes = _diagrams(ctx, uow, case_id), notes_of(session, case_id)
        now = utcnow()
        links = links_of(session, case_id, ctx.config.link_secret, now)
        recorded = {value.field_id for section in record.sections for value in section.values}
        forms = printed_forms.offers(recorded, printed_numbers(uow.connection, case_id))
        actions = _corrective_actions(session, case.number)
        may_open = _may_start(session, actor, SHIPPED.capa_process)
        return CasePage(
            detail, record, diagrams, notes, groups, unit, clocks, now, promise_class, links, forms, actions, may_open
        )


def _corrective_actions(session: Session, number: str) -> list[CaseInfo]:
    """The CAPA cases whose start names ``number`` as their source (S2 12.3)."""
    source = Case.data[SHIPPED.capa_source_field].as_string()
    rows = session.scalars(
        select(Case)
        .join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
        .where(ProcessVersion.key == SHIPPED.capa_process, source == number)
        .order_by(Case.id)
    )
    return [case_summary(case) for case in rows]


def _may_start(session: Session, actor: Actor, key: str) -> bool:
    if not can(actor, Permission.START_CASES):
        return False
    newest = session.execute(  # the two columns only: a version row carries its whole diagram set
        select(ProcessVersion.startable, ProcessVersion.starter_roles)
        .where(ProcessVersion.key == key)
        .order_by(ProcessVersion.version.desc())
        .limit(1)
    ).first()
    return newest is not None and bool(newest.startable) and bool(actor.roles.intersection(newest.starter_roles or []))


def _clocks(ctx: EngineContext, session: Session, case: Case, events: list[AuditEvent]) -> list[ClockState]:
    done: dict[str, datetime] = {}
    for event in events:
        if event.action == "task_completed" and event.bpmn_id:
            done.setdefault(event.bpmn_id, event.at)
    ended = case.status in (COMPLETED, CANCELLED)
    settings, calendar = ctx.settings(session), ctx.calendar(session)
    return clock_states(SHIPPED.clocks, case.data or {}, done, settings, calendar, ended)


def _case_and_events(session: Session, case_id: int) -> tuple[Case, list[AuditEvent]]:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(Message("case %(case_id)s does not exist", case_id=case_id))
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)))
    return case, events


def _detail(session: Session, case: Case, events: list[AuditEvent], keys: AuditKeys | None) -> CaseDetail:
    rows = session.execute(
        select(WorkItem, User.username)
        .outerjoin(User, User.id == WorkItem.assignee_id)
        .where(WorkItem.case_id == case.id, WorkItem.closed_at.is_(None))
        .order_by(WorkItem.id)
    ).all()
    report = verify_events(case, events, session, keys)
    return CaseDetail(
        case=case_info(case),
        tasks=[task_info(item, username) for item, username in rows],
        events=[_event_info(event) for event in events],
        audit_verified=report.ok,
    )


def _event_info(event: AuditEvent) -> EventInfo:
    return EventInfo(
        seq=event.seq,
        at=event.at,
        actor=event.actor,
        roles=list(event.roles or []),
        action=event.action,
        task_id=event.task_id,
        bpmn_id=event.bpmn_id,
        task_name=event.task_name,
        data=event.data,
    )


@dataclass(frozen=True)
class DiagramView:
    """A process the case ran (its own or a called one) with the elements to mark."""

    process_key: str
    xml: str
    done: list[str]
    active: list[str]
    name: str = ""
    texts: tuple[str, ...] = ()  # the names drawn, for the page to show in the reader's language


def _diagrams(ctx: EngineContext, uow: UnitOfWork, case_id: int) -> list[DiagramView]:
    ref = load_case(uow.connection, case_id)
    if ref is None:
        raise NotFound(Message("case %(case_id)s does not exist", case_id=case_id))
    sources = uow.session.get_one(ProcessVersion, ref.process_version_id).sources
    states = read_runtime(ctx, uow.connection, ref, lambda runtime: runtime.element_states())
    processes = processes_in(sources)  # one parse: the file and the name of each process
    views, seen = [], set()
    for state in states:
        if state.process_key in seen or state.process_key not in processes:
            continue
        seen.add(state.process_key)
        found = processes[state.process_key]
        views.append(
            DiagramView(state.process_key, sources[found.file], state.done, state.active, found.name, found.texts)
        )
    return views
