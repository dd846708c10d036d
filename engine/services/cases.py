"""Start, read and cancel cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from sqlalchemy import insert
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from engine.bpmn.runtime import CaseRuntime
from engine.domain import clock
from engine.domain import forms
from engine.domain.actors import Actor
from engine.domain.audit_chain import GENESIS
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.customer_complaint import CARRIED_OVER
from engine.domain.customer_complaint import CASE_MODEL_FIELD
from engine.domain.customer_complaint import COMPLAINT_FORM
from engine.domain.customer_complaint import MODEL_FIELD
from engine.domain.errors import NotAllowed
from engine.domain.errors import NotFound
from engine.domain.errors import StepFailed
from engine.domain.jsonsafe import json_safe
from engine.domain.link_tokens import TokenRefused
from engine.domain.link_tokens import serial_of
from engine.domain.link_tokens import sign
from engine.domain.messages import Message
from engine.domain.messages import RoleList
from engine.domain.nameplate_request import REQUEST_FORM
from engine.domain.policy import SHIPPED
from engine.store import care_plan
from engine.store.archived_units import archived_unit
from engine.store.case_notices import TRACK
from engine.store.case_notices import TRACK_DAYS
from engine.store.case_notices import new_link
from engine.store.case_progress import save_progress
from engine.store.case_progress import script_engine_for
from engine.store.case_reads import CaseInfo
from engine.store.case_reads import case_info
from engine.store.case_writer import CASES
from engine.store.case_writer import ITEMS
from engine.store.case_writer import CaseRef
from engine.store.case_writer import CaseWriter
from engine.store.case_writer import load_case
from engine.store.context import EngineContext
from engine.store.counters import next_count
from engine.store.customer_links import LinkRefused
from engine.store.customer_links import open_link
from engine.store.customer_records import link_case
from engine.store.db import utcnow
from engine.store.driver_sql import Prepared
from engine.store.models import Case
from engine.store.models.cases import CANCELLED
from engine.store.models.cases import COMPLETED
from engine.store.models.cases import ERROR
from engine.store.models.cases import RUNNING
from engine.store.process_versions import bundle_of
from engine.store.process_versions import latest_version


def _number_prefix(ctx: EngineContext, process_key: str) -> str:
    """``service_request`` → ``SR``; other keys use the initials of their words."""
    configured = ctx.config.case_number_prefixes.get(process_key) or SHIPPED.case_number_prefixes.get(process_key)
    return configured or "".join(word[0] for word in process_key.split("_") if word).upper()[:4] or "C"


INSERT_CASE = Prepared(insert(CASES).returning(CASES.c.id))


def _allocate_number(connection: Connection, prefix: str, year: int) -> str:
    """Next readable case number, e.g. ``SR-2026-000042``; runs inside the write transaction."""
    return f"{prefix}-{year}-{next_count(connection, prefix, year):06d}"


def start_case(ctx: EngineContext, actor: Actor, process_key: str, data: dict[str, Any]) -> CaseInfo:
    """Create a case on the newest version of ``process_key`` and run it to its first wait."""
    require(actor, Permission.START_CASES)
    return _start(ctx, actor, process_key, data)


def _start(
    ctx: EngineContext,
    actor: Actor,
    process_key: str,
    data: dict[str, Any],
    then: Callable[[Connection, int, str, list[tuple[int, str]]], None] | None = None,
) -> CaseInfo:
    """``start_case`` past its permission; ``then(connection, case id, number, opened items)``
    adds to the start's transaction. The customer's nameplate request starts as no staff role."""
    with ctx.uow(write=True) as uow:
        connection = uow.connection
        version = latest_version(connection, process_key)
        if not version.startable:
            raise NotAllowed(Message("process '%(process)s' is started only from another process", process=process_key))
        if then is None and not actor.roles.intersection(version.starter_roles):
            raise NotAllowed(
                Message(
                    "starting '%(process)s' needs one of the roles %(roles)s",
                    process=process_key,
                    roles=RoleList(version.starter_roles),
                )
            )
        data = forms.clean_form_data(version.start_form, data, ZoneInfo(ctx.config.timezone), utcnow())
        bundle, engine = bundle_of(connection, version), script_engine_for(ctx, connection)
        runtime = CaseRuntime.start(bundle, engine, ctx.config.max_tasks_per_case, data)
        now = utcnow()
        number = _allocate_number(connection, _number_prefix(ctx, process_key), now.year)
        row = {
            "number": number,
            "process_version_id": version.id,
            "status": RUNNING,
            "state": b"",  # written below, with the state the first steps reached
            "data": json_safe(data),
            "lock_version": 1,
            "created_by_id": actor.user_id,
            "audit_seq": 0,
            "audit_head": GENESIS,
            "created_at": now,
            "updated_at": now,
        }
        case_id = INSERT_CASE.rows(connection, row)[0]["id"]
        ref = CaseRef(case_id, number, RUNNING, 1, version.id, version.sha256, 0, GENESIS, None, actor.user_id)
        writer = CaseWriter(connection, ref, open_items={}, keys=ctx.audit_keys)
        writer.event(actor, "case_started", data={"data": data, "version": version.version})
        try:
            runtime.advance()
        except StepFailed as err:
            unstarted = CaseRuntime.start(bundle, engine, ctx.config.max_tasks_per_case, data)  # as before the step
            writer.set(state=unstarted.dump(), status=ERROR, error_message=err.reason, error_element=err.element)
            writer.event(actor, "step_failed", data={"error": err.reason, "element": err.element})
            writer.write()
            uow.commit()
            raise
        save_progress(ctx, uow, writer, runtime, actor)
        link_case(connection, writer, data, writer.values["data"])
        opened = writer.write()
        if then is not None:
            then(connection, case_id, number, opened)
        uow.commit()
        values = writer.values
        return CaseInfo(
            id=case_id,
            number=number,
            status=values["status"],
            process_key=version.key,
            process_version=version.version,
            data=values["data"],
            created_at=now,
            next_timer_at=values["next_timer_at"],
            error_message=None,
            error_element=None,
            opened=opened,
            process_name=version.name,
        )


NAMEPLATE_CHANNEL = "nameplate"  # the registration's channel option for a request from the QR code


@dataclass(frozen=True)
class NameplateUnit:
    serial_number: str
    model: str
    under_warranty: bool | None  # today, in the company's time zone


@dataclass(frozen=True)
class NameplateReceipt:
    case_number: str
    tracking_token: str


def nameplate_unit(ctx: EngineContext, token: str) -> NameplateUnit:
    """The unit a nameplate QR code names; LinkRefused("invalid") for a forged or unknown one.

    No actor: the label on the machine is the customer's credential for asking for service.
    """
    serial = _serial(ctx, token)
    with ctx.uow() as uow:
        unit = archived_unit(uow.session, serial)
        if unit is None:
            raise LinkRefused("invalid")
        today = utcnow().astimezone(ZoneInfo(ctx.config.timezone)).date()
        return NameplateUnit(unit.serial_number, unit.model, unit.under_warranty_on(today))


def request_by_nameplate(ctx: EngineContext, token: str, data: dict[str, Any]) -> NameplateReceipt:
    """A service request from the unit's nameplate: the case opens as the customer, the call
    received now; the desk finds the registration filled in with the customer's words and the
    archive's unit (a draft it checks and completes), and the customer gets a tracking link."""
    unit = nameplate_unit(ctx, token)
    request = forms.clean_form_data(REQUEST_FORM, data, ZoneInfo(ctx.config.timezone), utcnow())
    secret = ctx.config.link_secret
    issued: list[str] = []

    def fill_in(connection: Connection, case_id: int, _number: str, opened: list[tuple[int, str]]) -> None:
        draft = {
            **{key: str(value) for key, value in request.items()},
            "channel": NAMEPLATE_CHANNEL,
            "product_model": unit.model,
            "serial_number": unit.serial_number,
            "request_kind": SHIPPED.fault_kind,
        }
        for item_id, bpmn_id in opened:
            if bpmn_id == SHIPPED.request_kind.step:
                connection.execute(update(ITEMS).where(ITEMS.c.id == item_id).values(draft=draft))
        if secret:
            link_id, _expires = new_link(connection, case_id, TRACK, None, TRACK_DAYS)
            issued.append(sign(secret, TRACK, link_id))

    case = _start(ctx, Actor.customer(), SHIPPED.service_process, {}, then=fill_in)
    return NameplateReceipt(case.number, issued[0] if issued else "")


