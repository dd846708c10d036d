"""Working-calendar overrides entered by admins (for years the holiday package lacks)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from engine.store.db import Base


class CalendarDay(Base):
    """A day whose working status differs from what the built-in calendar says."""

    __tablename__ = "calendar_days"
    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str] = mapped_column(String(200), default="")
