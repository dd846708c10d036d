"""The parts ledger's rows: written with the step that moved the parts, read per part number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.actors import Actor
from engine.domain.parts_stock import ON_HAND
from engine.domain.parts_stock import Move
from engine.store.models import Case
from engine.store.models import PartMovement
from engine.store.models import User


def record(session: Session, case_id: int, step: str, actor: Actor, moves: Sequence[Move], at: datetime) -> None:
    session.add_all(
        PartMovement(
            part_no=move.part_no,
            kind=move.kind,
            quantity=move.quantity,
            basis=move.basis,
            case_id=case_id,
            step=step,
            actor_id=actor.user_id,
            at=at,
        )
        for move in moves
    )


@dataclass(frozen=True)
class LedgerLine:
    at: datetime
    kind: str
    quantity: Decimal
    basis: str
    case_id: int
    case_number: str
    step: str
    by: str
    on_hand: Decimal  # the usable stock's change since the first line


def part_lines(session: Session, part_no: str) -> list[LedgerLine]:
    """Every move of one part number, oldest first, with the running change of usable stock."""
    rows = session.execute(
        select(PartMovement, Case.number, User.username)
        .join(Case, Case.id == PartMovement.case_id)
        .outerjoin(User, User.id == PartMovement.actor_id)
        .where(PartMovement.part_no == part_no)
        .order_by(PartMovement.id)
    ).all()
    lines, running = [], Decimal(0)
    for move, number, username in rows:
        running += ON_HAND.get(move.kind, 0) * move.quantity
        lines.append(
            LedgerLine(move.at, move.kind, move.quantity, move.basis, move.case_id, number, move.step,
                       username or "?", running)
        )  # fmt: skip
    return lines


def totals_by_part(session: Session, search: str = "") -> dict[str, dict[str, Decimal]]:
    """Per part number the sum of each kind of move (one grouped query)."""
    query = select(PartMovement.part_no, PartMovement.kind, func.sum(PartMovement.quantity)).group_by(
        PartMovement.part_no, PartMovement.kind
    )
    if search:
        query = query.where(PartMovement.part_no.contains(search, autoescape=True))
    totals: dict[str, dict[str, Decimal]] = {}
    for part, kind, quantity in session.execute(query):
        totals.setdefault(part, {})[kind] = Decimal(str(quantity))
    return dict(sorted(totals.items()))
