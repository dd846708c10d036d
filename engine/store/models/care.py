"""Proactive care: which planned case (a customer's visit, a contract's renewal notice) the
worker has started, so that each is started once however many workers run."""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from engine.store.db import Base
from engine.store.db import UTCDateTime
from engine.store.db import utcnow


class CareStart(Base):
    """One planned case started: ``kind`` visit (``subject_id`` a customer) or renewal (an
    agreement), for the date it was due."""

    __tablename__ = "care_starts"
    __table_args__ = (UniqueConstraint("kind", "subject_id", "due_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    due_on: Mapped[date]
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UnitCareStart(Base):
    """One planned case started for a delivered unit (its installation and commissioning, for
    the date it was delivered): once per unit and date however many workers run."""

    __tablename__ = "unit_care_starts"
    __table_args__ = (UniqueConstraint("kind", "serial_number", "due_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    serial_number: Mapped[str] = mapped_column(String(80))
    due_on: Mapped[date]
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
