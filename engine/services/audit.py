"""Append to and verify the per-case hash chain of audit events."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import AuditEvent
from engine.models import Case

GENESIS = "0" * 64


def event_content(case_number: str, event: Any) -> dict[str, Any]:
    """The fields the hash covers (docs/engine.md, "Audit trail"); ``event`` is a row or a mapping."""
    get = event.get if isinstance(event, dict) else lambda key: getattr(event, key)
    return {
        "case": case_number,
        "seq": get("seq"),
        "at": get("at").isoformat(),
        "actor": get("actor"),
        "roles": sorted(get("roles") or []),
        "action": get("action"),
        "task_id": get("task_id"),
        "bpmn_id": get("bpmn_id"),
        "task_name": get("task_name"),
        "data": get("data"),
        "process_sha256": get("process_sha256"),
    }


def chain_hash(prev_hash: str, content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


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
