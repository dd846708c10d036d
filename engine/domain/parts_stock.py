"""Spare parts taken on a service trip and brought back, as the policy's loan slip runs (S2 11.3–11.5).

The engineer takes parts from the warehouse on the ERP-A/S loan slip (借用单): lines of part
number, quantity and whether they are warranty or paid. Back at the company he accounts for
every part within three days: used at the customer's, brought back unused, and the damaged parts
he replaced brought back too. The quality office re-inspects what came back and issues its
result (合格, 不合格, 报废); the warehouse moves the parts by that result — good ones back into
stock, faulty ones into the nonconforming store, scrap out — and the loan is cleared (归零).

A user task declares its part with the property ``stock``:

- ``issue``: its ``parts_issued`` rows leave the stock on loan;
- ``account``: its ``parts_accounted`` rows must clear the loan part by part (used + unused =
  issued); a part not issued may only come back as replaced; ``parts_to_return`` is kept so the
  flow knows whether anything goes to re-inspection;
- ``inspect``: opens with one row per part and source brought back; the results must cover
  exactly what came back;
- ``transfer``: the warehouse's move by the re-inspection's results.

Every move is a row of the parts ledger (engine/store/part_ledger.py), written in the step's
own transaction, so the ledger of a part number is the sum of what its steps recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.domain.errors import InvalidData
from engine.domain.form_rows import cell_key
from engine.domain.form_rows import cell_number
from engine.domain.messages import Message

STOCK = "stock"  # the user-task property
STEPS = ("issue", "account", "inspect", "transfer", "replace", "recover", "restock", "scrap")
ISSUED = "parts_issued"
ACCOUNTED = "parts_accounted"
INSPECTED = "reinspection"
TO_RETURN = "parts_to_return"
# What a re-inspection result does to the part: back to stock, to the nonconforming store, out.
RESULT_MOVES = {"good": "restocked", "faulty": "nonconforming", "scrap": "scrapped"}
SOURCES = ("unused", "removed")
SOURCE_NAMES = {"unused": Message("unused"), "removed": Message("replaced part")}
# How each kind of move changes the warehouse's usable stock of the part.
ON_HAND = {"issued": -1, "restocked": 1, "shipped": -1}
KINDS = ("issued", "used", "returned", "removed", "shipped", "recovered", "restocked", "nonconforming", "scrapped")
# Exchanged goods (S3 2.3): the replacement shipped, the faulty unit recovered, then restocked
# after repair and inspection or scrapped with approval; one unit of the case's product model.
UNIT_MOVES = {"replace": "shipped", "recover": "recovered", "restock": "restocked", "scrap": "scrapped"}
UNIT_DONE = {"recover": "recovered", "scrap": "scrap_approved"}  # the answer that makes the move
UNIT_FIELDS = ("product_model", "part_no")


@dataclass(frozen=True)
class Move:
    part_no: str
    kind: str  # one of KINDS
    quantity: Decimal
    basis: str = ""  # warranty or paid, as the loan slip says


def _part(row: Mapping[str, Any]) -> str:
    return str(row.get("part_no") or "").strip()


def _by_part(rows: Sequence[Mapping[str, Any]], column: str) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        totals[_part(row)] += cell_number(row.get(column))
    return dict(totals)


def account_problems(issued: Sequence[Mapping[str, Any]], accounted: Sequence[Mapping[str, Any]]) -> dict[str, Message]:
    """Each part whose account does not clear its loan, at the cell or field it is about."""
    found: dict[str, Message] = {}
    lent = _by_part(issued, "qty")
    cleared: dict[str, Decimal] = defaultdict(Decimal)
    first_row: dict[str, int] = {}
    for index, row in enumerate(accounted):
        part = _part(row)
        first_row.setdefault(part, index)
        taken = cell_number(row.get("used")) + cell_number(row.get("unused"))
        if taken and part not in lent:
            found[cell_key(ACCOUNTED, index, "part_no")] = Message(
                "%(part)s was not on the loan slip: only a replaced part may come back", part=part
            )
        cleared[part] += taken
    for part, quantity in lent.items():
        if cleared.get(part, Decimal(0)) != quantity:
            where = cell_key(ACCOUNTED, first_row[part], "used") if part in first_row else ACCOUNTED
            found[where] = Message(
                "%(part)s: %(issued)s taken on the loan slip, %(cleared)s used or brought back",
                part=part,
                issued=quantity,
                cleared=cleared.get(part, Decimal(0)),
            )
    return found


def returned_opening(accounted: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One re-inspection row per part and source brought back, its result left to the inspector."""
    rows = []
    for source in SOURCES:
        for part, quantity in _by_part(accounted, source).items():
            if quantity:
                rows.append({"part_no": part, "source": source, "qty": quantity, "result": ""})
    return rows


def inspection_problems(
    accounted: Sequence[Mapping[str, Any]], inspected: Sequence[Mapping[str, Any]]
) -> dict[str, Message]:
    """The re-inspection must cover exactly what came back, part by part and source by source."""
    back = {(row["part_no"], row["source"]): row["qty"] for row in returned_opening(accounted)}
    seen: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in inspected:
        seen[(_part(row), str(row.get("source") or ""))] += cell_number(row.get("qty"))
    found: dict[str, Message] = {}
    for key in sorted(set(back) | set(seen)):
        if back.get(key, Decimal(0)) != seen.get(key, Decimal(0)):
            found[INSPECTED] = Message(
                "%(part)s (%(source)s): %(back)s came back, %(inspected)s inspected",
                part=key[0],
                source=SOURCE_NAMES.get(key[1], key[1]),
                back=back.get(key, Decimal(0)),
                inspected=seen.get(key, Decimal(0)),
            )
            break
    return found


def checked(step: str, data: Mapping[str, Any], cleaned: dict[str, Any]) -> dict[str, Any]:
    """``cleaned`` as the step keeps it, or InvalidData with every part that does not add up."""
    found: dict[str, Message] = {}
    if step == "account":
        accounted = cleaned.get(ACCOUNTED) or []
        found = account_problems(data.get(ISSUED) or [], accounted)
        cleaned = {**cleaned, TO_RETURN: bool(returned_opening(accounted))}
    elif step == "inspect":
        found = inspection_problems(data.get(ACCOUNTED) or [], cleaned.get(INSPECTED) or [])
    if found:
        raise InvalidData(dict(found))
    return cleaned


def moves(step: str, data: Mapping[str, Any], cleaned: Mapping[str, Any]) -> list[Move]:
    """The ledger rows a step's completion writes."""
    if step == "issue":
        return [
            Move(_part(row), "issued", cell_number(row.get("qty")), str(row.get("basis") or ""))
            for row in cleaned.get(ISSUED) or []
        ]
    if step == "account":
        return [
            Move(_part(row), kind, cell_number(row.get(column)))
            for row in cleaned.get(ACCOUNTED) or []
            for column, kind in (("used", "used"), ("unused", "returned"), ("removed", "removed"))
            if cell_number(row.get(column))
        ]
    if step in UNIT_MOVES:
        done = UNIT_DONE.get(step)
        model = next((str(data[name]).strip() for name in UNIT_FIELDS if str(data.get(name) or "").strip()), "")
        if (done and cleaned.get(done) is not True) or not model:
            return []
        return [Move(model, UNIT_MOVES[step], Decimal(1))]
    if step == "transfer":
        return [
            Move(_part(row), RESULT_MOVES[str(row.get("result"))], cell_number(row.get("qty")))
            for row in data.get(INSPECTED) or []
            if str(row.get("result")) in RESULT_MOVES
        ]
    return []
