"""The approvals register: every decision taken in a user task that feeds a gateway.

Read from the audit trail (the submitted form of each completed task, who, when, on which
version) and the version's own diagrams (which tasks decide, engine/bpmn/decision_points.py),
so it covers every case from the first deployment on without a table of its own. A warranty
check answered against the product archive is a decision too (engine/domain/archive_check.py):
it is listed with what the archive said, what was chosen and why.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any

from sqlalchemy import and_
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.bpmn.decision_points import DecisionPoint
from engine.bpmn.decision_points import FieldInfo
from engine.bpmn.decision_points import decision_points
from engine.domain.actors import Actor
from engine.domain.archive_check import OVERRIDE
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import InvalidData
from engine.domain.messages import Message
from engine.domain.periods import Period
from engine.domain.policy import SHIPPED
from engine.domain.separation import describe
from engine.store.context import EngineContext
from engine.store.models import AuditEvent
from engine.store.models import Case
from engine.store.models import ProcessVersion
from engine.store.models import WorkItem

YES, NO = "yes", "no"


@dataclass(frozen=True)
class Answer:
    field: str
    label: str
    value: str  # as stored: yes/no for booleans, the option id for choices
    shown: str  # the option's name, or the value


@dataclass(frozen=True)
class Override:
    """An answer given against the product archive."""

    field: str
    label: str
    archive: str  # what the archive said, as the form names it
    chosen: str


@dataclass(frozen=True)
class Approval:
    case_id: int
    case_number: str
    process: str  # the case's process
    version: int
    step_process: str  # the diagram the task is in (a called process, or the case's own)
    task: str
    bpmn_id: str
    answers: list[Answer]
    comment: str | None
    amount: str | None
    actor: str
    role: str | None
    on_behalf_of: str | None
    at: datetime
    separation: str
    overrides: list[Override] = field(default_factory=list)

    @property
    def decision(self) -> str:
        return ", ".join(f"{a.label or a.field}: {a.shown}" for a in self.answers)

    @property
    def against_archive(self) -> str:
        return "; ".join(f"{o.label}: {o.archive} → {o.chosen}" for o in self.overrides)


@dataclass(frozen=True)
class ApprovalFilter:
    period: Period
    process: str | None = None
    approver: str | None = None
    decision: str | None = None


class _PointCache:
    """Decision points per version hash: versions never change, so each is read once."""

    def __init__(self) -> None:
        self._items: dict[str, dict[tuple[str, str], DecisionPoint]] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, version_id: int, sha256: str) -> dict[tuple[str, str], DecisionPoint]:
        with self._lock:
            found = self._items.get(sha256)
        if found is None:
            sources = session.scalar(select(ProcessVersion.sources).where(ProcessVersion.id == version_id)) or {}
            found = decision_points(sources)
            with self._lock:
                self._items[sha256] = found
        return found


POINTS = _PointCache()


def _value(field: FieldInfo, raw: Any) -> tuple[str, str]:
    if isinstance(raw, bool):
        named = field.options.get("true" if raw else "false")
        return (YES, named or "是") if raw else (NO, named or "否")
    text = "" if raw is None else str(raw)
    return text, field.options.get(text, text)


def list_approvals(ctx: EngineContext, actor: Actor, filters: ApprovalFilter) -> list[Approval]:
    """Every decision in the period (newest first) that passes the filters."""
    require(actor, Permission.READ_QUALITY)
    for name in ("process", "approver", "decision"):
        value = getattr(filters, name)
        if value and ("\x00" in value or len(value) > 200):
            raise InvalidData({name: Message("must be at most 200 characters, without NUL")})
    with ctx.uow() as uow:
        session = uow.session
        query = (
            select(AuditEvent, Case.number, ProcessVersion.key, ProcessVersion.version, WorkItem.roles, WorkItem.rules)
            .join(Case, Case.id == AuditEvent.case_id)
            .join(ProcessVersion, ProcessVersion.id == AuditEvent.process_version_id)
            .outerjoin(WorkItem, and_(WorkItem.case_id == AuditEvent.case_id, WorkItem.task_id == AuditEvent.task_id))
            .where(
                AuditEvent.action == "task_completed",
                AuditEvent.at >= filters.period.start,
                AuditEvent.at < filters.period.end,
            )
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        )
        if filters.approver:
            query = query.where(AuditEvent.actor == filters.approver)
        rows = session.execute(query).all()
        found = []
        amounts = _AmountHistory(session)
        for event, number, key, version, item_roles, rules in rows:
            point = POINTS.get(session, event.process_version_id, event.process_sha256).get(
                (event.bpmn_id or "", event.task_name or "")
            )
            data = dict(event.data or {})
            if point is None and data.get(OVERRIDE):
                point = _override_point(event, key, data)
            if point is None or (filters.process and filters.process not in (key, point.process)):
                continue
            answers = [Answer(f.id, f.label, *_value(f, data.get(f.id))) for f in point.answers]
            if filters.decision and not any(filters.decision in (a.value, a.shown) for a in answers):
                continue
            amount = data.get(point.amount) if point.amount else None
            if amount in (None, "") and point.amount_fact:
                amount = amounts.before(event, point.amount_fact)
            acting = sorted(set(event.roles or []) & set(item_roles or []))
            names = {point.bpmn_id: point.name}
            found.append(
                Approval(
                    case_id=event.case_id,
                    case_number=number,
                    process=key,
                    version=version,
                    step_process=point.process,
                    task=event.task_name or event.bpmn_id or "",
                    bpmn_id=event.bpmn_id or "",
                    answers=answers,
                    comment=(str(data.get(point.comment) or "") or None) if point.comment else None,
                    amount=str(amount) if amount not in (None, "") else None,
                    actor=event.actor,
                    role=acting[0] if acting else (sorted(event.roles or []) or [None])[0],
                    on_behalf_of=data.get("on_behalf_of"),
                    at=event.at,
                    separation=describe(rules or point.rules, names),
                    overrides=_overrides(data),
                )
            )
        return found


def _override_point(event: AuditEvent, process: str, data: dict[str, Any]) -> DecisionPoint:
    """A task that is no approval but was answered against the archive: its differing answers."""
    answers = [
        FieldInfo(name, str(item.get("label") or name), "", _option(item)) for name, item in data[OVERRIDE].items()
    ]
    bpmn_id = event.bpmn_id or ""
    comment = SHIPPED.archive_check.reason_field
    return DecisionPoint(process, bpmn_id, event.task_name or bpmn_id, answers, comment, None, None, {})


def _option(item: dict[str, Any]) -> dict[str, str]:
    chosen = item.get("chosen")
    key = ("true" if chosen else "false") if isinstance(chosen, bool) else str(chosen)
    return {key: str(item.get("chosen_shown") or chosen)}


def _overrides(data: dict[str, Any]) -> list[Override]:
    return [
        Override(name, str(item.get("label") or name), str(item.get("archive_shown")), str(item.get("chosen_shown")))
        for name, item in (data.get(OVERRIDE) or {}).items()
    ]


class _AmountHistory:
    """The amount a decision rests on when its own form has none: the latest value of that
    field entered earlier in the same case (a quote, an exchange's value), read once per case."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cases: dict[int, list[tuple[int, dict[str, Any]]]] = {}

    def before(self, event: AuditEvent, name: str) -> str | None:
        history = self._cases.get(event.case_id)
        if history is None:
            rows = self.session.execute(
                select(AuditEvent.seq, AuditEvent.data)
                .where(AuditEvent.case_id == event.case_id, AuditEvent.action == "task_completed")
                .order_by(AuditEvent.seq)
            )
            history = [(seq, data or {}) for seq, data in rows]
            self._cases[event.case_id] = history
        earlier = [data[name] for seq, data in history if seq < event.seq and data.get(name) not in (None, "")]
        return str(earlier[-1]) if earlier else None
