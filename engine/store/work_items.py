"""Work items as read by every task view: who may work on one, in Python and in SQL, and the open-item guard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy import Connection
from sqlalchemy import String
from sqlalchemy import and_
from sqlalchemy import cast
from sqlalchemy import false
from sqlalchemy import or_
from sqlalchemy import select

from engine.domain.actors import Actor
from engine.domain.authz import working_roles
from engine.domain.errors import NotFound
from engine.domain.errors import TaskNotReady
from engine.domain.messages import Message
from engine.store.case_writer import OpenItem
from engine.store.case_writer import load_item
from engine.store.models import User
from engine.store.models import WorkItem
from engine.store.models.cases import ERROR
from engine.store.models.cases import RUNNING


@dataclass(frozen=True)
class TaskInfo:
    id: int
    case_id: int
    case_number: str
    name: str
    bpmn_id: str
    process_key: str
    roles: list[str]
    assignee: str | None
    due_at: datetime | None
    created_at: datetime
    documentation: str | None
    form: dict[str, Any]


def task_info(item: WorkItem | OpenItem, assignee: str | None) -> TaskInfo:
    return TaskInfo(
        id=item.id,
        case_id=item.case_id,
        case_number=item.case.number,
        name=item.name,
        bpmn_id=item.bpmn_id,
        process_key=item.process_key,
        roles=list(item.roles),
        assignee=assignee,
        due_at=item.due_at,
        created_at=item.created_at,
        documentation=item.documentation,
        form=item.form,
    )


def may_work_on(item: WorkItem | OpenItem, actor: Actor) -> bool:
    """Assigned to the actor, or unassigned and open to one of the actor's roles."""
    if item.assignee_id is not None:
        return item.assignee_id == actor.user_id
    return bool(working_roles(actor).intersection(item.roles))


def visible_to(actor: Actor) -> ColumnElement[bool]:
    """``may_work_on`` as SQL: open items assigned to the actor, or unassigned and open to one
    of the roles the actor works in."""
    unassigned = and_(WorkItem.assignee_id.is_(None), open_to_any(working_roles(actor)))
    return and_(WorkItem.closed_at.is_(None), or_(WorkItem.assignee_id == actor.user_id, unassigned))


def open_to_any(roles: frozenset[str]) -> ColumnElement[bool]:
    """Items open to one of ``roles`` (the roles column is a JSON list of role ids)."""
    tests = [
        cast(WorkItem.roles, String).like('%"' + role.replace("_", "\\_") + '"%', escape="\\") for role in sorted(roles)
    ]
    return or_(*tests) if tests else false()


# How an item was closed, in words (the page shows the time in the reader's time zone).
OUTCOMES = {"completed": Message("completed"), "cancelled": Message("cancelled"), "withdrawn": Message("withdrawn")}


def require_open_item(connection: Connection, item_id: int) -> OpenItem:
    item = load_item(connection, item_id)
    if item is None:
        raise NotFound(Message("task %(task_id)s does not exist", task_id=item_id))
    if item.closed_at is not None:
        who = username_of(connection, item.completed_by_id) if item.completed_by_id else None
        outcome = OUTCOMES.get(item.outcome or "", Message("closed"))
        if who is None:
            message = Message(
                "task '%(task)s' was already %(outcome)s by the process at %(at)s",
                task=item.name,
                outcome=outcome,
                at=item.closed_at,
            )
        else:
            message = Message(
                "task '%(task)s' was already %(outcome)s by %(who)s at %(at)s",
                task=item.name,
                outcome=outcome,
                who=who,
                at=item.closed_at,
            )
        raise TaskNotReady(message)
    if item.case.status not in (RUNNING, ERROR):
        raise TaskNotReady(Message("case %(case)s is %(status)s", case=item.case.number, status=item.case.status))
    return item


def username_of(connection: Connection, user_id: int) -> str:
    return connection.scalar(select(User.username).where(User.id == user_id)) or "?"
