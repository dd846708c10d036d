"""Customer links: staff send a customer a signed, expiring link; the customer follows the case
with it — no account, no password (issue 15's first purpose, ``track``).

What the tracking page shows is chosen here, not in a template: the case number, where it
stands in the process's own words, the promised times with their state, and the steps done so
far with their times — never who did them, what was typed, the comments or the files, and no
step the company keeps to itself (``Policy.private_steps``: breach records, internal audits).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import Connection
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from engine.domain import qr_codes
from engine.domain.actors import CUSTOMER_ROLE
from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import NotAllowed
from engine.domain.errors import NotFound
from engine.domain.link_tokens import portal_url
from engine.domain.link_tokens import sign
from engine.domain.messages import Message
from engine.domain.policy import SHIPPED
from engine.domain.promise_clocks import ClockState
from engine.store.case_clocks import clocks_of_cases
from engine.store.case_notices import TASK
from engine.store.case_notices import TASK_DAYS
from engine.store.case_notices import TRACK
from engine.store.case_notices import TRACK_DAYS
from engine.store.case_notices import new_link
from engine.store.case_writer import CaseRef
from engine.store.case_writer import CaseWriter
from engine.store.case_writer import load_case
from engine.store.context import EngineContext
from engine.store.customer_links import LinkRefused as LinkRefused
from engine.store.customer_links import links_of
from engine.store.customer_links import open_link
from engine.store.db import utcnow
from engine.store.models import AuditEvent
from engine.store.models import Case
from engine.store.models import CustomerLink
from engine.store.models import ProcessVersion
from engine.store.models import WorkItem

SEEN_EVERY = timedelta(minutes=10)  # how often a link's last use is written (a read stays a read)


@dataclass(frozen=True)
class IssuedLink:
    id: int
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class Step:
    name: str
    at: datetime


@dataclass(frozen=True)
class TrackingView:
    """What a customer's tracking link shows."""

    case_number: str
    process: str  # the process's name (the page shows it in the reader's language)
    status: str  # running, completed, cancelled, error
    opened_at: datetime
    current: list[str]  # the steps open now
    promises: list[ClockState]
    done: list[Step]  # steps done so far, oldest first
    now: datetime
    reply: str | None = None  # a complaint's written answer, once given
    may_complain: bool = False  # a service case the customer may complain about from this page


def _secret(ctx: EngineContext) -> str:
    if not ctx.config.link_secret:
        raise NotAllowed(Message("customer links need the installation's secret key (AFTERCARE_SECRET_KEY)"))
    return ctx.config.link_secret


def issue_tracking_link(ctx: EngineContext, actor: Actor, case_id: int) -> IssuedLink:
    """A new tracking link for the case's customer; the audit trail records who sent it."""
    require(actor, Permission.SEND_CUSTOMER_LINKS)
    secret = _secret(ctx)
    with ctx.uow(write=True) as uow:
        ref = load_case(uow.connection, case_id)
        if ref is None:
            raise NotFound(Message("case %(case_id)s does not exist", case_id=case_id))
        issued = _issue(uow.connection, ctx, actor, ref, secret, TRACK, TRACK_DAYS)
        uow.commit()
        return issued


def issue_task_link(ctx: EngineContext, actor: Actor, case_id: int, item_id: int) -> IssuedLink:
    """A link that lets the customer answer one open customer step (confirm a quote, rate the
    service) themselves; it is spent once answered."""
    require(actor, Permission.SEND_CUSTOMER_LINKS)
    secret = _secret(ctx)
    with ctx.uow(write=True) as uow:
        ref = load_case(uow.connection, case_id)
        item = uow.session.get(WorkItem, item_id)
        if ref is None or item is None or item.case_id != case_id:
            raise NotFound(Message("this case has no such step"))
        if item.closed_at is not None or CUSTOMER_ROLE not in (item.roles or []):
            raise NotAllowed(Message("only an open step of the customer can be answered by link"))
        issued = _issue(uow.connection, ctx, actor, ref, secret, TASK, TASK_DAYS, (item.id, item.bpmn_id))
        uow.commit()
        return issued


def _issue(
    connection: Connection,
    ctx: EngineContext,
    actor: Actor,
    ref: CaseRef,
    secret: str,
    purpose: str,
    days: int,
    step: tuple[int, str] | None = None,
) -> IssuedLink:
    """A link row and its audit event, in the caller's transaction; ``step``: (item id, BPMN id)."""
    link_id, expires = new_link(connection, ref.id, purpose, actor.user_id, days, step[0] if step else None)
    data = {"link": link_id, "purpose": purpose, "expires_at": expires.isoformat()}
    if step:
        data["step"] = step[1]
    writer = CaseWriter(connection, ref, keys=ctx.audit_keys)
    writer.event(actor, "customer_link_issued", data=data)
    writer.write()
    return IssuedLink(link_id, sign(secret, purpose, link_id), expires)


