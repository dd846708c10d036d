"""The fee page's service: the fee table in force, a new version saved with its reason, the
versions with what each changed. Finance keeps the prices (S2 2.5)."""

from __future__ import annotations

from typing import Any

from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import InvalidData
from engine.domain.fee_table import SHIPPED_FEES
from engine.domain.fee_table import FeesInvalid
from engine.domain.fee_table import FeeTable
from engine.domain.fee_table import fees_from_json
from engine.domain.messages import Message
from engine.domain.setting_changes import SavedVersion
from engine.store.context import EngineContext
from engine.store.models import FeeVersion
from engine.store.setting_versions import add_version
from engine.store.setting_versions import latest_version
from engine.store.setting_versions import version_history


def current_fees(ctx: EngineContext, actor: Actor) -> tuple[int, FeeTable]:
    """The version number in force (0: the shipped example rates) and its table."""
    require(actor, Permission.MANAGE_FEES)
    with ctx.uow() as uow:
        version = latest_version(uow.session, FeeVersion)
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
        version = add_version(uow.session, FeeVersion, table.as_json(), note, actor, based_on)
        uow.commit()
    ctx.forget_reference_data()
    return version


def fee_history(ctx: EngineContext, actor: Actor) -> list[SavedVersion]:
    """Every saved version, newest first, each with the prices it changed."""
    require(actor, Permission.MANAGE_FEES)
    with ctx.uow() as uow:
        return version_history(uow.session, FeeVersion, SHIPPED_FEES.as_json())
