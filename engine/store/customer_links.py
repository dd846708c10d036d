"""A case's customer links as staff see them: who sent each, until when, whether it was used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from engine.domain.link_tokens import TokenRefused
from engine.domain.link_tokens import link_id_of
from engine.domain.link_tokens import sign
from engine.store.models import CustomerLink
from engine.store.models import User
from engine.store.models import WorkItem


class LinkRefused(Exception):
    """A link that does not open its page: ``reason`` is invalid, expired, withdrawn or used."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def open_link(session: Session, secret: str | None, purpose: str, token: str, now: datetime) -> CustomerLink:
    """The link row ``token`` names, if it may still be used for ``purpose``; LinkRefused otherwise."""
    if not secret:
        raise LinkRefused("invalid")
    try:
        link_id = link_id_of(secret, purpose, token)
    except TokenRefused as err:
        raise LinkRefused(err.reason) from None
    link = session.get(CustomerLink, link_id)
    if link is None or link.purpose != purpose:
        raise LinkRefused("invalid")
    if link.revoked_at is not None:
        raise LinkRefused("withdrawn")
    if link.used_at is not None:
        raise LinkRefused("used")
    if now >= link.expires_at:
        raise LinkRefused("expired")
    return link


@dataclass(frozen=True)
class LinkInfo:
    id: int
    purpose: str
    created_at: datetime
    created_by: str
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    token: str | None  # a fresh signature of the link while it is active (to send it again)
    step: str | None = None  # the customer step a task link answers
    used_at: datetime | None = None

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "withdrawn"
        if self.used_at is not None:
            return "used"
        return "expired" if now >= self.expires_at else "active"


def spend_link(connection: Connection, link_id: int, now: datetime) -> bool:
    """Mark a step link used, once: False when another answer spent it first (or it was withdrawn)."""
    spent = connection.execute(
        update(CustomerLink)
        .where(CustomerLink.id == link_id, CustomerLink.used_at.is_(None), CustomerLink.revoked_at.is_(None))
        .values(used_at=now, last_used_at=now)
    )
    return bool(spent.rowcount)


def links_of(session: Session, case_id: int, secret: str | None, now: datetime) -> list[LinkInfo]:
    """The case's links, newest first."""
    rows = session.execute(
        select(CustomerLink, User.username, WorkItem.name)
        .outerjoin(User, User.id == CustomerLink.created_by_id)
        .outerjoin(WorkItem, WorkItem.id == CustomerLink.work_item_id)
        .where(CustomerLink.case_id == case_id)
        .order_by(CustomerLink.id.desc())
    ).all()
    found = []
    for link, username, step in rows:
        active = link.revoked_at is None and link.used_at is None and now < link.expires_at
        token = sign(secret, link.purpose, link.id) if active and secret else None
        found.append(
            LinkInfo(
                link.id,
                link.purpose,
                link.created_at,
                username or "?",
                link.expires_at,
                link.revoked_at,
                link.last_used_at,
                token,
                step,
                link.used_at,
            )
        )
    return found