def withdraw_link(ctx: EngineContext, actor: Actor, case_id: int, link_id: int) -> None:
    """End a link at once (sent to the wrong person, the customer asked); recorded in the trail."""
    require(actor, Permission.SEND_CUSTOMER_LINKS)
    with ctx.uow(write=True) as uow:
        link = uow.session.get(CustomerLink, link_id)
        ref = load_case(uow.connection, case_id)
        if link is None or ref is None or link.case_id != case_id:
            raise NotFound(Message("this case has no such link"))
        if link.revoked_at is None:
            link.revoked_at = utcnow()
            uow.session.flush()
            writer = CaseWriter(uow.connection, ref, keys=ctx.audit_keys)
            writer.event(actor, "customer_link_withdrawn", data={"link": link.id, "purpose": link.purpose})
            writer.write()
        uow.commit()


def link_qr(ctx: EngineContext, actor: Actor, case_id: int, link_id: int) -> bytes:
    """A live link as a QR code: the engineer on site shows it, and the customer opens their
    step on their own phone (or the engineer hands over the phone that shows the page)."""
    require(actor, Permission.SEND_CUSTOMER_LINKS)
    if not ctx.config.public_url:
        raise NotAllowed(Message("QR codes need AFTERCARE_PUBLIC_URL: the address customers reach the site at"))
    with ctx.uow() as uow:
        found = [link for link in links_of(uow.session, case_id, _secret(ctx), utcnow()) if link.id == link_id]
    if not found or found[0].token is None:
        raise NotFound(Message("this case has no such live link"))
    return qr_codes.png(portal_url(ctx.config.public_url, found[0].purpose, found[0].token))


def _reply(session: Session, case_id: int) -> str | None:
    """The complaint's written answer: the last completed reply step's field (Policy.complaint_replies)."""
    steps = {at.step: at.field for at in SHIPPED.complaint_replies}
    rows = session.execute(
        select(AuditEvent.bpmn_id, AuditEvent.data)
        .where(AuditEvent.case_id == case_id, AuditEvent.action == "task_completed", AuditEvent.bpmn_id.in_(steps))
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()
    if rows is None:
        return None
    answer = (rows.data or {}).get(steps[rows.bpmn_id])
    return str(answer) if answer else None


def tracking_view(ctx: EngineContext, token: str) -> TrackingView:
    """The case a tracking token names, as its customer may see it; LinkRefused otherwise.

    No actor: the signed link is the customer's only credential, and it opens this one page of
    this one case.
    """
    now = utcnow()
    with ctx.uow() as uow:
        session = uow.session
        link = open_link(session, ctx.config.link_secret, TRACK, token, now)
        link_id = link.id
        case = session.get_one(Case, link.case_id)
        process, key = session.execute(
            select(ProcessVersion.name, ProcessVersion.key).where(ProcessVersion.id == case.process_version_id)
        ).one()
        private = set(SHIPPED.private_steps)
        current = [
            name
            for bpmn_id, name in session.execute(
                select(WorkItem.bpmn_id, WorkItem.name)
                .where(WorkItem.case_id == case.id, WorkItem.closed_at.is_(None))
                .order_by(WorkItem.id)
            )
            if bpmn_id not in private
        ]
        done = [
            Step(name or "", at)
            for bpmn_id, name, at in session.execute(
                select(AuditEvent.bpmn_id, AuditEvent.task_name, AuditEvent.at)
                .where(AuditEvent.case_id == case.id, AuditEvent.action == "task_completed")
                .order_by(AuditEvent.seq)
            )
            if bpmn_id not in private
        ]
        promises = clocks_of_cases(session, [case.id], ctx.settings(session), ctx.calendar(session)).get(case.id, [])
        seen = link.last_used_at
        complaint = key == SHIPPED.complaint_process
        reply = _reply(session, case.id)  # a complaint, or a service request that became one
        view = TrackingView(
            case.number, process or "", case.status, case.created_at, current, promises, done, now, reply, not complaint
        )
    if seen is None or now - seen >= SEEN_EVERY:
        with ctx.uow(write=True) as uow:
            uow.connection.execute(update(CustomerLink).where(CustomerLink.id == link_id).values(last_used_at=now))
            uow.commit()
    return view
