"""Verify the audit chain of cases stored in the database (the chain itself is engine/domain/audit_chain.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.audit_chain import ChainReport
from engine.domain.audit_chain import data_digest
from engine.domain.audit_chain import seal_matches
from engine.domain.audit_chain import verify_chain
from engine.store.audit_keys import AuditKeys
from engine.store.models import AuditEvent
from engine.store.models import Case
from engine.store.models import ProcessVersion
from engine.store.models import User


def verify_events(
    case: Case, events: list[AuditEvent], session: Session | None = None, keys: AuditKeys | None = None
) -> ChainReport:
    """The chain, its end against the case's head, the head's seal (with ``keys``: an edit
    followed by recomputing every hash has no valid seal, nor has edited case data), and — with
    a session — the two columns the hash does not cover (``actor_id``, ``process_version_id``)."""
    report = verify_chain(case.number, events, (case.audit_seq, case.audit_head))
    if report.ok and keys is not None:
        digest = data_digest(case.data or {})
        if not seal_matches(keys.keys, case.audit_seal, case.number, case.audit_seq, case.audit_head, digest):
            return ChainReport(case.number, len(events), False, case.audit_seq, "the seal does not match")
    if not report.ok or session is None:
        return report
    usernames = _names(session, User, User.username, {e.actor_id for e in events if e.actor_id is not None})
    hashes = _names(session, ProcessVersion, ProcessVersion.sha256, {e.process_version_id for e in events})
    for event in events:
        if event.actor_id is not None and usernames.get(event.actor_id) != event.actor:
            return ChainReport(case.number, len(events), False, event.seq, "the recorded user does not match the actor")
        if hashes.get(event.process_version_id) != event.process_sha256:
            return ChainReport(
                case.number, len(events), False, event.seq, "the recorded process version does not match its hash"
            )
    return report


def _names(session: Session, model: Any, column: Any, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(model.id, column).where(model.id.in_(ids))).tuples().all())


def _events(session: Session, case: Case) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.seq)))


def verify_case(session: Session, case: Case, keys: AuditKeys | None = None) -> ChainReport:
    return verify_events(case, _events(session, case), session, keys)


def verify_cases(session: Session, case_number: str | None = None, keys: AuditKeys | None = None) -> list[ChainReport]:
    query = select(Case).order_by(Case.id)
    if case_number:
        query = query.where(Case.number == case_number)
    return [verify_case(session, case, keys) for case in session.scalars(query)]


def seal_unsealed(session: Session, keys: AuditKeys) -> int:
    """Seal the heads of cases that have none (cases from before sealing); return how many."""
    count = 0
    for case in session.scalars(select(Case).where(Case.audit_seal.is_(None))):
        case.audit_seal = keys.seal(case.number, case.audit_seq, case.audit_head, data_digest(case.data or {}))
        count += 1
    return count