def complain_by_link(ctx: EngineContext, token: str, data: dict[str, Any]) -> NameplateReceipt:
    """A complaint lodged from a case's tracking page: the complaint opens as the customer, its
    registration filled in from the case complained about (who, how to reach them, which unit)
    and the customer's words, for the desk to classify; the customer gets its number and a
    tracking link of its own, where the written reply will stand."""
    typed = forms.clean_form_data(COMPLAINT_FORM, data, ZoneInfo(ctx.config.timezone), utcnow())
    with ctx.uow() as uow:
        link = open_link(uow.session, ctx.config.link_secret, TRACK, token, utcnow())
        about = uow.session.get_one(Case, link.case_id)
        number, facts = about.number, dict(about.data or {})
    secret = ctx.config.link_secret
    issued: list[str] = []

    def fill_in(connection: Connection, case_id: int, _number: str, opened: list[tuple[int, str]]) -> None:
        draft = {name: str(facts[name]) for name in CARRIED_OVER if facts.get(name)}
        if facts.get(CASE_MODEL_FIELD):
            draft[MODEL_FIELD] = str(facts[CASE_MODEL_FIELD])
        draft["complaint_text"] = f"（关于案件 {number}）{typed['complaint_text']}"
        for item_id, bpmn_id in opened:
            if bpmn_id == SHIPPED.complaint_class.step:
                connection.execute(update(ITEMS).where(ITEMS.c.id == item_id).values(draft=draft))
        if secret:
            link_id, _expires = new_link(connection, case_id, TRACK, None, TRACK_DAYS)
            issued.append(sign(secret, TRACK, link_id))

    case = _start(ctx, Actor.customer(), SHIPPED.complaint_process, {}, then=fill_in)
    return NameplateReceipt(case.number, issued[0] if issued else "")


