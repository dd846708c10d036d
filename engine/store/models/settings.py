"""The company's service settings, one immutable row per saved version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from engine.store.db import Base
from engine.store.db import UTCDateTime
from engine.store.db import utcnow


class SettingsVersion(Base):
    """A saved version of the service settings; the highest version is in force.

    Rows are never updated, so a quality manager can tell which promise a case was measured
    against on any day (the clocks read the version in force when they started).
    """

    __tablename__ = "settings_versions"
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(500), default="")
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeeVersion(Base):
    """A saved version of the fee table (engine/domain/fee_table.py); the highest is in force.

    Never updated, like the service settings: a quote's prices can be traced to the table
    that was in force when finance priced it.
    """

    __tablename__ = "fee_versions"
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(500), default="")
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
