"""Who can take a task, and how much each already holds: the pickers at dispatch and hand-over
and the team board read these, so a task only ever goes to an active person with the role."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.models import User
from engine.store.models import WorkItem
from engine.store.models.people import user_roles


@dataclass(frozen=True)
class Candidate:
    username: str
    display_name: str
    roles: frozenset[str]
    open_tasks: int  # open work items assigned to the person now


def candidates(session: Session, roles: Iterable[str]) -> list[Candidate]:
    """Active users holding one of ``roles``, least loaded first, then by name."""
    wanted = sorted(set(roles))
    if not wanted:
        return []
    holders = select(user_roles.c.user_id).where(user_roles.c.role_id.in_(wanted))
    users = list(session.scalars(select(User).where(User.active.is_(True), User.id.in_(holders))))
    load = open_counts(session, [user.id for user in users])
    found = [Candidate(u.username, u.display_name, u.role_ids, load.get(u.id, 0)) for u in users]
    return sorted(found, key=lambda c: (c.open_tasks, c.username))


def open_counts(session: Session, user_ids: list[int]) -> dict[int, int]:
    if not user_ids:
        return {}
    rows = session.execute(
        select(WorkItem.assignee_id, func.count(WorkItem.id))
        .where(WorkItem.closed_at.is_(None), WorkItem.assignee_id.in_(user_ids))
        .group_by(WorkItem.assignee_id)
    )
    return {int(user_id): int(count) for user_id, count in rows}


def find_candidate(session: Session, username: str, roles: Iterable[str]) -> User | None:
    """The active user ``username`` when they hold one of ``roles``; else None."""
    holders = select(user_roles.c.user_id).where(user_roles.c.role_id.in_(sorted(set(roles))))
    query = select(User).where(User.username == username, User.active.is_(True), User.id.in_(holders))
    return session.scalar(query)
