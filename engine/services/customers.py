"""The customer master: find, read, keep and import customers, their sites, contacts and
agreements (S2 9.1 ⑵ ⑹); units and cases are tied to them (engine/store/customer_records.py).

Every form goes through the import's row check (engine/domain/customer_master.py): a customer
typed on the page and one read from a spreadsheet obey the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from engine.domain import clock
from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.customer_master import COLUMNS
from engine.domain.customer_master import check_rows
from engine.domain.customer_master import phone_key
from engine.domain.errors import InvalidData
from engine.domain.errors import InvalidRows
from engine.domain.errors import NotFound
from engine.domain.messages import Message
from engine.domain.product_import import read_upload
from engine.store.case_outcomes import CaseOutcome
from engine.store.case_outcomes import customer_cases
from engine.store.context import EngineContext
from engine.store.customer_records import link_units
from engine.store.customer_records import store_rows
from engine.store.models import Customer
from engine.store.models import CustomerContact
from engine.store.models import CustomerSite
from engine.store.models import DeliveredUnit
from engine.store.models import ServiceAgreement

PAGE_SIZE = 50
CASES_SHOWN = 100
LOOKUP_SIZE = 10
PARTS: dict[str, type[CustomerSite | CustomerContact | ServiceAgreement]] = {
    "site": CustomerSite,
    "contact": CustomerContact,
    "agreement": ServiceAgreement,
}


@dataclass(frozen=True)
class CustomerLine:
    id: int
    code: str
    name: str
    kind: str
    units: int


@dataclass(frozen=True)
class CustomerFile:
    """A customer's page: the record, its units in the archive, its latest cases."""

    customer: Customer
    units: list[DeliveredUnit]
    cases: list[CaseOutcome]
    today: date

    def in_force(self, agreement: ServiceAgreement) -> bool:
        return agreement.covers(self.today)


@dataclass(frozen=True)
class Caller:
    """A lookup match: the customer, and the contact and site when a phone number matched."""

    customer_id: int
    code: str
    name: str
    kind: str
    contact: str | None
    phone: str | None
    email: str | None
    address: str | None


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    units_tied: int


def _search_text(q: str | None) -> str | None:
    if q and ("\x00" in q or len(q) > 200):
        raise InvalidData({"q": Message("must be at most 200 characters, without NUL")})
    return q.strip() or None if q else None


def _matching(q: str) -> Any:
    """Customers whose code or name holds ``q``, or with a contact of that phone number."""
    pattern = f"%{q}%"
    phone = phone_key(q)
    by_phone = select(CustomerContact.customer_id).where(CustomerContact.phone == phone) if phone else None
    clauses = [Customer.code.like(pattern), Customer.name.like(pattern)]
    if by_phone is not None:
        clauses.append(Customer.id.in_(by_phone))
    return or_(*clauses)


def list_customers(
    ctx: EngineContext, actor: Actor, q: str | None, kind: str | None, page: int
) -> tuple[list[CustomerLine], int]:
    require(actor, Permission.READ_CUSTOMERS)
    text = _search_text(q)
    query = select(Customer.id)
    if text:
        query = query.where(_matching(text))
    if kind:
        query = query.where(Customer.kind == kind)
    with ctx.uow() as uow:
        session = uow.session
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        units = (
            select(func.count())
            .select_from(DeliveredUnit)
            .where(DeliveredUnit.customer_id == Customer.id)
            .scalar_subquery()
        )
        rows = session.execute(
            select(Customer.id, Customer.code, Customer.name, Customer.kind, units)
            .where(Customer.id.in_(query))
            .order_by(Customer.code)
            .limit(PAGE_SIZE)
            .offset((max(page, 1) - 1) * PAGE_SIZE)
        ).all()
        return [CustomerLine(*row) for row in rows], int(total)


def customer_file(ctx: EngineContext, actor: Actor, customer_id: int) -> CustomerFile:
    require(actor, Permission.READ_CUSTOMERS)
    with ctx.uow() as uow:
        session = uow.session
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound(Message("no customer %(id)s", id=customer_id))
        units = list(
            session.scalars(
                select(DeliveredUnit)
                .where(DeliveredUnit.customer_id == customer_id)
                .order_by(DeliveredUnit.serial_number)
            )
        )
        cases = customer_cases(session, customer_id, CASES_SHOWN)
        return CustomerFile(customer, units, cases, _today(ctx))


def _today(ctx: EngineContext) -> date:
    return clock.today(ZoneInfo(ctx.config.timezone))


