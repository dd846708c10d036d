"""The product archive: delivered units, and every case about a unit or a customer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import String
from sqlalchemy import cast
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain import qr_codes
from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import InvalidData
from engine.domain.errors import InvalidRows
from engine.domain.errors import NotAllowed
from engine.domain.errors import NotFound
from engine.domain.link_tokens import portal_url
from engine.domain.link_tokens import sign_serial
from engine.domain.messages import Message
from engine.domain.policy import SHIPPED
from engine.domain.product_import import check_rows
from engine.domain.product_import import read_upload
from engine.store.case_outcomes import CaseOutcome
from engine.store.case_outcomes import outcomes
from engine.store.context import EngineContext
from engine.store.customer_records import link_units
from engine.store.db import utcnow
from engine.store.models import Case
from engine.store.models import DeliveredUnit
from engine.store.models import ProcessVersion

PAGE_SIZE = 50


@dataclass(frozen=True)
class UnitArchive:
    serial_number: str
    unit: DeliveredUnit | None
    cases: list[CaseOutcome]


@dataclass(frozen=True)
class CustomerArchive:
    customer: str
    units: list[DeliveredUnit]
    cases: list[CaseOutcome]


def import_units(ctx: EngineContext, actor: Actor, name: str, data: bytes) -> int:
    """Add or update units from a CSV/XLSX table; every problem refuses the whole file."""
    require(actor, Permission.IMPORT_PRODUCTS)
    rows = read_upload(name, data)
    clean, problems = check_rows(rows)
    if problems:
        raise InvalidRows(problems)
    with ctx.uow(write=True) as uow:
        session = uow.session
        for item in clean:
            unit = session.get(DeliveredUnit, item["serial_number"]) or DeliveredUnit(
                serial_number=item["serial_number"]
            )
            for column, value in item.items():
                setattr(unit, column, value)
            unit.updated_at = utcnow()
            session.add(unit)
        session.flush()
        link_units(uow.connection)
        uow.commit()
    return len(clean)


def list_units(ctx: EngineContext, actor: Actor, q: str | None, page: int) -> tuple[list[DeliveredUnit], int]:
    require(actor, Permission.READ_ARCHIVE)
    if q and ("\x00" in q or len(q) > 200):
        raise InvalidData({"q": Message("must be at most 200 characters, without NUL")})
    query = select(DeliveredUnit)
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(
            or_(
                DeliveredUnit.serial_number.like(pattern),
                DeliveredUnit.model.like(pattern),
                DeliveredUnit.customer.like(pattern),
            )
        )
    with ctx.uow() as uow:
        total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = uow.session.scalars(
            query.order_by(DeliveredUnit.serial_number).limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)
        )
        return list(rows), int(total)


def _cases_where(session: Session, field: str, value: str) -> list[CaseOutcome]:
    """Cases whose data has ``field`` == ``value`` (a text search narrows, the data decides)."""
    rows = session.execute(
        select(Case, ProcessVersion.key)
        .join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
        .where(cast(Case.data, String).like(f"%{_escaped(value)}%", escape="\\"))
        .order_by(Case.created_at)
    ).all()
    return outcomes(session, [(case, key) for case, key in rows if (case.data or {}).get(field) == value])


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def unit_archive(ctx: EngineContext, actor: Actor, serial_number: str) -> UnitArchive:
    require(actor, Permission.READ_ARCHIVE)
    with ctx.uow() as uow:
        unit = uow.session.get(DeliveredUnit, serial_number)
        return UnitArchive(serial_number, unit, _cases_where(uow.session, SHIPPED.serial_number_field, serial_number))


def customer_archive(ctx: EngineContext, actor: Actor, customer: str) -> CustomerArchive:
    require(actor, Permission.READ_ARCHIVE)
    with ctx.uow() as uow:
        units = list(
            uow.session.scalars(
                select(DeliveredUnit).where(DeliveredUnit.customer == customer).order_by(DeliveredUnit.serial_number)
            )
        )
        return CustomerArchive(customer, units, _cases_where(uow.session, SHIPPED.customer_field, customer))


@dataclass(frozen=True)
class Nameplate:
    serial_number: str
    model: str
    png: bytes  # the QR code that opens the service request for this unit


def _nameplate_addresses(ctx: EngineContext) -> Callable[[str], str]:
    """serial number → what its nameplate code holds (a never-expiring signature of it);
    NotAllowed when this installation cannot make codes."""
    secret, public = ctx.config.link_secret, ctx.config.public_url
    if not secret or not public:
        raise NotAllowed(Message("nameplate codes need AFTERCARE_PUBLIC_URL: the address customers reach the site at"))
    return lambda serial: portal_url(public, "nameplate", sign_serial(secret, serial))


def nameplate_sheet(ctx: EngineContext, actor: Actor, q: str | None, page: int) -> tuple[list[Nameplate], int]:
    """The nameplate codes of one page of the archive list (the same search and page), to print
    as a label sheet; with the number of units the search finds."""
    require(actor, Permission.READ_ARCHIVE)
    address = _nameplate_addresses(ctx)
    units, total = list_units(ctx, actor, q, page)
    codes = [qr_codes.png(address(unit.serial_number), scale=4) for unit in units]
    return [Nameplate(unit.serial_number, unit.model, code) for unit, code in zip(units, codes, strict=True)], total


def nameplate_qr(ctx: EngineContext, actor: Actor, serial: str) -> bytes:
    """The PNG QR code for a unit's nameplate: it opens the service request form for that unit
    (``/c/r/<token>``); printed once, it serves the machine's whole life."""
    require(actor, Permission.READ_ARCHIVE)
    url = _nameplate_addresses(ctx)(serial)
    with ctx.uow() as uow:
        if uow.session.get(DeliveredUnit, serial) is None:
            raise NotFound(Message("the archive has no unit %(serial)s", serial=serial))
    return qr_codes.png(url)
