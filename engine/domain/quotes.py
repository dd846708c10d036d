"""A quote's lines priced from the fee table, and the partner and agent rules checked on them.

Finance prices paid service as lines (S0 二.2: parts and travel; S2 2.5: finance provides the
prices): ``kind`` says what a line is, ``item`` which rate or part it is priced by. A quote step
(``pricing`` = ``onsite`` or ``factory`` on the user task) opens with the lines the table
proposes and is refused when a line is below the table:

- ``labour`` (工时费): item a skill (工程师 or ``engineer``), hours × at least the rate of the
  step's work and that skill;
- ``travel`` (差旅费): the distance band's fee at least (S2 5.1.1.3's bands);
- ``parts`` (配件): item a part number of the price list, at least its price — for an agent's
  product at least the list price plus the agent markup (S2 5.2.2.3, 10 %);
- ``partner_parts`` (合作方配件): parts the partner supplies at its price, which call for a
  ``handling`` (手续费) line of at least the handling share of their amount (S2 5.2.2.3, 10 %);
- ``cost`` (成本) and ``margin`` (利润): a competitor's product is priced at cost (survey, design,
  travel, materials, machining, tooling, management, taxes) plus a margin of at least the
  competitor share of the cost lines (S2 5.2.3.2, 20 %).
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP
from decimal import Decimal
from typing import Any

from engine.domain.errors import InvalidData
from engine.domain.fee_table import SKILL_WORDS
from engine.domain.fee_table import FeeTable
from engine.domain.form_rows import cell_key
from engine.domain.messages import Message

LINES = "quote_lines"  # the rows field of a quote step
INVOICE_LINES = "invoice_lines"  # an invoice's: the quote's, corrected by what the job used
PARTNER_LINES = "partner_lines"  # warranty work billed to the partner afterwards (S2 5.1.2)
LINE_FIELDS = (LINES, INVOICE_LINES, PARTNER_LINES)
PRICING = "pricing"  # the user-task property naming the work a step prices (onsite, factory)
KINDS = ("labour", "travel", "parts", "partner_parts", "handling", "cost", "margin")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class QuoteFacts:
    """What a quote is priced by: the product's category, the step's work, the distance."""

    category: str  # own, partner, agent, competitor (the warranty check)
    work: str  # onsite, factory
    distance_km: float | None = None
    hours: Decimal | None = None  # the repair's hours when already known (factory repair)


def kind_of(line: Mapping[str, Any]) -> str:
    return str(line.get("kind") or "").strip()


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def floor_price(table: FeeTable, facts: QuoteFacts, line: Mapping[str, Any]) -> Decimal | None:
    """The least unit price the table allows for ``line``; None when the table sets none."""
    kind, item = kind_of(line), str(line.get("item") or "").strip()
    if kind == "labour":
        return table.rate(facts.work, item)
    if kind == "travel":
        return table.travel_fee(facts.distance_km)
    if kind == "parts" and item in table.parts:
        price = table.parts[item].price
        if facts.category == "agent":
            price = cents(price * (1 + table.share("agent_parts_markup")))
        return price
    return None


def proposed_lines(table: FeeTable, facts: QuoteFacts) -> list[dict[str, Any]]:
    """The lines a quote step opens with: the engineer's labour and, on site, the travel."""
    hours = facts.hours if facts.hours is not None else Decimal(4 if facts.work == "onsite" else 8)
    kind = "cost" if facts.category == "competitor" else "labour"
    rate = cents(table.rate(facts.work, "engineer") or Decimal(0))
    lines = [{"kind": kind, "item": "工程师", "qty": hours, "unit_price": rate, "amount": cents(hours * rate)}]
    if facts.work == "onsite":
        fee = cents(table.travel_fee(facts.distance_km))
        lines.append({"kind": "travel", "item": f"{int(facts.distance_km or 0)} km", "qty": Decimal(1),
                      "unit_price": fee, "amount": fee})  # fmt: skip
    if facts.category == "competitor":
        cost = sum((Decimal(str(line["amount"])) for line in lines), Decimal(0))
        margin = cents(cost * table.share("competitor_margin"))
        lines.append({"kind": "margin", "item": "", "qty": Decimal(1), "unit_price": margin, "amount": margin})
    return lines


