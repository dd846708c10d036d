"""The inbox: list, claim, release and complete human tasks."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from engine.domain import archive_check
from engine.domain import clock
from engine.domain import customer_answers
from engine.domain import expense_audit
from engine.domain import file_kinds
from engine.domain import forms
from engine.domain import parts_stock
from engine.domain import quotes
from engine.domain import task_rules
from engine.domain.actors import CUSTOMER_ROLE
from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import acting_for
from engine.domain.authz import require
from engine.domain.authz import working_roles
from engine.domain.customer_answers import SCAN
from engine.domain.errors import Conflict
from engine.domain.errors import InvalidData
from engine.domain.errors import NotAllowed
from engine.domain.errors import StepFailed
from engine.domain.errors import TaskNotReady
from engine.domain.file_kinds import Upload
from engine.domain.messages import Message
from engine.domain.messages import RoleList
from engine.domain.policy import SHIPPED
from engine.store import case_notices
from engine.store import part_ledger
from engine.store.answer_files import keep_files
from engine.store.answer_files import keep_scan
from engine.store.answer_files import keep_signatures
from engine.store.archived_units import ArchivedUnit
from engine.store.archived_units import archived_unit
from engine.store.case_notices import TASK
from engine.store.case_progress import mark_failed
from engine.store.case_progress import open_case
from engine.store.case_progress import save_progress
from engine.store.case_reads import CaseInfo
from engine.store.case_reads import case_info
from engine.store.case_record import CaseRecord
from engine.store.case_record import RecordValue
from engine.store.case_record import case_record
from engine.store.case_record import decision_facts
from engine.store.case_writer import ITEMS
from engine.store.case_writer import CaseWriter
from engine.store.case_writer import OpenItem
from engine.store.context import EngineContext
from engine.store.customer_links import LinkRefused
from engine.store.customer_links import open_link
from engine.store.customer_links import spend_link
from engine.store.customer_records import CustomerCard
from engine.store.customer_records import contract_refusal
from engine.store.customer_records import customer_card
from engine.store.customer_records import link_case
from engine.store.db import utcnow
from engine.store.models import AuditEvent
from engine.store.models import Case
from engine.store.models import User
from engine.store.models import WorkItem
from engine.store.work_items import TaskInfo
from engine.store.work_items import may_work_on
from engine.store.work_items import require_open_item
from engine.store.work_items import task_info
from engine.store.work_items import username_of
from engine.store.work_items import visible_to
from engine.store.workload import Candidate
from engine.store.workload import candidates
from engine.store.workload import find_candidate


def list_tasks(ctx: EngineContext, actor: Actor, scope: str = "available") -> list[TaskInfo]:
    """``mine``: assigned to the actor; ``available``: everything the actor may complete now."""
    require(actor, Permission.WORK_TASKS)
    with ctx.uow() as uow:
        query = select(WorkItem, User.username).outerjoin(User, User.id == WorkItem.assignee_id)
        if scope == "mine":
            query = query.where(WorkItem.closed_at.is_(None), WorkItem.assignee_id == actor.user_id)
        else:
            query = query.where(visible_to(actor))
        query = query.order_by(WorkItem.due_at.is_(None), WorkItem.due_at, WorkItem.id)
        return [task_info(item, username) for item, username in uow.session.execute(query).all()]


def _workable(connection: Connection, actor: Actor, item_id: int) -> tuple[OpenItem, TaskInfo]:
    """The open item and its task view, when the actor may work on it (else NotAllowed, saying why)."""
    item = require_open_item(connection, item_id)
    if not may_work_on(item, actor):
        raise NotAllowed(_refusal(connection, item))
    return item, task_info(item, username_of(connection, item.assignee_id) if item.assignee_id else None)


@dataclass(frozen=True)
class TaskPage:
    """Everything a task's page shows, read in one transaction: the task, its case, the facts
    its decision rests on, the case's record so far, and the draft."""

    task: TaskInfo
    case: CaseInfo
    facts: list[RecordValue]  # the fields the task declares (``facts``), as last recorded
    declared_facts: bool
    record: CaseRecord
    draft: dict[str, Any]
    pickers: dict[str, list[Candidate]]  # field id → the people it may name, least loaded first
    unit: ArchivedUnit | None = None  # the delivered unit the case's serial number names
    proposed: dict[str, Any] = field(default_factory=dict)  # field → the archive's answer (the warranty check)
    proposed_on: date | None = None  # the day of the call, on which the archive was read
    # A customer's step the actor enters for the customer: how they may say the customer
    # answered (engine/domain/customer_answers.py); empty when the actor is not standing in.
    desk_choices: tuple[str, ...] = ()
    # The customer master's record of the case's customer (engine/store/customer_records.py).
    customer: CustomerCard | None = None

    @property
    def form(self) -> dict[str, Any]:
        """The form the page shows: a desk entry has no signature to draw."""
        if not self.desk_choices:
            return self.task.form
        return customer_answers.desk_form(self.task.form, customer_answers.DeskEntry(customer_answers.PHONE))

    @property
    def proposal_lines(self) -> list[tuple[str, str]]:
        """The archive's answers as the form names them: (field label, answer)."""
        fields = {item["id"]: item for item in self.task.form.get("fields", [])}
        return [
            (fields.get(name, {}).get("label", name), archive_check.shown(fields.get(name, {}), value))
            for name, value in self.proposed.items()
        ]


