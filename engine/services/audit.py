"""Verify and export the per-case hash chain of audit events (engine/domain/audit_chain.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.domain.actors import Actor
from engine.domain.audit_chain import ChainReport
from engine.domain.audit_chain import export_document
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import NotFound
from engine.domain.messages import Message
from engine.store.audit_trail import _events
from engine.store.audit_trail import verify_cases
from engine.store.context import EngineContext
from engine.store.models import Case


def export_trail(ctx: EngineContext, actor: Actor, case_ref: int | str) -> dict[str, Any]:
    """The case's trail as a document an auditor verifies offline (``python3 audit_chain.py``).

    ``case_ref`` is the case id or number.
    """
    require(actor, Permission.READ_CASES)
    with ctx.uow() as uow:
        session = uow.session
        column = Case.id if isinstance(case_ref, int) else Case.number
        case = session.scalar(select(Case).where(column == case_ref))
        if case is None:
            raise NotFound(Message("case %(case_id)s does not exist", case_id=case_ref))
        return export_document(case.number, _events(session, case), (case.audit_seq, case.audit_head))


def verify_all(ctx: EngineContext, actor: Actor, case_number: str | None = None) -> list[ChainReport]:
    """Check the chain of every case (or of one), as ``aftercare verify-audit`` does."""
    require(actor, Permission.VERIFY_AUDIT)
    with ctx.uow() as uow:
        return verify_cases(uow.session, case_number)
