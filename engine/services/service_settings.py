"""The service settings page's service: read the settings in force, save a new version, list
the versions with who changed what.

Each save is a new immutable row (like a process version), so the history is the audit: which
numbers were in force on which day, who set them and why.
"""

from __future__ import annotations

from typing import Any

from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import InvalidData
from engine.domain.messages import Message
from engine.domain.service_settings import SHIPPED_SETTINGS
from engine.domain.service_settings import ServiceSettings
from engine.domain.service_settings import SettingsInvalid
from engine.domain.service_settings import settings_from_json
from engine.domain.setting_changes import SavedVersion
from engine.store.context import EngineContext
from engine.store.models import SettingsVersion
from engine.store.setting_versions import add_version
from engine.store.setting_versions import latest_version
from engine.store.setting_versions import version_history


def current_settings(ctx: EngineContext, actor: Actor) -> tuple[int, ServiceSettings]:
    """The version number in force (0: the shipped defaults) and its settings."""
    require(actor, Permission.MANAGE_SETTINGS)
    with ctx.uow() as uow:
        version = latest_version(uow.session, SettingsVersion)
        return version, ctx.settings(uow.session)


def save_settings(ctx: EngineContext, actor: Actor, body: dict[str, Any], note: str, based_on: int) -> int:
    """Save ``body`` as the next version; ``based_on`` is the version the form was filled from,
    so two owners editing at once cannot overwrite each other unknowingly."""
    require(actor, Permission.MANAGE_SETTINGS)
    errors: dict[str, str] = {}
    try:
        settings = settings_from_json(body)
    except SettingsInvalid as err:
        errors.update(err.problems)
    if not note.strip():
        errors["note"] = Message("say why the settings change (the note is kept with the version)")
    if errors:
        raise InvalidData(errors)
    with ctx.uow(write=True) as uow:
        version = add_version(uow.session, SettingsVersion, settings.as_json(), note, actor, based_on)
        uow.commit()
    ctx.forget_reference_data()
    return version


def settings_history(ctx: EngineContext, actor: Actor) -> list[SavedVersion]:
    """Every saved version, newest first, each with what it changed."""
    require(actor, Permission.MANAGE_SETTINGS)
    with ctx.uow() as uow:
        return version_history(uow.session, SettingsVersion, SHIPPED_SETTINGS.as_json())
