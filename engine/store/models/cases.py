"""Cases (process instances), their open human tasks, and case-number counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from engine.store.db import Base
from engine.store.db import UTCDateTime
from engine.store.db import utcnow
from engine.store.models.processes import ProcessVersion

RUNNING, COMPLETED, CANCELLED, ERROR = "running", "completed", "cancelled", "error"


class Case(Base):
    """A running or finished process instance.

    ``state`` is SpiffWorkflow's serialization *without* the spec (the spec lives once in the
    process version), zlib-compressed (``engine.bpmn.serializer.pack_state``). ``lock_version``
    makes concurrent writers fail instead of overwriting. ``audit_seq``/``audit_head`` are the
    sequence number and hash of the last audit event, so appending needs no query;
    verification recomputes the chain from the events themselves.
    """

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=RUNNING, index=True)
    state: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # read only by the runtime
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    timer_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    audit_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    audit_head: Mapped[str] = mapped_column(String(64), default="0" * 64, server_default="0" * 64)
    # HMAC of number, head and data digest under a key outside the database (engine/store/audit_keys.py).
    audit_seal: Mapped[str | None] = mapped_column(String(80))
    error_message: Mapped[str | None] = mapped_column(Text)
    error_element: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The customer and site of the customer master the case is about (engine/store/customer_records.py).
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("customer_sites.id", ondelete="SET NULL"))
    process_version: Mapped[ProcessVersion] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": lock_version}


class WorkItem(Base):
    """One human task; open while ``closed_at`` is null. The inbox reads only this table.

    Closed rows are kept (outcome ``completed``, ``withdrawn`` by a timer or gateway, or
    ``cancelled`` with the case) so waiting times can be reported without replaying states.
    """

    __tablename__ = "work_items"
    __table_args__ = (
        UniqueConstraint("case_id", "task_id"),
        Index("ix_work_items_reminder_queue", "closed_at", "reminded", "due_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))  # indexed by the unique
    task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    process_key: Mapped[str] = mapped_column(String(120))
    roles: Mapped[list[str]] = mapped_column(JSON)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    documentation: Mapped[str | None] = mapped_column(Text)
    form: Mapped[dict[str, Any]] = mapped_column(JSON)
    rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # engine.domain.task_rules, if declared
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # How far the reminder worker has come with the task (engine/services/notifications.py):
    # 0 nothing told, 1 due soon, 2 overdue, 3 finished (escalated, or nobody to escalate to).
    reminded: Mapped[int] = mapped_column(Integer, server_default="0")
    case: Mapped[Case] = relationship(lazy="joined")


class CaseCounter(Base):
    """The last number handed out per prefix and year (``SR`` 2026 → 42)."""

    __tablename__ = "case_counters"
    prefix: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
