"""What the staff are told (issue 15's notification centre): one row per event, addressed to a
person or to everyone holding a role, read marks per person.

A row addressed to a role is one row however many people hold it, so opening a task costs one
insert; who has read it is kept apart. The worker fans rows out to the e-mail of those who
asked for it (``dispatched_at``), and the daily digest collects what is still unread.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from engine.store.db import Base
from engine.store.db import UTCDateTime
from engine.store.db import utcnow


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
        # A role's rows about one task, or about none (work_item_id IS NULL), by time.
        Index("ix_notifications_role_item_created_at", "role", "work_item_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # The same event is never told twice (a repeated pass of the reminder worker finds its key).
    key: Mapped[str] = mapped_column(String(160), unique=True)
    event: Mapped[str] = mapped_column(String(30))  # engine.domain.staff_notices.EVENTS
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str | None] = mapped_column(String(40))  # when addressed to a role, not a person
    # Not indexed: every step inserts rows here, and nothing looks them up by case or task.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    work_item_id: Mapped[int | None] = mapped_column(ForeignKey("work_items.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # never told of it
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)  # escalations pass quiet hours
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class NotificationRead(Base):
    __tablename__ = "notification_reads"
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MessageTemplate(Base):
    """An administrator's wording of one message in one language, over the shipped default
    (engine/domain/message_templates.py); deleting the row restores the default."""

    __tablename__ = "message_templates"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    language: Mapped[str] = mapped_column(String(12), primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
