"""Administrators reword the messages Aftercare sends, per language, and see them filled in with
sample values before saving (issue 15). A saved wording applies to the next message; deleting
it brings back the shipped one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy import select

from engine.domain import message_templates as templates
from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import InvalidData
from engine.domain.errors import NotFound
from engine.domain.message_templates import Wording
from engine.domain.messages import Message
from engine.store.context import EngineContext
from engine.store.db import utcnow
from engine.store.message_wording import overrides
from engine.store.models import MessageTemplate


@dataclass(frozen=True)
class TemplateState:
    key: str
    language: str
    audience: str
    label: Message
    wording: Wording  # in force
    default: Wording
    changed: bool  # an administrator's wording, not the shipped one
    samples: dict[str, str]
    updated_at: datetime | None


def _known(key: str, language: str) -> templates.TemplateInfo:
    info = templates.TEMPLATES.get(key)
    if info is None or language not in templates.LANGUAGES:
        raise NotFound(Message("no message template %(key)s in %(language)s", key=key, language=language))
    return info


def list_templates(ctx: EngineContext, actor: Actor) -> list[TemplateState]:
    """Every message in every language, with whether an administrator reworded it."""
    require(actor, Permission.MANAGE_NOTIFICATIONS)
    with ctx.uow() as uow:
        saved = {
            (row.key, row.language): row.updated_at
            for row in uow.session.execute(
                select(MessageTemplate.key, MessageTemplate.language, MessageTemplate.updated_at)
            )
        }
        wording = overrides(uow.connection)
    return [
        _state(info, language, wording, saved.get((info.key, language)))
        for info in templates.TEMPLATES.values()
        for language in templates.LANGUAGES
    ]


def _state(
    info: templates.TemplateInfo, language: str, wording: Mapping[tuple[str, str], Wording], updated: datetime | None
) -> TemplateState:
    default = info.defaults.get(language) or info.defaults["en"]
    current = wording.get((info.key, language), default)
    return TemplateState(
        info.key,
        language,
        info.audience,
        info.label,
        current,
        default,
        updated is not None,
        dict(info.samples),
        updated,
    )


def template(ctx: EngineContext, actor: Actor, key: str, language: str) -> TemplateState:
    require(actor, Permission.MANAGE_NOTIFICATIONS)
    info = _known(key, language)
    with ctx.uow() as uow:
        updated = uow.session.scalar(
            select(MessageTemplate.updated_at).where(MessageTemplate.key == key, MessageTemplate.language == language)
        )
        return _state(info, language, overrides(uow.connection), updated)


def preview(ctx: EngineContext, actor: Actor, key: str, language: str, subject: str, body: str) -> Wording:
    """The wording filled in with the template's sample values; InvalidData names each problem."""
    require(actor, Permission.MANAGE_NOTIFICATIONS)
    _known(key, language)
    wording = Wording(subject.strip(), body.replace("\r\n", "\n").strip())
    problems = templates.problems_of(key, wording)
    if problems:
        raise InvalidData(problems)
    return templates.preview(key, wording)


def save_template(ctx: EngineContext, actor: Actor, key: str, language: str, subject: str, body: str) -> Wording:
    """Keep the administrator's wording (checked as ``preview`` checks it); returns it filled in."""
    shown = preview(ctx, actor, key, language, subject, body)
    wording = Wording(subject.strip(), body.replace("\r\n", "\n").strip())
    with ctx.uow(write=True) as uow:
        row = uow.session.get(MessageTemplate, (key, language))
        if row is None:
            row = MessageTemplate(key=key, language=language)
            uow.session.add(row)
        row.subject, row.body = wording.subject, wording.body
        row.updated_at, row.updated_by_id = utcnow(), actor.user_id
        uow.commit()
    return shown


def reset_template(ctx: EngineContext, actor: Actor, key: str, language: str) -> bool:
    """Bring back the shipped wording; False when it was in force already."""
    require(actor, Permission.MANAGE_NOTIFICATIONS)
    _known(key, language)
    with ctx.uow(write=True) as uow:
        removed = uow.connection.execute(
            delete(MessageTemplate).where(MessageTemplate.key == key, MessageTemplate.language == language)
        ).rowcount
        uow.commit()
    return bool(removed)