def _serial(ctx: EngineContext, token: str) -> str:
    if not ctx.config.link_secret:
        raise LinkRefused("invalid")
    try:
        return serial_of(ctx.config.link_secret, token)
    except TokenRefused:
        raise LinkRefused("invalid") from None


def get_case(ctx: EngineContext, actor: Actor, case_id: int) -> CaseInfo:
    require(actor, Permission.READ_CASES)
    with ctx.uow() as uow:
        case = uow.session.get(Case, case_id)
        if case is None:
            raise NotFound(Message("case %(case_id)s does not exist", case_id=case_id))
        return case_info(case)


def cancel_case(ctx: EngineContext, actor: Actor, case_id: int, reason: str) -> CaseInfo:
    """Stop a case; its open tasks leave every inbox. Finished cases cannot be cancelled."""
    require(actor, Permission.CANCEL_CASES)
    with ctx.uow(write=True) as uow:
        session = uow.session
        ref = load_case(uow.connection, case_id)
        if ref is None:
            raise NotFound(Message("case %(case_id)s does not exist", case_id=case_id))
        if ref.status in (COMPLETED, CANCELLED):
            raise NotAllowed(Message("case %(case)s is already %(status)s", case=ref.number, status=ref.status))
        writer = CaseWriter(uow.connection, ref, keys=ctx.audit_keys)
        for item_id, _bpmn_id, _name in writer.open_item_ids().values():
            writer.close_item(item_id, "cancelled")
        writer.set(status=CANCELLED, next_timer_at=None, updated_at=utcnow())
        writer.event(actor, "case_cancelled", data={"reason": reason})
        writer.write()
        uow.commit()
        return case_info(session.get_one(Case, case_id))


CARE_ACTOR = Actor.system("care-planner")


def start_care_cases(ctx: EngineContext, actor: Actor) -> int:
    """Start the planned cases that are due (engine/store/care_plan.py): each customer's visit
    a month before its date, each running maintenance contract's renewal notice. Each starts
    in its own transaction with its record, so two workers start it once: the second one's
    insert of the same record fails and its case is rolled back."""
    require(actor, Permission.RUN_TIMERS)
    zone = ZoneInfo(ctx.config.timezone)
    today = clock.today(zone)
    with ctx.uow() as uow:
        due = care_plan.due_care(uow.connection, ctx.settings(uow.connection), zone, today)
    started = 0
    for item in due:

        def record(connection: Connection, case_id: int, _number: str, _opened: object, item: Any = item) -> None:
            care_plan.record_start(connection, item, case_id)

        try:
            _start(ctx, CARE_ACTOR, item.process, item.data, then=record)
        except IntegrityError:
            continue  # another worker started it a moment ago
        except NotFound:
            continue  # the process is not deployed here: nothing to start
        started += 1
    return started
