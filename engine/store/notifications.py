"""The notification rows: written in the transaction of the step that causes them, read by the
bell and the notification list, fanned out by the worker.

Who sees a row: the person it names, or everyone holding the role it names, except the person
whose own act caused it, and only from the day they joined. A row about a task stops
concerning a role's holders once the task is closed or taken by a colleague: the bell counts
what still asks something of the reader.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy import Connection
from sqlalchemy import and_
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import union_all
from sqlalchemy import update

from engine.domain.actors import Actor
from engine.domain.staff_notices import CASE_CHANGED
from engine.domain.staff_notices import TASK_LANDED
from engine.domain.staff_notices import told_roles
from engine.store.db import table_of
from engine.store.db import utcnow
from engine.store.driver_sql import Prepared
from engine.store.models import Notification
from engine.store.models import NotificationRead
from engine.store.models import User
from engine.store.models import WorkItem

NOTICES = table_of(Notification)
READS = table_of(NotificationRead)
ITEMS = table_of(WorkItem)
USERS = table_of(User)
INSERT_NOTICES = Prepared(insert(NOTICES))
KEPT = timedelta(days=30)  # the bell and the list look this far back


@dataclass(frozen=True)
class Reader:
    user_id: int
    roles: frozenset[str]
    joined_at: datetime


@dataclass(frozen=True)
class NoticeRow:
    id: int
    event: str
    case_id: int | None
    work_item_id: int | None
    params: dict[str, Any]
    urgent: bool
    created_at: datetime
    read: bool


def reader_of(connection: Connection, actor: Actor) -> Reader | None:
    """The actor as a reader of notifications (None for the system or an unknown user)."""
    joined = connection.scalar(select(USERS.c.created_at).where(USERS.c.id == actor.user_id))
    if actor.user_id is None or joined is None:
        return None
    return Reader(actor.user_id, actor.roles, joined)


def notify(
    connection: Connection,
    key: str,
    event: str,
    params: dict[str, Any],
    *,
    user_id: int | None = None,
    role: str | None = None,
    case_id: int | None = None,
    item_id: int | None = None,
    actor_id: int | None = None,
    urgent: bool = False,
) -> bool:
    """One notification, in the caller's transaction; False when its key was told before."""
    if connection.scalar(select(NOTICES.c.id).where(NOTICES.c.key == key)) is not None:
        return False
    connection.execute(
        insert(NOTICES).values(
            key=key,
            event=event,
            user_id=user_id,
            role=role,
            case_id=case_id,
            work_item_id=item_id,
            actor_id=actor_id,
            params=params,
            urgent=urgent,
            created_at=utcnow(),
        )
    )
    return True


def step_notices(
    case_id: int,
    number: str,
    opened: Iterable[tuple[int, dict[str, Any]]],
    actor_id: int | None,
    new_status: str | None,
    opened_by_id: int | None,
    seq: int,
) -> list[dict[str, Any]]:
    """The rows a step of a case causes: each task it opens lands with its holder (a person, or
    each role that may take it); a new status is told to whoever opened the case. Opened work
    items are new, so their keys cannot have been used: no lookup before the insert."""
    now = utcnow()
    rows = []
    for item_id, item in opened:
        params = {"number": number, "task": item["name"], "due": _iso(item.get("due_at"))}
        common = {"event": TASK_LANDED, "case_id": case_id, "work_item_id": item_id, "actor_id": actor_id}
        targets: list[tuple[int | None, str | None]]
        if item.get("assignee_id"):
            targets = [(item["assignee_id"], None)]
        else:
            targets = [(None, role) for role in told_roles(item["roles"])]
        for user_id, role in targets:
            rows.append(
                {
                    **common,
                    "key": f"item-{item_id}-landed-{user_id or role}",
                    "user_id": user_id,
                    "role": role,
                    "params": params,
                    "urgent": False,
                    "created_at": now,
                }
            )
    if new_status is not None and opened_by_id is not None and opened_by_id != actor_id:
        rows.append(
            {
                "key": f"case-{case_id}-{seq}-status",
                "event": CASE_CHANGED,
                "user_id": opened_by_id,
                "role": None,
                "case_id": case_id,
                "work_item_id": None,
                "actor_id": actor_id,
                "params": {"number": number, "status": new_status},
                "urgent": False,
                "created_at": now,
            }
        )
    return rows


def _iso(moment: object) -> str | None:
    return moment.isoformat() if isinstance(moment, datetime) else None


