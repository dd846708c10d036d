"""The fee table finance prices paid service from, and the partner and agent rules, as settings.

S2 2.5 has finance provide the prices of parts and services; 5.2.1.3 lists the fees for an
engineer sent on site ("adjusted every year" — the seed's table itself is empty, so the shipped
rates are examples a company replaces on the fee page); 5.2.2.3 prices an agent's parts at
least 10 % above the company's own, or charges 10 % handling on parts the partner supplies;
5.2.3.2 wants at least 20 % profit on paid work for a competitor's product. Every figure is a
field of one versioned setting, so a quote is always priced against the table in force and the
history says who changed which rate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

from engine.domain.messages import Message

WORKS = ("onsite", "factory")  # the service kinds labour is priced by
WORK_NAMES = {"onsite": Message("on-site service"), "factory": Message("factory repair")}
SKILLS = ("technician", "engineer", "senior_engineer")
SKILL_NAMES = {
    "technician": Message("technician"),
    "engineer": Message("engineer"),
    "senior_engineer": Message("senior engineer"),
}
# What a quote line may name a skill by: its key or the name on the policy's forms.
SKILL_WORDS = {"技工": "technician", "工程师": "engineer", "高级工程师": "senior_engineer"}
RULES = ("agent_parts_markup", "partner_parts_handling", "competitor_margin")
RULE_NAMES = {
    "agent_parts_markup": Message("agent's products: parts above the price list, at least (per cent)"),
    "partner_parts_handling": Message("parts the partner supplies: handling fee (per cent)"),
    "competitor_margin": Message("competitor's products: profit on the cost lines, at least (per cent)"),
}
RULE_CLAUSES = {
    "agent_parts_markup": "S2 5.2.2.3",
    "partner_parts_handling": "S2 5.2.2.3",
    "competitor_margin": "S2 5.2.3.2",
}
MAX_PARTS = 5000
MAX_AMOUNT = Decimal("1000000")
CENT = Decimal("0.01")


class FeesInvalid(ValueError):
    """A fee table that cannot be saved; ``problems`` maps each wrong value's form field name to
    what is wrong with it (``labour.onsite.engineer``, ``parts`` with its line)."""

    def __init__(self, problems: dict[str, Message]) -> None:
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class PricedPart:
    part_no: str
    name: str
    price: Decimal


@dataclass(frozen=True)
class FeeTable:
    """Labour per hour by work and skill, travel by distance band, the parts price list and
    the partner and agent rules in per cent."""

    labour: Mapping[str, Mapping[str, Decimal]] = field(
        default_factory=lambda: {
            "onsite": {"technician": Decimal(120), "engineer": Decimal(200), "senior_engineer": Decimal(300)},
            "factory": {"technician": Decimal(80), "engineer": Decimal(150), "senior_engineer": Decimal(220)},
        }
    )
    # (up to km, fee) rising; the last band has no limit. The arrival promise's bands (S2 5.1.1.3).
    travel: tuple[tuple[int | None, Decimal], ...] = (
        (50, Decimal(100)),
        (300, Decimal(600)),
        (1000, Decimal(1500)),
        (None, Decimal(2500)),
    )
    parts: Mapping[str, PricedPart] = field(default_factory=dict)
    rules: Mapping[str, Decimal] = field(
        default_factory=lambda: {
            "agent_parts_markup": Decimal(10),
            "partner_parts_handling": Decimal(10),
            "competitor_margin": Decimal(20),
        }
    )

    def rate(self, work: str, skill: str) -> Decimal | None:
        """The hourly rate of ``skill`` (a key or its Chinese name) for ``work``."""
        return self.labour.get(work, {}).get(SKILL_WORDS.get(skill.strip(), skill.strip()))

    def travel_fee(self, distance_km: float | None) -> Decimal:
        distance = float(distance_km or 0)
        for limit, fee in self.travel:
            if limit is None or distance <= limit:
                return fee
        return self.travel[-1][1]

    def share(self, rule: str) -> Decimal:
        """A rule's per cent as a fraction (10 → 0.10)."""
        return self.rules[rule] / 100

    def as_json(self) -> dict[str, Any]:
        return {
            "labour": {
                work: {skill: str(rate) for skill, rate in rates.items()} for work, rates in self.labour.items()
            },
            "travel": [{"up_to_km": limit, "fee": str(fee)} for limit, fee in self.travel],
            "parts": [{"part_no": p.part_no, "name": p.name, "price": str(p.price)} for p in self.parts.values()],
            "rules": {name: str(value) for name, value in self.rules.items()},
        }


