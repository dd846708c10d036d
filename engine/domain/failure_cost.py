"""External failure cost (S2 12.4): what failures after delivery cost the company, by month and kind.

Quality-cost practice counts as external failure cost what the company spends because a
delivered product failed: the service trips, the parts put in under warranty, the factory's
repair hours, the goods replaced and the money refunded, and what a complaint's measures cost.
Work the customer or a partner pays for is service sold, not a failure: a case counts as paid
once the customer accepted its quote or fee, or the partner was told it would be billed. Where
each amount is recorded is the policy's (engine/domain/policy.py ``costs``); docs/quality.md
works an example through by hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from engine.domain.fee_table import FeeTable
from engine.domain.messages import Message
from engine.domain.policy import CostAt
from engine.domain.policy import Policy

CENT = Decimal("0.01")
# The kinds in the order the report lists them.
KIND_NAMES = {
    "trips": Message("service trips"),
    "parts": Message("warranty parts"),
    "factory_hours": Message("factory repair hours"),
    "replacements": Message("replaced goods"),
    "refunds": Message("refunds"),
    "complaints": Message("complaint measures"),
}
KINDS = tuple(KIND_NAMES)

# One completed step of a case: (BPMN id, submitted data, when).
Step = tuple[str, Mapping[str, Any], datetime]


@dataclass(frozen=True)
class PartUse:
    """Parts a job used, from the parts ledger (engine/domain/parts_stock.py ``used`` moves),
    with the basis its loan slip gave them (warranty or paid)."""

    case_id: int
    part_no: str
    quantity: Decimal
    basis: str
    at: datetime


@dataclass(frozen=True)
class CostLine:
    case_id: int
    kind: str
    amount: Decimal
    at: datetime


@dataclass(frozen=True)
class MonthCost:
    """One month of the cost report: the total, each kind's share, and the cases behind them."""

    month: str
    amount: Decimal
    cases: list[int]
    by_kind: dict[str, Decimal] = field(default_factory=dict)
    kind_cases: dict[str, list[int]] = field(default_factory=dict)


def _amount(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def is_paid(policy: Policy, steps: Sequence[Step]) -> bool:
    """Whether the customer or a partner pays for the case's work."""
    for bpmn_id, data, _at in steps:
        if any(bpmn_id == step.step for step in policy.paid_steps):
            return True
        if any(bpmn_id == answer.step and data.get(answer.field) is True for answer in policy.paid_answers):
            return True
    return False


def cost_lines(
    policy: Policy, steps_by_case: Mapping[int, Sequence[Step]], parts: Iterable[PartUse], fees: FeeTable
) -> tuple[list[CostLine], set[str]]:
    """Every cost the cases recorded, dated by the step that incurred it, and the part numbers
    used under warranty that the price list does not know (counted at nothing, and named)."""
    hour_rate = fees.rate(*policy.hour_rate) or Decimal(0)
    lines: list[CostLine] = []
    paid = {case_id for case_id, steps in steps_by_case.items() if is_paid(policy, steps)}
    for case_id, steps in steps_by_case.items():
        for cost in policy.costs:
            if cost.unpaid_only and case_id in paid:
                continue
            for value, dated in _occurrences(cost, steps):
                amount = value * hour_rate if cost.hours else value
                lines.append(CostLine(case_id, cost.kind, amount.quantize(CENT), dated))
    unpriced: set[str] = set()
    for use in parts:
        if use.basis != "warranty" or not use.quantity:
            continue
        priced = fees.parts.get(use.part_no)
        if priced is None:
            unpriced.add(use.part_no)
            continue
        lines.append(CostLine(use.case_id, "parts", (priced.price * use.quantity).quantize(CENT), use.at))
    return lines, unpriced


def _occurrences(cost: CostAt, steps: Sequence[Step]) -> list[tuple[Decimal, datetime]]:
    """Each amount the cost's step recorded, when it was recorded: a repair done again after a
    failed inspection counts its hours again. Dated by another step (a replacement by its
    shipping), the amount last confirmed counts once, when that step was done."""
    recorded = [
        (value, at)
        for step, data, at in steps
        if step == cost.value.step and (value := _amount(data.get(cost.value.field)))
    ]
    if cost.dated_by is None:
        return recorded
    dated = next((at for step, _data, at in steps if step == cost.dated_by.step), None)
    return [(recorded[-1][0], dated)] if recorded and dated is not None else []


def by_month(lines: Iterable[CostLine], start: datetime, end: datetime, zone: ZoneInfo) -> list[MonthCost]:
    """The lines of [start, end) summed by local month and kind."""
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    cases: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for line in lines:
        if not (start <= line.at < end):
            continue
        month = line.at.astimezone(zone).strftime("%Y-%m")
        totals[month][line.kind] += line.amount
        cases[month][line.kind].add(line.case_id)
    return [
        MonthCost(
            month,
            sum(totals[month].values(), Decimal(0)),
            sorted(set().union(*cases[month].values())),
            {kind: totals[month][kind] for kind in KINDS if kind in totals[month]},
            {kind: sorted(cases[month][kind]) for kind in KINDS if kind in cases[month]},
        )
        for month in sorted(totals)
    ]
