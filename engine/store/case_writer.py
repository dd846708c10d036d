"""Write one action's changes to a case with a handful of Core statements.

Every action on a case changes the same few rows: the case (state, status, timer, audit
head), the work items it closes or opens, and the audit events it appends. Going through the
ORM unit of work for these cost several times more than the SQL itself (docs/performance.md),
so the writer collects the changes and issues them directly, keeping the optimistic lock:
the case row is updated only if its ``lock_version`` is still the one that was read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.engine import Connection

from engine.domain.actors import Actor
from engine.domain.audit_chain import chain_hash
from engine.domain.audit_chain import data_digest
from engine.domain.audit_chain import event_content
from engine.domain.errors import Conflict
from engine.domain.jsonsafe import json_safe
from engine.domain.messages import Message
from engine.store.audit_keys import AuditKeys
from engine.store.db import table_of
from engine.store.db import utcnow
from engine.store.driver_sql import Prepared
from engine.store.models import AuditEvent
from engine.store.models import Case
from engine.store.models import ProcessVersion
from engine.store.models import WorkItem
from engine.store.notifications import INSERT_NOTICES
from engine.store.notifications import step_notices

CASES = table_of(Case)
ITEMS = table_of(WorkItem)
EVENTS = table_of(AuditEvent)
VERSIONS = table_of(ProcessVersion)


@dataclass(frozen=True)
class CaseRef:
    """What an action needs to know about a case before changing it (no state, no data)."""

    id: int
    number: str
    status: str
    lock_version: int
    process_version_id: int
    process_sha256: str
    audit_seq: int
    audit_head: str
    next_timer_at: datetime | None
    created_by_id: int | None = None  # who opened the case: told when its status changes


@dataclass(frozen=True)
class OpenItem:
    """A work item with its case, read in one query at the start of an action."""

    id: int
    case_id: int
    task_id: str
    bpmn_id: str
    name: str
    process_key: str
    roles: list[str]
    assignee_id: int | None
    due_at: datetime | None
    created_at: datetime
    documentation: str | None
    form: dict[str, Any]
    rules: dict[str, Any] | None
    closed_at: datetime | None
    outcome: str | None
    completed_by_id: int | None
    case: CaseRef


_CASE_COLUMNS = [
    CASES.c.id.label("c_id"),
    CASES.c.number.label("c_number"),
    CASES.c.status.label("c_status"),
    CASES.c.lock_version.label("c_lock_version"),
    CASES.c.process_version_id.label("c_process_version_id"),
    VERSIONS.c.sha256.label("c_process_sha256"),
    CASES.c.audit_seq.label("c_audit_seq"),
    CASES.c.audit_head.label("c_audit_head"),
    CASES.c.next_timer_at.label("c_next_timer_at"),
    CASES.c.created_by_id.label("c_created_by_id"),
]
_ITEM_FIELDS = [name for name in OpenItem.__dataclass_fields__ if name != "case"]
LOAD_CASE = Prepared(select(*_CASE_COLUMNS).join_from(CASES, VERSIONS).where(CASES.c.id == bindparam("case_id")))
LOAD_ITEM = Prepared(
    select(*[ITEMS.c[name] for name in _ITEM_FIELDS], *_CASE_COLUMNS)
    .join_from(ITEMS, CASES)
    .join(VERSIONS)
    .where(ITEMS.c.id == bindparam("item_id"))
)
LOAD_STATE = select(CASES.c.state).where(CASES.c.id == bindparam("case_id"))
LOAD_SPEC = select(VERSIONS.c.spec_json).where(VERSIONS.c.id == bindparam("version_id"))


def _case_of(row: dict[str, Any]) -> CaseRef:
    return CaseRef(**{name: row[f"c_{name}"] for name in CaseRef.__dataclass_fields__})


def load_case(connection: Connection, case_id: int) -> CaseRef | None:
    row = LOAD_CASE.first(connection, {"case_id": case_id})
    return _case_of(row) if row is not None else None


def load_item(connection: Connection, item_id: int) -> OpenItem | None:
    row = LOAD_ITEM.first(connection, {"item_id": item_id})
    if row is None:
        return None
    return OpenItem(**{name: row[name] for name in _ITEM_FIELDS}, case=_case_of(row))


def load_state(connection: Connection, case_id: int) -> bytes:
    return bytes(connection.execute(LOAD_STATE, {"case_id": case_id}).scalar_one())


def load_spec_json(connection: Connection, version_id: int) -> str:
    return str(connection.execute(LOAD_SPEC, {"version_id": version_id}).scalar_one())


# Built and compiled once: through SQLAlchemy's execution path each of these would cost
# several times what the database spends on it (engine/store/driver_sql.py).
OPEN_ITEMS = Prepared(
    select(ITEMS.c.id, ITEMS.c.task_id, ITEMS.c.bpmn_id, ITEMS.c.name).where(
        ITEMS.c.case_id == bindparam("case_id"), ITEMS.c.closed_at.is_(None)
    )
)
CLOSE_ITEM = Prepared(
    update(ITEMS)
    .where(ITEMS.c.id == bindparam("b_id"))
    .values(
        closed_at=bindparam("closed_at"), outcome=bindparam("outcome"), completed_by_id=bindparam("completed_by_id")
    )
)
INSERT_ITEM = Prepared(insert(ITEMS).returning(ITEMS.c.id))
INSERT_EVENTS = Prepared(insert(EVENTS))
STORED_DATA = Prepared(select(CASES.c.data).where(CASES.c.id == bindparam("case_id")))
_case_updates: dict[frozenset[str], Prepared] = {}
OpenItems = dict[str, tuple[int, str, str]]  # task id → (work item id, BPMN id, name)
_UNKNOWN = object()


def _update_case(columns: frozenset[str]) -> Prepared:
    """The UPDATE for one set of case columns, built on first use (few distinct sets exist)."""
    statement = _case_updates.get(columns)
    if statement is None:
        statement = Prepared(
            update(CASES)
            .where(CASES.c.id == bindparam("b_case_id"), CASES.c.lock_version == bindparam("b_lock_version"))
            .values({name: bindparam(name) for name in sorted(columns)})
        )
        _case_updates[columns] = statement
    return statement


class CaseWriter:
    """Collects the changes of one transaction to one case; ``write()`` stores them."""

    def __init__(
        self, connection: Connection, case: CaseRef, open_items: OpenItems | None = None, *, keys: AuditKeys | None
    ) -> None:
        """``open_items``: the case's open work items when known without a query (a new case,
        or a live workflow whose lock version proves nobody wrote the case since). ``keys``
        seal the new head (always passed, so that no action can forget it)."""
        self.connection = connection
        self.keys = keys
        self.known_open = open_items
        self.open_after: OpenItems | None = None
        self.case_id = case.id
        self.number = case.number
        self.opened_by_id = case.created_by_id
        self.version_id = case.process_version_id
        self.sha256 = case.process_sha256
        self.lock_version = case.lock_version
        self.seq, self.head = case.audit_seq, case.audit_head
        # Indexed columns are written only when they change: each write rewrites index pages.
        self.stored = {"status": case.status, "next_timer_at": case.next_timer_at}
        self.values: dict[str, Any] = {}
        self.events: list[dict[str, Any]] = []
        self.closed: list[dict[str, Any]] = []
        self.new_items: list[dict[str, Any]] = []
        # Called with (work item id, row) of each opened task once they are written: what the
        # step tells the customer needs the new rows' ids (a link answers one task).
        self.on_opened: list[Callable[[list[tuple[int, dict[str, Any]]]], None]] = []

    def set(self, **values: Any) -> None:
        self.values.update(values)

    def event(
        self,
        actor: Actor,
        action: str,
        *,
        task: tuple[str, str, str] | None = None,
        data: dict[str, Any] | None = None,
        at: datetime | None = None,
    ) -> None:
        """Append an audit event; ``task`` is (task id, BPMN id, name)."""
        task_id, bpmn_id, task_name = task or (None, None, None)
        row = {
            "case_id": self.case_id,
            "seq": self.seq + 1,
            "at": at or utcnow(),
            "actor_id": actor.user_id,
            "actor": actor.username,
            "roles": sorted(actor.roles),
            "action": action,
            "task_id": task_id,
            "bpmn_id": bpmn_id,
            "task_name": task_name,
            "data": json_safe(data or {}),
            "process_version_id": self.version_id,
            "process_sha256": self.sha256,
            "prev_hash": self.head,
        }
        row["hash"] = chain_hash(self.head, event_content(self.number, row))
        self.seq, self.head = row["seq"], row["hash"]
        self.events.append(row)

    def _stored_data(self) -> Any:
        row = STORED_DATA.first(self.connection, {"case_id": self.case_id})
        return (row or {}).get("data") or {}

    def open_item_ids(self) -> OpenItems:
        """Open work items of the case not closed in this transaction."""
        if self.known_open is None:
            rows = OPEN_ITEMS.rows(self.connection, {"case_id": self.case_id})
            self.known_open = {row["task_id"]: (row["id"], row["bpmn_id"], row["name"]) for row in rows}
        closing = {row["b_id"] for row in self.closed}
        return {task_id: item for task_id, item in self.known_open.items() if item[0] not in closing}

    def close_item(self, item_id: int, outcome: str, by: int | None = None) -> None:
        self.closed.append({"b_id": item_id, "closed_at": utcnow(), "outcome": outcome, "completed_by_id": by})

    def open_item(self, **row: Any) -> None:
        self.new_items.append({"case_id": self.case_id, "created_at": utcnow(), **row})

    def write(self) -> list[tuple[int, str]]:
        """Store everything; return (id, BPMN id) of the opened work items.

        Raises Conflict when someone else changed the case since it was read.
        """
        values = {name: value for name, value in self.values.items() if self.stored.get(name, _UNKNOWN) != value}
        values.update(lock_version=self.lock_version + 1, audit_seq=self.seq, audit_head=self.head)
        if self.keys is not None:
            data = self.values["data"] if "data" in self.values else self._stored_data()
            values["audit_seal"] = self.keys.seal(self.number, self.seq, self.head, data_digest(data))
        parameters = {**values, "b_case_id": self.case_id, "b_lock_version": self.lock_version}
        if _update_case(frozenset(values)).execute(self.connection, parameters) != 1:
            raise Conflict(Message("someone else changed this case at the same moment; reload and try again"))
        self.lock_version += 1
        if self.closed:
            CLOSE_ITEM.execute_many(self.connection, self.closed)
        opened = [(INSERT_ITEM.rows(self.connection, row)[0]["id"], row["bpmn_id"]) for row in self.new_items]
        if self.events:
            INSERT_EVENTS.execute_many(self.connection, self.events)
        new_status = values.get("status")
        if opened or new_status is not None:
            notices = step_notices(
                self.case_id,
                self.number,
                zip((item_id for item_id, _ in opened), self.new_items, strict=True),
                self.events[-1]["actor_id"] if self.events else None,
                new_status,
                self.opened_by_id,
                self.seq,
            )
            if notices:
                INSERT_NOTICES.execute_many(self.connection, notices)
        if opened and self.on_opened:
            rows = [(item_id, row) for (item_id, _bpmn), row in zip(opened, self.new_items, strict=True)]
            for hook in self.on_opened:
                hook(rows)
        if self.known_open is not None:
            self.open_after = self.open_item_ids()
            for (item_id, bpmn_id), row in zip(opened, self.new_items, strict=True):
                self.open_after[row["task_id"]] = (item_id, bpmn_id, row["name"])
        return opened
