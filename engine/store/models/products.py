"""The product archive: one row per delivered unit (SPEC "Records and figures", S2 9.1)."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from engine.store.db import Base
from engine.store.db import UTCDateTime
from engine.store.db import utcnow


class DeliveredUnit(Base):
    """A unit as built and delivered: model, category, customer, warranty, key parts and their
    batches. Cases find it by serial number (the intake form's ``serial_number``)."""

    __tablename__ = "products"
    serial_number: Mapped[str] = mapped_column(String(80), primary_key=True)
    model: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    customer: Mapped[str] = mapped_column(String(200), index=True)  # as the delivery list names it
    # The customer master's record of that customer, when its code or name matches.
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"), index=True)
    delivered_on: Mapped[date | None]
    warranty_end: Mapped[date | None]
    contract_end: Mapped[date | None]  # the end of the unit's maintenance contract, if it has one
    parts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
