"""Verify and export the per-case hash chain of audit events (engine/domain/audit_chain.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.domain.actors import Actor
from engine.domain.audit_chain import ChainReport
from engine.domain.audit_chain import data_digest
from engine.domain.audit_chain import export_document
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import NotFound
from engine.domain.messages import Message
from engine.store import audit_checkpoints as checkpoints
from engine.store.audit_keys import add_key
from engine.store.audit_keys import load_audit_keys
from engine.store.audit_trail import _events
from engine.store.audit_trail import verify_cases
from engine.store.context import EngineContext
from engine.store.db import utcnow
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
        head = (case.audit_seq, case.audit_head)
        return export_document(case.number, _events(session, case), head, case.audit_seal, data_digest(case.data or {}))


def verify_all(ctx: EngineContext, actor: Actor, case_number: str | None = None) -> list[ChainReport]:
    """Check the chain of every case (or of one), as ``aftercare verify-audit`` does."""
    require(actor, Permission.VERIFY_AUDIT)
    with ctx.uow() as uow:
        return verify_cases(uow.session, case_number, ctx.audit_keys)


def write_checkpoint(ctx: EngineContext, actor: Actor) -> int:
    """Append a signed checkpoint of every case's head; return how many cases it holds (0: off)."""
    require(actor, Permission.VERIFY_AUDIT)
    keys, path = ctx.audit_keys, ctx.config.audit_checkpoints_file
    if keys is None or path is None:
        return 0
    with ctx.uow() as uow:
        return checkpoints.write_checkpoint(uow.session, keys, path, utcnow().isoformat())


def checkpoint_problems(ctx: EngineContext, actor: Actor) -> list[str]:
    """Cases deleted, cut short or rewritten since the newest checkpoint, and broken checkpoints."""
    require(actor, Permission.VERIFY_AUDIT)
    keys, path = ctx.audit_keys, ctx.config.audit_checkpoints_file
    if keys is None or path is None:
        return []
    with ctx.uow() as uow:
        return checkpoints.checkpoint_problems(uow.session, keys, path)


def rotate_key(ctx: EngineContext, actor: Actor) -> str:
    """Append a new key to the audit key file and use it for new seals; return its id."""
    require(actor, Permission.VERIFY_AUDIT)
    path = ctx.config.audit_keys_file
    if path is None:
        raise NotFound(Message("no audit key file is configured"))
    key_id = add_key(path)
    ctx.audit_keys = load_audit_keys(path)
    return key_id
