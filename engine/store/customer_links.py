"""A case's customer links as staff see them: who sent each, until when, whether it was used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.link_tokens import sign
from engine.store.models import CustomerLink
from engine.store.models import User


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

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "withdrawn"
        return "expired" if now >= self.expires_at else "active"


def links_of(session: Session, case_id: int, secret: str | None, now: datetime) -> list[LinkInfo]:
    """The case's links, newest first."""
    rows = session.execute(
        select(CustomerLink, User.username)
        .outerjoin(User, User.id == CustomerLink.created_by_id)
        .where(CustomerLink.case_id == case_id)
        .order_by(CustomerLink.id.desc())
    ).all()
    found = []
    for link, username in rows:
        active = link.revoked_at is None and now < link.expires_at
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
            )
        )
    return found
