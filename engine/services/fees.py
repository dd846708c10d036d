"""The fee page's service: the fee table in force, a new version saved with its reason, the
versions with what each changed. Finance keeps the prices (S2 2.5)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy import select

from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import Conflict
from engine.domain.errors import InvalidData
from engine.domain.fee_table import SHIPPED_FEES
from engine.domain.fee_table import FeesInvalid
from engine.domain.fee_table import FeeTable
from engine.domain.fee_table import fees_from_json
from engine.domain.messages import Message
from engine.domain.setting_changes import SavedVersion
from engine.domain.setting_changes import changes
from engine.store.context import EngineContext
from engine.store.models import FeeVersion
from engine.store.models import User


def current_fees(ctx: EngineContext, actor: Actor) -> tuple[int, FeeTable]:
    """The version number in force (0: the shipped example rates) and its table."""
    require(actor, Permission.MANAGE_FEES)
    with ctx.uow() as uow:
        version = uow.session.scalar(select(func.max(FeeVersion.version))) or 0
        return version, ctx.fees(uow.session)


def save_fees(ctx: EngineContext, actor: Actor, body: dict[str, Any], note: str, based_on: int) -> int:
    """Save ``body`` as the next version; ``based_on`` is the version the form was filled from,
    so two people editing prices at once cannot overwrite each other unknowingly."""
    require(actor, Permission.MANAGE_FEES)
    errors: dict[str, Any] = {}
    try:
        table = fees_from_json(body)
    except FeesInvalid as err:
        errors.update(err.problems)
    if not note.strip():
        errors["note"] = Message("say why the prices change (the note is kept with the version)")
    if errors:
        raise InvalidData(errors)
    with ctx.uow(write=True) as uow:
        latest = uow.session.scalar(select(func.max(FeeVersion.version))) or 0
        if latest != based_on:
            raise Conflict(
                Message("version %(latest)s was saved meanwhile; reload and enter the change again", latest=latest)
            )
        uow.session.add(
            FeeVersion(version=latest + 1, body=table.as_json(), note=note.strip()[:500], saved_by_id=actor.user_id)
        )
        uow.commit()
    ctx.forget_reference_data()
    return latest + 1


def fee_history(ctx: EngineContext, actor: Actor) -> list[SavedVersion]:
    """Every saved version, newest first, each with the prices it changed."""
    require(actor, Permission.MANAGE_FEES)
    with ctx.uow() as uow:
        rows = uow.session.execute(
            select(FeeVersion, User.username)
            .outerjoin(User, User.id == FeeVersion.saved_by_id)
            .order_by(FeeVersion.version)
        ).all()
    history, before = [], SHIPPED_FEES.as_json()
    for row, username in rows:
        history.append(SavedVersion(row.version, row.saved_at, username or "?", row.note, changes(before, row.body)))
        before = row.body
    return history[::-1]
