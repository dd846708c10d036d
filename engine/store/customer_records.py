"""Customer-master rows: storing an import, tying units and cases to their customer.

A case is tied when a step records who it is about (a serial number the archive knows, the
customer's name or code, a contact's phone number), in that step's transaction; the case page,
the customer's page and the lists then read the tie, never the typed text.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from engine.domain.customer_master import MAINTENANCE_CONTRACT
from engine.domain.customer_master import CustomerRow
from engine.domain.customer_master import phone_key
from engine.domain.messages import Message
from engine.domain.policy import SHIPPED
from engine.store.case_writer import CaseWriter
from engine.store.db import table_of
from engine.store.db import utcnow
from engine.store.models import Customer
from engine.store.models import CustomerContact
from engine.store.models import CustomerSite
from engine.store.models import DeliveredUnit
from engine.store.models import ServiceAgreement

CUSTOMERS = table_of(Customer)
CONTACTS = table_of(CustomerContact)
SITES = table_of(CustomerSite)
UNITS = table_of(DeliveredUnit)
# The fields whose value says who a case is about; a step that records one re-reads the tie.
IDENTIFYING = (SHIPPED.serial_number_field, SHIPPED.customer_field, SHIPPED.customer_phone.field)
ADDRESS_FIELD = "address"


def store_rows(session: Session, rows: Iterable[CustomerRow]) -> tuple[int, int]:
    """Add or update what the rows name (customers by code, sites by name, contacts by name,
    agreements by number); nothing is removed. Returns (customers added, customers updated)."""
    by_code: dict[str, Customer] = {}
    added = updated = 0
    for row in rows:
        code = row.customer["code"]
        customer = by_code.get(code)
        if customer is None:
            customer = session.scalar(select(Customer).where(Customer.code == code))
            if customer is None:
                customer = Customer(code=code, created_at=utcnow())
                session.add(customer)
                added += 1
            else:
                updated += 1
            customer.name, customer.kind = row.customer["name"], row.customer["kind"]
            customer.notes = row.customer["notes"] or customer.notes
            customer.updated_at = utcnow()
            by_code[code] = customer
        site = _site(customer, row.site) if row.site else None
        if row.contact:
            _contact(customer, site, row.contact)
        if row.agreement:
            _agreement(session, customer, row.agreement)
    session.flush()
    return added, updated


def _site(customer: Customer, values: dict[str, Any]) -> CustomerSite:
    site = next((s for s in customer.sites if s.name == values["name"]), None)
    if site is None:
        site = CustomerSite(name=values["name"], address="")
        customer.sites.append(site)
    site.address = values["address"] or site.address
    site.zone = values["zone"] or site.zone
    site.distance_km = values["distance_km"] if values["distance_km"] is not None else site.distance_km
    return site


def _contact(customer: Customer, site: CustomerSite | None, values: dict[str, Any]) -> None:
    contact = next((c for c in customer.contacts if c.name == values["name"]), None)
    if contact is None:
        contact = CustomerContact(name=values["name"])
        customer.contacts.append(contact)
    for name in ("title", "phone", "email"):
        if values[name]:
            setattr(contact, name, values[name])
    if site is not None:
        contact.site = site


def _agreement(session: Session, customer: Customer, values: dict[str, Any]) -> None:
    agreement = session.scalar(select(ServiceAgreement).where(ServiceAgreement.number == values["number"]))
    if agreement is None:
        agreement = ServiceAgreement(number=values["number"])
        customer.agreements.append(agreement)
    else:
        agreement.customer = customer
    for name in ("kind", "scope", "models", "starts_on", "ends_on"):
        setattr(agreement, name, values[name])


def link_units(connection: Connection) -> int:
    """Tie every archive unit not yet tied to the customer its delivery list names, by the
    customer's code or else its exact name; returns how many were tied."""
    tied = 0
    for column in (CUSTOMERS.c.code, CUSTOMERS.c.name):
        match = select(CUSTOMERS.c.id).where(column == UNITS.c.customer).order_by(CUSTOMERS.c.id).limit(1)
        result = connection.execute(
            update(UNITS)
            .where(UNITS.c.customer_id.is_(None), UNITS.c.customer.in_(select(column)))
            .values(customer_id=match.scalar_subquery())
        )
        tied += result.rowcount or 0
    return tied


