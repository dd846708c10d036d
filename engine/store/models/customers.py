"""The customer master: companies, their sites and contacts, and their agreements (S2 9.1 ⑵ ⑹).

Cases and delivered units point at a customer (and a case at a site) instead of repeating a
typed name, so a customer's units, cases, contracts and contacts are one indexed lookup.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from engine.store.db import Base
from engine.store.db import UTCDateTime
from engine.store.db import utcnow


class Customer(Base):
    """A customer company; ``kind`` is its class (engine/domain/customer_master.py KINDS)."""

    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Loaded with the customer: a record is read whole (its page, a step's customer card).
    sites: Mapped[list[CustomerSite]] = relationship(
        order_by="CustomerSite.id", cascade="all, delete-orphan", lazy="selectin"
    )
    contacts: Mapped[list[CustomerContact]] = relationship(
        order_by="CustomerContact.id", cascade="all, delete-orphan", lazy="selectin"
    )
    agreements: Mapped[list[ServiceAgreement]] = relationship(
        order_by="ServiceAgreement.starts_on", cascade="all, delete-orphan", back_populates="customer", lazy="selectin"
    )


class CustomerSite(Base):
    """Where a customer's units stand: the address engineers travel to, its zone and distance
    (the arrival promise is set by distance, S2 7.2.1; by city or suburb, S0 十九)."""

    __tablename__ = "customer_sites"
    __table_args__ = (UniqueConstraint("customer_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))  # the unique's lead
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500), default="")
    zone: Mapped[str | None] = mapped_column(String(20))
    distance_km: Mapped[int | None]


class CustomerContact(Base):
    """A person at the customer: whom the desk calls back and the customer messages reach.
    Found by phone number, so a caller is recognised while still on the line."""

    __tablename__ = "customer_contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("customer_sites.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    site: Mapped[CustomerSite | None] = relationship(lazy="joined")


class ServiceAgreement(Base):
    """A technical agreement or maintenance contract: what it covers, for which models, how long
    (contract service B is charged by it, S0 六; its end starts the renewal notice, S0 二十)."""

    __tablename__ = "service_agreements"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    scope: Mapped[list[str]] = mapped_column(JSON, default=list)  # customer_master.SCOPE words
    models: Mapped[list[str]] = mapped_column(JSON, default=list)  # the product models covered; none: all
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(Text)
    customer: Mapped[Customer] = relationship(back_populates="agreements")

    def covers(self, day: date, model: str | None = None, work: str | None = None) -> bool:
        """In force on ``day`` for a unit of ``model`` and the kind of ``work`` (None: any)."""
        if day < self.starts_on or (self.ends_on is not None and day > self.ends_on):
            return False
        if model is not None and self.models and model not in self.models:
            return False
        return work is None or work in self.scope