def fees_from_json(body: Mapping[str, Any]) -> FeeTable:
    """Read a table written by ``as_json`` or typed on the fee page; every wrong value named."""
    problems: dict[str, Message] = {}
    labour: dict[str, dict[str, Decimal]] = {}
    raw_labour = body.get("labour") or {}
    for work in WORKS:
        labour[work] = {}
        for skill in SKILLS:
            value = _money(f"labour.{work}.{skill}", (raw_labour.get(work) or {}).get(skill), problems)
            labour[work][skill] = value if value is not None else Decimal(0)
    travel: list[tuple[int | None, Decimal]] = []
    for index, raw in enumerate(body.get("travel") or [], start=1):
        where = f"travel.{index}"
        limit = raw.get("up_to_km")
        limit_value: int | None = None
        if limit not in (None, ""):
            try:
                limit_value = int(str(limit))
            except ValueError:
                problems[f"{where}.up_to_km"] = Message("a whole number of kilometres")
        fee = _money(f"{where}.fee", raw.get("fee"), problems)
        travel.append((limit_value, fee if fee is not None else Decimal(0)))
    limits = [limit for limit, _fee in travel if limit is not None]
    if not travel:
        problems["travel"] = Message("at least one distance band is needed")
    elif travel[-1][0] is not None:
        problems["travel"] = Message("the last band has no upper limit: it covers every distance beyond")
    elif any(limit is None for limit, _fee in travel[:-1]) or limits != sorted(set(limits)):
        problems["travel"] = Message("the upper limits must rise from band to band")
    rules = {}
    for name in RULES:
        value = _money(f"rules.{name}", (body.get("rules") or {}).get(name), problems)
        if value is not None and value > 100:
            problems[f"rules.{name}"] = Message("a per cent between 0 and 100")
        rules[name] = value if value is not None else Decimal(0)
    parts = _parts(body.get("parts") or [], problems)
    if problems:
        raise FeesInvalid(problems)
    return FeeTable(labour, tuple(travel), parts, rules)


def parse_price_list(text: str) -> list[dict[str, str]]:
    """The price list as typed or pasted from a spreadsheet: one part a line, ``part no, name,
    price`` separated by tabs (a spreadsheet's copy), ``|`` or commas; blank lines skipped."""
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        separator = "\t" if "\t" in line else "|" if "|" in line else ","
        cells = [cell.strip() for cell in line.split(separator)]
        if len(cells) == 2:
            cells = [cells[0], "", cells[1]]
        rows.append({"part_no": cells[0], "name": ",".join(cells[1:-1]) if len(cells) > 3 else cells[1],
                     "price": cells[-1]})  # fmt: skip
    return rows


def price_list_text(table: FeeTable) -> str:
    return "\n".join(f"{p.part_no}\t{p.name}\t{p.price}" for p in table.parts.values())


def _parts(rows: list[Mapping[str, Any]], problems: dict[str, Message]) -> dict[str, PricedPart]:
    parts: dict[str, PricedPart] = {}
    wrong: list[str] = []
    if len(rows) > MAX_PARTS:
        problems["parts"] = Message("at most %(count)s parts", count=MAX_PARTS)
        return parts
    for line, row in enumerate(rows, start=1):
        part_no = str(row.get("part_no") or "").strip()
        name = str(row.get("name") or "").strip()
        price = _decimal(row.get("price"))
        if not part_no or len(part_no) > 60:
            wrong.append(f"{line}: part number (1–60 characters)")
        elif part_no in parts:
            wrong.append(f"{line}: {part_no} is listed twice")
        elif len(name) > 200:
            wrong.append(f"{line}: name longer than 200 characters")
        elif price is None or not 0 <= price <= MAX_AMOUNT:
            wrong.append(f"{line}: price must be a number from 0 to {MAX_AMOUNT}")
        else:
            parts[part_no] = PricedPart(part_no, name, price.quantize(CENT))
    if wrong:
        problems["parts"] = Message("lines of the price list: %(lines)s", lines="; ".join(wrong[:20]))
    return parts


def _decimal(value: object) -> Decimal | None:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _money(where: str, value: object, problems: dict[str, Message]) -> Decimal | None:
    number = _decimal(value)
    if number is None or not 0 <= number <= MAX_AMOUNT:
        problems[where] = Message("a number from 0 to %(most)s", most=MAX_AMOUNT)
        return None
    return number.quantize(CENT)


SHIPPED_FEES = fees_from_json(FeeTable().as_json())  # in cents, as every saved table