def task_page(ctx: EngineContext, actor: Actor, item_id: int) -> TaskPage:
    """The page of an open task the actor may work on, with what was typed so far."""
    require(actor, Permission.WORK_TASKS)
    with ctx.uow() as uow:
        session = uow.session
        item, task = _workable(uow.connection, actor, item_id)
        case = session.get_one(Case, item.case_id)
        draft = session.scalar(select(WorkItem.draft).where(WorkItem.id == item_id))
        events = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.seq))
        record = case_record(session, case, list(events))
        names = list((item.rules or {}).get("facts") or [])
        pickers = {f["id"]: candidates(session, [f["user_role"]]) for f in _picker_fields(item.form)}
        facts = decision_facts(record, names)
        unit = archived_unit(session, (case.data or {}).get(SHIPPED.serial_number_field))
        day, proposed = _archive_proposals(ctx, item.bpmn_id, unit, case.data or {})
        desk = acting_for(actor, item.roles) == CUSTOMER_ROLE
        choices = customer_answers.desk_choices(item.bpmn_id == SHIPPED.survey_step) if desk else ()
        today = clock.today(ZoneInfo(ctx.config.timezone))
        customer = customer_card(session, case.customer_id, case.site_id, today)
        return TaskPage(
            task,
            case_info(case),
            facts,
            bool(names),
            record,
            _opening_lines(ctx, session, item, case.data or {}, dict(draft or {})),
            pickers,
            unit,
            proposed,
            day,
            choices,
            customer,
        )


CHECK = SHIPPED.archive_check


def _archive_proposals(
    ctx: EngineContext, bpmn_id: str, unit: ArchivedUnit | None, data: dict[str, Any]
) -> tuple[date | None, dict[str, Any]]:
    """What the archive answers on the warranty check, judged on the day of the call."""
    if bpmn_id != CHECK.step or unit is None:
        return None, {}
    day = archive_check.day_of_call(CHECK, data, ZoneInfo(ctx.config.timezone), utcnow())
    return day, archive_check.proposals(CHECK, unit.facts_on(day))


