"""The parts ledger: every move of a spare part a service step recorded (S2 11.3–11.5)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from engine.store.db import Base
from engine.store.db import UTCDateTime


class PartMovement(Base):
    """One line of a loan slip, an account, or a warehouse move (engine/domain/parts_stock.py).

    Written in the completing step's transaction and never changed: a part's ledger is the
    sum of its rows, each traced to its case and step."""

    __tablename__ = "part_movements"
    __table_args__ = (Index("ix_part_movements_part", "part_no", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    part_no: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    basis: Mapped[str] = mapped_column(String(20), default="")
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    step: Mapped[str] = mapped_column(String(200))  # the step's name, as the case record shows it
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