def customer_of(connection: Connection, data: Mapping[str, Any]) -> tuple[int, int | None] | None:
    """(customer id, site id or None) of the case whose data this is, or None when the master
    does not know the customer. The archive's tie of the serial number comes first, then the
    customer's code or exact name, then a contact's phone number."""
    serial = _text(data.get(SHIPPED.serial_number_field))
    named = _text(data.get(SHIPPED.customer_field))
    phone = phone_key(_text(data.get(SHIPPED.customer_phone.field)))
    customer_id: int | None = None
    if serial:
        customer_id = connection.scalar(select(UNITS.c.customer_id).where(UNITS.c.serial_number == serial))
    if customer_id is None and named:
        customer_id = connection.scalar(
            select(CUSTOMERS.c.id)
            .where(or_(CUSTOMERS.c.code == named, CUSTOMERS.c.name == named))
            .order_by(CUSTOMERS.c.id)
            .limit(1)
        )
    callers = (
        connection.execute(select(CONTACTS.c.customer_id, CONTACTS.c.site_id).where(CONTACTS.c.phone == phone)).all()
        if phone
        else []
    )
    if customer_id is None:
        companies = {row.customer_id for row in callers}
        if len(companies) != 1:
            return None
        customer_id = companies.pop()
    return customer_id, _site_of(connection, customer_id, callers, _text(data.get(ADDRESS_FIELD)))


def _site_of(connection: Connection, customer_id: int, callers: Sequence[Any], address: str | None) -> int | None:
    """The caller's site, else the site at the address given, else the customer's only site."""
    for row in callers:
        if row.customer_id == customer_id and row.site_id is not None:
            return int(row.site_id)
    sites = connection.execute(select(SITES.c.id, SITES.c.address).where(SITES.c.customer_id == customer_id)).all()
    at_address = [row.id for row in sites if address and row.address == address]
    if at_address:
        return int(at_address[0])
    return int(sites[0].id) if len(sites) == 1 else None


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def link_case(
    connection: Connection, writer: CaseWriter, submitted: Mapping[str, Any], data: Mapping[str, Any]
) -> None:
    """Re-read the case's customer when the step recorded who it is about (``submitted``)."""
    if not any(name in submitted for name in IDENTIFYING):
        return
    found = customer_of(connection, data)
    writer.set(customer_id=found[0] if found else None, site_id=found[1] if found else None)


@dataclass(frozen=True)
class CustomerCard:
    """What a step's page shows of the case's customer: who they are, where, whom to call, and
    the agreements in force on the day (the facts a quote or a free repair rests on)."""

    id: int
    code: str
    name: str
    kind: str
    site: CustomerSite | None
    contacts: list[CustomerContact]
    agreements: list[ServiceAgreement]  # in force on the day


def customer_card(session: Session, customer_id: int | None, site_id: int | None, day: date) -> CustomerCard | None:
    customer = session.get(Customer, customer_id) if customer_id is not None else None
    if customer is None:
        return None
    site = next((s for s in customer.sites if s.id == site_id), None)
    contacts = [c for c in customer.contacts if site is None or c.site_id in (None, site.id)]
    agreements = [a for a in customer.agreements if a.covers(day)]
    return CustomerCard(customer.id, customer.code, customer.name, customer.kind, site, contacts, agreements)


def contract_refusal(
    session: Session, customer_id: int | None, day: date, model: str | None, work: str
) -> Message | None:
    """Why a call cannot be served under a maintenance contract (type B, S0 六), or None.

    Only a customer of the master is checked: its contracts must be in force on the day of the
    call, name the unit's model (or none) and have ``work`` in their scope; a customer the master
    does not know is taken at the caller's word (and the archive's).
    """
    customer = session.get(Customer, customer_id) if customer_id is not None else None
    if customer is None:
        return None
    contracts = [a for a in customer.agreements if a.kind == MAINTENANCE_CONTRACT]
    if any(a.covers(day, model or None, work) for a in contracts):
        return None
    running = [a for a in contracts if a.covers(day)]
    if not running:
        return Message("%(customer)s has no maintenance contract in force on %(day)s", customer=customer.name, day=day)
    scopes = "; ".join(f"{a.number}: {', '.join(a.scope) or '—'}" for a in running)
    return Message(
        "the maintenance contract of %(customer)s does not cover %(work)s for %(model)s (%(scopes)s): "
        "the service is paid unless the contract is amended",
        customer=customer.name,
        work=work,
        model=model or "—",
        scopes=scopes,
    )