def lines_field(form: Mapping[str, Any]) -> str | None:
    """The priced rows field of a step's form, if it has one."""
    ids = {item["id"] for item in form.get("fields", [])}
    return next((name for name in LINE_FIELDS if name in ids), None)


def facts_of(data: Mapping[str, Any], work: str, field_id: str) -> QuoteFacts:
    """What the case says a step's lines are priced by. The partner is billed at the company's
    own rates: the agent and competitor rules are the customer's price, not the partner's."""
    category = "own" if field_id == PARTNER_LINES else str(data.get("product_category") or "own")
    distance = data.get("distance_km")
    hours = data.get("repair_hours")
    return QuoteFacts(
        category,
        work,
        float(distance) if isinstance(distance, int | float | Decimal) else None,
        Decimal(str(hours)) if hours not in (None, "") else None,
    )


def opening_lines(table: FeeTable, field_id: str, facts: QuoteFacts, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The lines a priced step opens with: an invoice the quote's, else the table's proposal."""
    quoted = data.get(LINES)
    if field_id == INVOICE_LINES and isinstance(quoted, list) and quoted:
        return [dict(line) for line in quoted]
    return proposed_lines(table, facts)


def problems(
    table: FeeTable, facts: QuoteFacts, lines: Sequence[Mapping[str, Any]], field_id: str = LINES
) -> dict[str, Message]:
    """Each line below the table, by the cell it is about (``quote_lines-<n>-<column>``)."""
    found: dict[str, Message] = {}
    totals: dict[str, Decimal] = dict.fromkeys(KINDS, Decimal(0))
    for index, line in enumerate(lines):
        kind = kind_of(line)
        amount = Decimal(str(line.get("amount") or 0))
        if kind not in KINDS:
            found[cell_key(field_id, index, "kind")] = Message("one of: %(kinds)s", kinds=", ".join(KINDS))
            continue
        totals[kind] += amount
        item = str(line.get("item") or "").strip()
        if kind == "labour" and table.rate(facts.work, item) is None:
            skills = ", ".join(f"{word} ({key})" for word, key in SKILL_WORDS.items())
            found[cell_key(field_id, index, "item")] = Message("a skill: %(skills)s", skills=skills)
            continue
        if kind == "parts" and item not in table.parts:
            found[cell_key(field_id, index, "item")] = Message(
                "%(part)s is not on the price list (parts the partner supplies are partner_parts)", part=item
            )
            continue
        if kind == "labour" and facts.category == "competitor":
            found[cell_key(field_id, index, "kind")] = Message("a competitor's product is priced at cost plus margin")
            continue
        least = floor_price(table, facts, line)
        price = Decimal(str(line.get("unit_price") or 0))
        if least is not None and price < least:
            found[cell_key(field_id, index, "unit_price")] = Message("at least %(least)s by the fee table", least=least)
    handling = cents(totals["partner_parts"] * table.share("partner_parts_handling"))
    if totals["partner_parts"] and totals["handling"] < handling:
        found[field_id] = Message(
            "parts the partner supplies carry a handling fee of at least %(least)s (S2 5.2.2.3)", least=handling
        )
    if facts.category == "competitor":
        cost = sum((total for kind, total in totals.items() if kind != "margin"), Decimal(0))
        margin = cents(cost * table.share("competitor_margin"))
        if totals["margin"] < margin:
            found[field_id] = Message(
                "work on a competitor's product keeps a margin of at least %(least)s (S2 5.2.3.2)", least=margin
            )
    return found


def check(table: FeeTable, facts: QuoteFacts, lines: Sequence[Mapping[str, Any]], field_id: str = LINES) -> None:
    found = problems(table, facts, lines, field_id)
    if found:
        raise InvalidData(dict(found))