def visible_to(reader: Reader, now: datetime) -> ColumnElement[bool]:
    """The rows that concern ``reader`` now (see the module's docstring).

    Three indexed reads, never a walk over a role's rows: those addressed to the reader; those
    addressed to a role of theirs about a task still open to them (from the open tasks, which
    are few, to their rows); and those addressed to a role about no task. A busy desk's month of
    rows about tasks long closed costs nothing."""
    since = max(reader.joined_at, now - KEPT)
    roles = sorted(reader.roles)
    not_mine = or_(NOTICES.c.actor_id.is_(None), NOTICES.c.actor_id != reader.user_id)
    open_to_reader = select(ITEMS.c.id).where(
        ITEMS.c.closed_at.is_(None), or_(ITEMS.c.assignee_id.is_(None), ITEMS.c.assignee_id == reader.user_id)
    )
    # A row names a person or a role, never both (so no "user_id IS NULL", which would lead the
    # planner to the person index and through every role row).
    to_role = and_(NOTICES.c.role.in_(roles), NOTICES.c.created_at >= since, not_mine)
    ids = union_all(
        select(NOTICES.c.id).where(NOTICES.c.user_id == reader.user_id, NOTICES.c.created_at >= since, not_mine),
        select(NOTICES.c.id).where(to_role, NOTICES.c.work_item_id.in_(open_to_reader)),
        select(NOTICES.c.id).where(to_role, NOTICES.c.work_item_id.is_(None)),
    )
    return NOTICES.c.id.in_(ids)


def _unread(reader: Reader) -> ColumnElement[bool]:
    return ~exists().where(READS.c.notification_id == NOTICES.c.id, READS.c.user_id == reader.user_id)


BELL_CAP = 100  # the bell counts this far ("99+"): every page's bar pays for the count


def unread_count(connection: Connection, reader: Reader, now: datetime, cap: int = BELL_CAP) -> int:
    """How many unread notifications concern the reader, counted up to ``cap``."""
    found = select(NOTICES.c.id).where(visible_to(reader, now), _unread(reader)).limit(cap).subquery()
    return int(connection.scalar(select(func.count()).select_from(found)) or 0)


def notices_for(
    connection: Connection, reader: Reader, now: datetime, limit: int, offset: int = 0, unread_only: bool = False
) -> tuple[list[NoticeRow], int]:
    """The reader's notifications, newest first, and how many there are in all."""
    where = [visible_to(reader, now)] + ([_unread(reader)] if unread_only else [])
    total = int(connection.scalar(select(func.count()).select_from(NOTICES).where(*where)) or 0)
    read = (
        select(READS.c.notification_id)
        .where(READS.c.notification_id == NOTICES.c.id, READS.c.user_id == reader.user_id)
        .exists()
    )
    rows = connection.execute(
        select(
            NOTICES.c.id,
            NOTICES.c.event,
            NOTICES.c.case_id,
            NOTICES.c.work_item_id,
            NOTICES.c.params,
            NOTICES.c.urgent,
            NOTICES.c.created_at,
            read.label("read"),
        )
        .where(*where)
        .order_by(NOTICES.c.created_at.desc(), NOTICES.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [NoticeRow(**row._mapping) for row in rows], total


def mark_read(
    connection: Connection, reader: Reader, ids: Iterable[int] | None, now: datetime, item_id: int | None = None
) -> int:
    """Mark the reader's unread notifications ``ids`` (None: all of them; ``item_id``: those
    about one task) read; how many were."""
    query = select(NOTICES.c.id).where(visible_to(reader, now), _unread(reader))
    if ids is not None:
        query = query.where(NOTICES.c.id.in_(list(ids)))
    if item_id is not None:
        query = query.where(NOTICES.c.work_item_id == item_id)
    found = list(connection.scalars(query))
    if found:
        connection.execute(
            insert(READS), [{"notification_id": nid, "user_id": reader.user_id, "read_at": now} for nid in found]
        )
    return len(found)


def undispatched(connection: Connection, limit: int) -> list[Any]:
    """Rows the worker has not yet fanned out to e-mail, oldest first."""
    return list(
        connection.execute(select(NOTICES).where(NOTICES.c.dispatched_at.is_(None)).order_by(NOTICES.c.id).limit(limit))
    )


def mark_dispatched(connection: Connection, ids: list[int], now: datetime) -> None:
    if ids:
        connection.execute(update(NOTICES).where(NOTICES.c.id.in_(ids)).values(dispatched_at=now))


def still_asks(connection: Connection, item_id: int | None, user_id: int | None) -> bool:
    """Whether a row about ``item_id`` still concerns ``user_id`` (or a role's holders): its
    task is open and not held by somebody else."""
    if item_id is None:
        return True
    row = connection.execute(select(ITEMS.c.closed_at, ITEMS.c.assignee_id).where(ITEMS.c.id == item_id)).first()
    return row is not None and row.closed_at is None and row.assignee_id in (None, user_id)
