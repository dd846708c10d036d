"""The parts ledger's pages: every part number with its totals, and one part's moves."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.parts_stock import ON_HAND
from engine.store.context import EngineContext
from engine.store.part_ledger import LedgerLine
from engine.store.part_ledger import part_lines
from engine.store.part_ledger import totals_by_part


@dataclass(frozen=True)
class PartTotals:
    """What the ledger says of one part number: the sum of each kind of move; on loan is what
    engineers took and have not yet accounted for (used or brought back) — zero once cleared."""

    part_no: str
    totals: dict[str, Decimal]

    def of(self, kind: str) -> Decimal:
        return self.totals.get(kind, Decimal(0))

    @property
    def on_loan(self) -> Decimal:
        return self.of("issued") - self.of("used") - self.of("returned")

    @property
    def stock_change(self) -> Decimal:
        """How the usable stock moved through service work: out on loan, back when re-inspected good."""
        return sum((sign * self.of(kind) for kind, sign in ON_HAND.items()), Decimal(0))


PAGE_SIZE = 50


def parts_overview(ctx: EngineContext, actor: Actor, search: str = "", page: int = 1) -> tuple[list[PartTotals], int]:
    """One page of the part numbers that moved (a part number containing ``search``) and how many there are."""
    require(actor, Permission.READ_PARTS)
    with ctx.uow() as uow:
        found = [PartTotals(part, totals) for part, totals in totals_by_part(uow.session, search.strip()).items()]
    start = (max(page, 1) - 1) * PAGE_SIZE
    return found[start : start + PAGE_SIZE], len(found)


def part_ledger(ctx: EngineContext, actor: Actor, part_no: str) -> list[LedgerLine]:
    require(actor, Permission.READ_PARTS)
    with ctx.uow() as uow:
        return part_lines(uow.session, part_no)