def _against_archive(
    ctx: EngineContext, session: Session, item: OpenItem, cleaned: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """The warranty check's answers that differ from the archive; refused without a reason."""
    if item.bpmn_id != CHECK.step:
        return {}
    data = session.scalar(select(Case.data).where(Case.id == item.case_id)) or {}
    unit = archived_unit(session, data.get(SHIPPED.serial_number_field))
    _day, proposed = _archive_proposals(ctx, item.bpmn_id, unit, data)
    differing = archive_check.overrides(proposed, cleaned, item.form)
    archive_check.require_reason(CHECK, differing, cleaned)
    field_id, work = SHIPPED.contract_check
    if cleaned.get(field_id) is True:
        customer_id = session.scalar(select(Case.customer_id).where(Case.id == item.case_id))
        day = archive_check.day_of_call(CHECK, data, ZoneInfo(ctx.config.timezone), utcnow())
        refusal = contract_refusal(session, customer_id, day, data.get("product_model"), work)
        if refusal is not None:
            raise InvalidData({field_id: refusal})
    return differing


def _opening_lines(
    ctx: EngineContext, session: Session, item: OpenItem, data: dict[str, Any], draft: dict[str, Any]
) -> dict[str, Any]:
    """A priced step's draft opens with the fee table's lines (an invoice: the quote's), an audit
    step's with the claimed lines, until something was typed into them."""
    rules = item.rules or {}
    if rules.get(task_rules.AUDITS):
        field_id = expense_audit.audit_field(item.form)
        lines = expense_audit.opening(data.get(rules[task_rules.AUDITS]) or [])
    elif rules.get(parts_stock.STOCK) == "inspect":
        field_id = parts_stock.INSPECTED
        lines = parts_stock.returned_opening(data.get(parts_stock.ACCOUNTED) or [])
    elif rules.get(quotes.PRICING):
        field_id = quotes.lines_field(item.form)
        facts = quotes.facts_of(data, rules[quotes.PRICING], field_id or "")
        lines = quotes.opening_lines(ctx.fees(session), field_id or "", facts, data) if field_id else []
    else:
        return draft
    if not field_id or field_id in draft or any(key.startswith(f"{field_id}-") for key in draft):
        return draft
    return {**draft, field_id: [{key: str(value) for key, value in line.items()} for line in lines]}


def _checked_lines(
    ctx: EngineContext, session: Session, item: OpenItem, cleaned: dict[str, Any]
) -> tuple[dict[str, Any], list[parts_stock.Move]]:
    """A priced step's lines against the fee table in force (engine/domain/quotes.py); an audit
    step's rows against the claim (engine/domain/expense_audit.py); a parts step's against the
    loan, with the moves it writes to the parts ledger (engine/domain/parts_stock.py). Other
    steps pass untouched, without reading the case."""
    rules = item.rules or {}
    work, claim, stock = rules.get(quotes.PRICING), rules.get(task_rules.AUDITS), rules.get(parts_stock.STOCK)
    field_id = quotes.lines_field(item.form)
    if not claim and not stock and not (work and field_id):
        return cleaned, []
    data = session.scalar(select(Case.data).where(Case.id == item.case_id)) or {}
    if claim:
        cleaned = expense_audit.audited(data.get(claim) or [], cleaned)
    if stock:
        cleaned = parts_stock.checked(stock, data, cleaned)
    if work and field_id:
        quotes.check(ctx.fees(session), quotes.facts_of(data, work, field_id), cleaned.get(field_id) or [], field_id)
    return cleaned, parts_stock.moves(stock, data, cleaned) if stock else []


def _picker_fields(form: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in form.get("fields", []) if f.get("user_role")]


def _check_people(session: Session, form: dict[str, Any], cleaned: dict[str, Any]) -> None:
    """A field naming a person must name an active user with the field's role."""
    errors: dict[str, str] = {
        f["id"]: Message("choose one of the listed people")
        for f in _picker_fields(form)
        if cleaned.get(f["id"]) and find_candidate(session, str(cleaned[f["id"]]), [f["user_role"]]) is None
    }
    if errors:
        raise InvalidData(errors)


def claim_task(ctx: EngineContext, actor: Actor, item_id: int) -> TaskInfo:
    require(actor, Permission.WORK_TASKS)
    with ctx.uow(write=True) as uow:
        item = require_open_item(uow.connection, item_id)
        if item.assignee_id == actor.user_id:
            return task_info(item, actor.username)
        if item.assignee_id is not None:
            raise Conflict(
                Message(
                    "task '%(task)s' is already claimed by %(holder)s",
                    task=item.name,
                    holder=username_of(uow.connection, item.assignee_id),
                )
            )
        if not working_roles(actor).intersection(item.roles):
            raise NotAllowed(
                Message(
                    "task '%(task)s' needs one of the roles %(roles)s",
                    task=item.name,
                    roles=RoleList(item.roles),
                )
            )
        _check_separation(uow.connection, item, actor)
        _assign(ctx, uow.connection, item, actor, actor.user_id, "task_claimed")
        uow.commit()
        return task_info(item, actor.username)


def unclaim_task(ctx: EngineContext, actor: Actor, item_id: int) -> TaskInfo:
    require(actor, Permission.WORK_TASKS)
    with ctx.uow(write=True) as uow:
        item = require_open_item(uow.connection, item_id)
        if item.assignee_id != actor.user_id:
            raise NotAllowed(Message("task '%(task)s' is not claimed by you", task=item.name))
        _assign(ctx, uow.connection, item, actor, None, "task_unclaimed")
        uow.commit()
        return task_info(item, None)


def _assign(
    ctx: EngineContext, connection: Connection, item: OpenItem, actor: Actor, assignee_id: int | None, action: str
) -> None:
    writer = CaseWriter(connection, item.case, keys=ctx.audit_keys)
    writer.connection.execute(update(ITEMS).where(ITEMS.c.id == item.id).values(assignee_id=assignee_id))
    writer.event(actor, action, task=(item.task_id, item.bpmn_id, item.name))
    writer.write()


@dataclass(frozen=True)
class Completion:
    """What a completion led to: the case's new status and the work items it opened."""

    case_id: int
    status: str
    opened: list[tuple[int, str]]  # (work item id, BPMN id)
    case_number: str = ""
    next_for_actor: list[tuple[int, str]] = field(default_factory=list)  # (work item id, name) the actor may do now


def complete_task(
    ctx: EngineContext, actor: Actor, item_id: int, data: dict[str, Any], scan: Upload | None = None
) -> Completion:
    """Validate the form, complete the task and advance the case.

    A customer's step done at the desk also says how the customer answered (``answered_by``,
    ``contact_attempts``; engine/domain/customer_answers.py), with ``scan``, the paper form, when
    they answered on paper. Exactly one of two concurrent completions wins: writers are
    serialised (SQLite) or version-checked (other databases), and the loser finds the task closed.
    """
    require(actor, Permission.WORK_TASKS)
    return _complete(ctx, actor, item_id, data, scan=scan)


def _complete(
    ctx: EngineContext,
    actor: Actor,
    item_id: int,
    data: dict[str, Any],
    link_id: int | None = None,
    scan: Upload | None = None,
) -> Completion:
    """``complete_task`` past its permission; ``link_id``: the customer link that answers the
    step, spent in the same transaction (a second use finds it spent)."""
    case_id: int | None = None
    scanned = file_kinds.checked(scan.filename, scan.content, SCAN, file_kinds.SCANS) if scan else None
    try:
        with ctx.uow(write=True) as uow:
            connection = uow.connection
            item = require_open_item(connection, item_id)
            case_id = item.case_id
            if link_id is not None and not spend_link(connection, link_id, utcnow()):
                raise LinkRefused("used")
            if not may_work_on(item, actor):
                raise NotAllowed(_refusal(connection, item))
            _check_separation(connection, item, actor)
            moment = utcnow()
            on_behalf = acting_for(actor, item.roles)
            zone = ZoneInfo(ctx.config.timezone)
            desk: customer_answers.DeskEntry | None = None
            if on_behalf == CUSTOMER_ROLE:
                survey = item.bpmn_id == SHIPPED.survey_step
                cleaned, desk = customer_answers.clean_desk_entry(
                    item.form, data, survey, scan is not None, zone, moment
                )
            else:
                cleaned = forms.clean_form_data(item.form, data, zone, moment)
            cleaned = keep_signatures(uow.session, item.case_id, actor, item.bpmn_id, item.form, cleaned, moment)
            cleaned = keep_files(uow.session, item.case_id, actor, item.form, cleaned)
            _check_people(uow.session, item.form, cleaned)
            differing = _against_archive(ctx, uow.session, item, cleaned)
            cleaned, moves = _checked_lines(ctx, uow.session, item, cleaned)
            cleaned = task_rules.stamped(item.rules, cleaned, moment)
            runtime, open_items = open_case(ctx, connection, item.case)
            runtime.complete(item.task_id, cleaned)
            writer = CaseWriter(connection, item.case, open_items, keys=ctx.audit_keys)
            writer.close_item(item.id, "completed", actor.user_id)
            part_ledger.record(uow.session, item.case_id, item.name, actor, moves, moment)
            event_data = {**cleaned, "on_behalf_of": on_behalf} if on_behalf else dict(cleaned)
            if differing:
                event_data[archive_check.OVERRIDE] = differing
            if link_id is not None:
                event_data["by_customer_link"] = link_id
                event_data[customer_answers.HOW] = customer_answers.LINK
            if desk is not None:
                event_data.update(desk.as_data())
            if scan and scanned and desk and desk.how == customer_answers.PAPER:
                event_data[SCAN] = keep_scan(uow.session, item.case_id, actor, scan, *scanned)
            writer.event(actor, "task_completed", task=(item.task_id, item.bpmn_id, item.name), data=event_data)
            if link_id is not None:
                case_notices.customer_answered(
                    connection,
                    ctx.config.chat_robots,
                    ctx.config.public_url,
                    item.case_id,
                    item.case.number,
                    item.id,
                    item.name,
                )
            save_progress(ctx, uow, writer, runtime, actor)
            link_case(connection, writer, cleaned, writer.values["data"])
            case_notices.after_completion(
                connection,
                ctx.config,
                item.case_id,
                item.case.number,
                item.bpmn_id,
                cleaned,
                writer.values["data"],
                actor.user_id,
            )
            opened = writer.write()
            mine = _workable_now(uow.session, actor, [item_id for item_id, _ in opened])
            uow.commit()
            return Completion(item.case_id, writer.values["status"], opened, item.case.number, mine)
    except StepFailed as err:
        if case_id is not None:
            mark_failed(ctx, case_id, actor, err.reason, err.element, data)
        raise


@dataclass(frozen=True)
class CustomerStep:
    """What a customer's step link shows: the step's form and the facts it is about."""

    case_number: str
    task: TaskInfo
    facts: list[RecordValue]


def customer_step(ctx: EngineContext, token: str) -> CustomerStep:
    """The open customer step a task link names; LinkRefused when the link does not open it.

    No actor: the link is the customer's credential for this one step.
    """
    with ctx.uow() as uow:
        session = uow.session
        link = open_link(session, ctx.config.link_secret, TASK, token, utcnow())
        item = session.get(WorkItem, link.work_item_id) if link.work_item_id else None
        if item is None or item.closed_at is not None:
            raise LinkRefused("done")
        case = session.get_one(Case, item.case_id)
        events = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.seq))
        facts = decision_facts(case_record(session, case, list(events)), list((item.rules or {}).get("facts") or []))
        return CustomerStep(case.number, task_info(item, None), facts)


