"""The store of a versioned setting (service settings, fee table): each save an immutable row
numbered after the latest, refused when someone saved meanwhile; the history with what each
version changed. One home for both, so they cannot drift apart."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.actors import Actor
from engine.domain.errors import Conflict
from engine.domain.messages import Message
from engine.domain.setting_changes import SavedVersion
from engine.domain.setting_changes import changes
from engine.store.models import FeeVersion
from engine.store.models import SettingsVersion
from engine.store.models import User

VersionRow = type[SettingsVersion] | type[FeeVersion]


def latest_version(session: Session, model: VersionRow) -> int:
    """The version in force; 0: none saved (the shipped defaults)."""
    return session.scalar(select(func.max(model.version))) or 0


def add_version(
    session: Session, model: VersionRow, body: dict[str, Any], note: str, actor: Actor, based_on: int
) -> int:
    """Insert ``body`` as the next version; Conflict when the form was filled from an older one."""
    latest = latest_version(session, model)
    if latest != based_on:
        raise Conflict(
            Message("version %(latest)s was saved meanwhile; reload and enter the change again", latest=latest)
        )
    session.add(model(version=latest + 1, body=body, note=note.strip()[:500], saved_by_id=actor.user_id))
    return latest + 1


def version_history(session: Session, model: VersionRow, shipped: dict[str, Any]) -> list[SavedVersion]:
    """Every saved version, newest first, each with what it changed from the one before."""
    rows = session.execute(
        select(model, User.username).outerjoin(User, User.id == model.saved_by_id).order_by(model.version)
    ).all()
    history, before = [], shipped
    for row, username in rows:
        history.append(SavedVersion(row.version, row.saved_at, username or "?", row.note, changes(before, row.body)))
        before = row.body
    return history[::-1]