def find_callers(ctx: EngineContext, actor: Actor, q: str | None) -> list[Caller]:
    """Who the desk may be talking to: customers by code or name, contacts by phone number."""
    require(actor, Permission.READ_CUSTOMERS)
    text = _search_text(q)
    if not text or len(text) < 2:
        return []
    phone = phone_key(text)
    with ctx.uow() as uow:
        session = uow.session
        found: list[Caller] = []
        if phone and len(phone) >= 5:
            contacts = session.scalars(select(CustomerContact).where(CustomerContact.phone == phone).limit(LOOKUP_SIZE))
            for contact in contacts:
                customer = session.get_one(Customer, contact.customer_id)
                site = session.get(CustomerSite, contact.site_id) if contact.site_id else None
                found.append(_caller(customer, contact, site))
        pattern = f"%{text}%"
        known = {caller.customer_id for caller in found}
        customers = session.scalars(
            select(Customer)
            .where(or_(Customer.code.like(pattern), Customer.name.like(pattern)), Customer.id.not_in(known))
            .order_by(Customer.code)
            .limit(LOOKUP_SIZE - len(found))
        )
        for customer in customers:
            first = customer.contacts[0] if customer.contacts else None
            only = customer.sites[0] if len(customer.sites) == 1 else None
            found.append(_caller(customer, first, only))
        return found[:LOOKUP_SIZE]


def _caller(customer: Customer, contact: CustomerContact | None, site: CustomerSite | None) -> Caller:
    return Caller(
        customer.id,
        customer.code,
        customer.name,
        customer.kind,
        contact.name if contact else None,
        contact.phone if contact else None,
        contact.email if contact else None,
        site.address if site else None,
    )


def _checked_row(values: dict[str, Any]) -> Any:
    """One form's values checked as one import row; InvalidData names each wrong field."""
    row = {column: values.get(column, "") for column in COLUMNS}
    rows, problems = check_rows([row])
    if problems:
        raise InvalidData({problem.column or "form": problem.message for problem in problems})
    return rows[0]


def save_customer(ctx: EngineContext, actor: Actor, customer_id: int | None, values: dict[str, Any]) -> int:
    """Add a customer (``customer_id`` None) or change its code, name, class and notes."""
    require(actor, Permission.MANAGE_CUSTOMERS)
    fields = {name: values.get(name, "") for name in ("code", "name", "class", "notes")}
    row = _checked_row(fields)
    with ctx.uow(write=True) as uow:
        session = uow.session
        holder = session.scalar(select(Customer.id).where(Customer.code == row.customer["code"]))
        if holder is not None and holder != customer_id:
            raise InvalidData({"code": Message("another customer has this code")})
        if customer_id is None:
            store_rows(session, [row])
        else:
            customer = session.get(Customer, customer_id)
            if customer is None:
                raise NotFound(Message("no customer %(id)s", id=customer_id))
            customer.code, customer.name, customer.kind = (
                row.customer["code"],
                row.customer["name"],
                row.customer["kind"],
            )
            customer.notes = row.customer["notes"]
        session.flush()
        saved = session.scalar(select(Customer.id).where(Customer.code == row.customer["code"]))
        link_units(uow.connection)
        uow.commit()
        return int(saved or 0)


def add_part(ctx: EngineContext, actor: Actor, customer_id: int, values: dict[str, Any]) -> None:
    """Add or change a site, a contact or an agreement of the customer (the form's fields say
    which: those of the import's columns)."""
    require(actor, Permission.MANAGE_CUSTOMERS)
    with ctx.uow(write=True) as uow:
        session = uow.session
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound(Message("no customer %(id)s", id=customer_id))
        named = {"code": customer.code, "name": customer.name, "class": customer.kind}
        row = _checked_row({**values, **named})
        if not (row.site or row.contact or row.agreement):
            raise InvalidData({"form": Message("fill in the site, the contact or the agreement")})
        if row.agreement:
            other = session.scalar(
                select(ServiceAgreement.customer_id).where(ServiceAgreement.number == row.agreement["number"])
            )
            if other is not None and other != customer_id:
                raise InvalidData({"agreement": Message("this number is another customer's agreement")})
        store_rows(session, [row])
        uow.commit()


def remove_part(ctx: EngineContext, actor: Actor, customer_id: int, part: str, part_id: int) -> None:
    """Remove a site, contact or agreement of the customer (cases keep their history)."""
    require(actor, Permission.MANAGE_CUSTOMERS)
    model = PARTS.get(part)
    if model is None:
        raise NotFound(Message("no such part of a customer record"))
    with ctx.uow(write=True) as uow:
        found = uow.session.get(model, part_id)
        if found is None or getattr(found, "customer_id", None) != customer_id:
            raise NotFound(Message("no such part of a customer record"))
        uow.session.delete(found)
        uow.commit()


def import_customers(ctx: EngineContext, actor: Actor, name: str, data: bytes) -> ImportResult:
    """Add or update customers from a CSV/XLSX table (one row per contact, site or agreement);
    any problem refuses the whole file. Units of the archive that name an imported customer by
    code or name are tied to it."""
    require(actor, Permission.MANAGE_CUSTOMERS)
    rows = read_upload(name, data)
    checked, problems = check_rows(rows)
    if problems:
        raise InvalidRows(problems)
    with ctx.uow(write=True) as uow:
        added, updated = store_rows(uow.session, checked)
        tied = link_units(uow.connection)
        uow.commit()
    return ImportResult(added, updated, tied)
