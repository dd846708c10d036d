"""Append to and verify the per-case hash chain of audit events."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.context import Actor
from engine.db import utcnow
from engine.jsonsafe import json_safe
from engine.models import AuditEvent
from engine.models import Case

GENESIS = "0" * 64


def event_content(case_number: str, event: AuditEvent) -> dict[str, Any]:
    """The fields the hash covers; documented in docs/audit.md for offline verification."""
    return {
        "case": case_number,
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "roles": sorted(event.roles or []),
        "action": event.action,
        "task_id": event.task_id,
        "bpmn_id": event.bpmn_id,
        "task_name": event.task_name,
        "data": event.data,
        "process_sha256": event.process_sha256,
    }


def chain_hash(prev_hash: str, content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def record(
    session: Session,
    case: Case,
    actor: Actor,
    action: str,
    *,
    task: tuple[str, str, str] | None = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event; ``task`` is (task id, BPMN id, name)."""
    if case.id is None:
        session.flush()
    task_id, bpmn_id, task_name = task or (None, None, None)
    event = AuditEvent(
        case_id=case.id,
        seq=case.audit_seq + 1,
        at=at or utcnow(),
        actor_id=actor.user_id,
        actor=actor.username,
        roles=sorted(actor.roles),
        action=action,
        task_id=task_id,
        bpmn_id=bpmn_id,
        task_name=task_name,
        data=json_safe(data or {}),
        process_version_id=case.process_version_id,
        process_sha256=case.process_version.sha256,
        prev_hash=case.audit_head,
    )
    event.hash = chain_hash(event.prev_hash, event_content(case.number, event))
    session.info.setdefault(PENDING, []).append(event)
    case.audit_seq, case.audit_head = event.seq, event.hash
    return event


PENDING = "aftercare_audit_pending"


def write_pending(session: Session) -> None:
    """Insert the transaction's audit events in one statement (runs just before commit)."""
    events: list[AuditEvent] = session.info.pop(PENDING, [])
    if not events:
        return
    session.flush()
    table = AuditEvent.__table__
    columns = [column.key for column in table.columns if column.key != "id"]
    session.execute(table.insert(), [{key: getattr(event, key) for key in columns} for event in events])


@dataclass(frozen=True)
class ChainReport:
    case_number: str
    events: int
    ok: bool
    broken_seq: int | None = None
    reason: str | None = None


def verify_events(case_number: str, events: Iterable[AuditEvent]) -> ChainReport:
    """Recompute the chain; report the first event whose link or content does not match."""
    previous, count, expected_seq = GENESIS, 0, 1
    for event in events:
        count += 1
        if event.seq != expected_seq:
            return ChainReport(
                case_number, count, False, event.seq, f"expected event {expected_seq}, found {event.seq}"
            )
        if event.prev_hash != previous:
            return ChainReport(case_number, count, False, event.seq, "link to the previous event does not match")
        if chain_hash(previous, event_content(case_number, event)) != event.hash:
            return ChainReport(case_number, count, False, event.seq, "content does not match its hash")
        previous, expected_seq = event.hash, expected_seq + 1
    return ChainReport(case_number, count, True)


def verify_case(session: Session, case: Case) -> ChainReport:
    events = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.seq))
    return verify_events(case.number, events)


def verify_cases(session: Session, case_number: str | None = None) -> list[ChainReport]:
    query = select(Case).order_by(Case.id)
    if case_number:
        query = query.where(Case.number == case_number)
    return [verify_case(session, case) for case in session.scalars(query)]


def count_events(session: Session, case: Case) -> int:
    return int(session.scalar(select(func.count()).where(AuditEvent.case_id == case.id)) or 0)