def complete_by_link(ctx: EngineContext, token: str, data: dict[str, Any]) -> Completion:
    """The customer answers their step through its link; the link is spent with the answer."""
    with ctx.uow() as uow:
        link = open_link(uow.session, ctx.config.link_secret, TASK, token, utcnow())
        item_id = link.work_item_id
        if item_id is None or uow.session.scalar(select(WorkItem.closed_at).where(WorkItem.id == item_id)):
            raise LinkRefused("done")
        link_id = link.id
    try:
        return _complete(ctx, Actor.customer(), item_id, data, link_id)
    except TaskNotReady:
        raise LinkRefused("done") from None


def _workable_now(session: Session, actor: Actor, item_ids: list[int]) -> list[tuple[int, str]]:
    """Of the just-opened items, those the actor may go on with (the next step's link)."""
    if not item_ids:
        return []
    items = session.scalars(select(WorkItem).where(WorkItem.id.in_(item_ids)).order_by(WorkItem.id))
    return [(item.id, item.name) for item in items if may_work_on(item, actor)]


def _check_separation(connection: Connection, item: OpenItem, actor: Actor) -> None:
    """Refuse the actor when the task's separation-of-duties rules exclude them."""
    rules = item.rules or {}
    if not rules:
        return
    if rules.get("not_initiator"):
        opened_by = connection.scalar(select(Case.created_by_id).where(Case.id == item.case_id))
        if opened_by is not None and opened_by == actor.user_id:
            raise NotAllowed(
                Message("'%(task)s' must be done by someone other than who opened the case", task=item.name)
            )
    others = rules.get("not_same_as") or []
    if others:
        done = connection.scalar(
            select(AuditEvent.task_name)
            .where(
                AuditEvent.case_id == item.case_id,
                AuditEvent.action == "task_completed",
                AuditEvent.bpmn_id.in_(others),
                AuditEvent.actor_id == actor.user_id,
            )
            .limit(1)
        )
        if done is not None:
            raise NotAllowed(
                Message(
                    "'%(task)s' must be done by someone other than who did '%(other)s' (separation of duties)",
                    task=item.name,
                    other=done,
                )
            )


def _refusal(connection: Connection, item: OpenItem) -> Message:
    if item.assignee_id is not None:
        holder = username_of(connection, item.assignee_id)
        return Message("task '%(task)s' is claimed by %(holder)s", task=item.name, holder=holder)
    return Message("task '%(task)s' needs one of the roles %(roles)s", task=item.name, roles=RoleList(item.roles))
