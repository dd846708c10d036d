"""The customer master's words and rules: customer classes, zones, agreements, the import table.

Classes follow the policy: key customers are visited twice a year and others yearly (S4 1.(2),
S2 10), partners' and agents' products are serviced under their own agreements (S2 5.1.2,
5.1.3). One import row names a customer and, optionally, one of its sites, one contact there
and one agreement; rows of the same code add up, so a spreadsheet with a row per contact works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.domain.errors import RowProblem
from engine.domain.forms import EMAIL_PATTERN
from engine.domain.forms import PHONE_PATTERN
from engine.domain.messages import Message
from engine.domain.product_import import MAX_CELL_CHARS
from engine.domain.product_import import MAX_ROWS
from engine.domain.product_import import parse_date

KINDS = ("key", "ordinary", "partner", "agent")
KIND_NAMES = {
    "key": Message("key customer"),
    "ordinary": Message("ordinary customer"),
    "partner": Message("partner"),
    "agent": Message("agent"),
}
ZONES = ("city", "suburb", "remote")
ZONE_NAMES = {"city": Message("city"), "suburb": Message("suburb"), "remote": Message("remote")}
MAINTENANCE_CONTRACT = "maintenance_contract"  # the agreement that makes a call contract service (type B)
AGREEMENT_KINDS = (MAINTENANCE_CONTRACT, "technical_agreement", "agency_agreement")
AGREEMENT_NAMES = {
    "maintenance_contract": Message("maintenance contract"),
    "technical_agreement": Message("technical agreement"),
    "agency_agreement": Message("agency agreement"),
}
# What an agreement may cover; contract service (B) outside its scope is charged service (A).
SCOPE = ("inspection", "maintenance", "repair", "parts", "travel", "training")
SCOPE_NAMES = {
    "inspection": Message("inspection"),
    "maintenance": Message("maintenance"),
    "repair": Message("repair"),
    "parts": Message("parts"),
    "travel": Message("travel"),
    "training": Message("training"),
}

COLUMNS = (
    "code",
    "name",
    "class",
    "site",
    "address",
    "zone",
    "distance_km",
    "contact",
    "title",
    "phone",
    "email",
    "agreement",
    "agreement_kind",
    "scope",
    "models",
    "starts_on",
    "ends_on",
    "notes",
)
REQUIRED = ("code", "name", "class")
_LIMITS = {
    "code": 40,
    "name": 200,
    "site": 200,
    "address": 500,
    "contact": 100,
    "title": 100,
    "agreement": 60,
    "models": MAX_CELL_CHARS,
    "notes": MAX_CELL_CHARS,
}


def phone_key(text: str | None) -> str | None:
    """A phone number as stored and searched: digits and a leading +, so "138-0013 8000" and
    "13800138000" are the same caller."""
    if not text:
        return None
    digits = re.sub(r"[^0-9+]", "", text)
    return digits or None


def words(text: str) -> list[str]:
    """``"a; b, c"`` → ["a", "b", "c"] (Chinese separators too)."""
    return [word.strip() for word in re.split(r"[;,；，、]", text) if word.strip()]


@dataclass(frozen=True)
class CustomerRow:
    """One import row, checked: the customer and what else the row names (None: nothing)."""

    number: int  # the row in the file (the header is 1)
    customer: dict[str, Any]
    site: dict[str, Any] | None
    contact: dict[str, Any] | None
    agreement: dict[str, Any] | None


def check_rows(rows: list[dict[str, Any]]) -> tuple[list[CustomerRow], list[RowProblem]]:
    """Rows ready to store, and every problem with its row and column; nothing is stored
    while any problem remains."""
    if not rows:
        return [], [RowProblem(1, None, "the file has no rows")]
    missing = [column for column in REQUIRED if column not in rows[0]]
    if missing:
        return [], [RowProblem(1, column, "column missing from the header") for column in missing]
    problems: list[RowProblem] = []
    if len(rows) > MAX_ROWS:
        problems.append(RowProblem(MAX_ROWS + 2, None, f"at most {MAX_ROWS} rows at once"))
    checked: list[CustomerRow] = []
    first_of: dict[str, tuple[int, dict[str, Any]]] = {}  # code → its first row and customer
    agreements: dict[str, int] = {}
    for number, row in enumerate(rows[:MAX_ROWS], start=2):
        if all(value in (None, "") for value in row.values()):
            continue
        raw = {column: ("" if row.get(column) is None else row.get(column)) for column in COLUMNS}
        text = {column: str(value).strip() for column, value in raw.items()}
        found: list[RowProblem] = []

        def problem(column: str | None, message: str, number: int = number, found: list[RowProblem] = found) -> None:
            found.append(RowProblem(number, column, message))

        for column in REQUIRED:
            if not text[column]:
                problem(column, "required")
        for column, limit in _LIMITS.items():
            if len(text[column]) > limit:
                problem(column, f"at most {limit} characters")
        if text["class"] and text["class"] not in KINDS:
            problem("class", f"must be one of {', '.join(KINDS)}")
        customer = {"code": text["code"], "name": text["name"], "kind": text["class"], "notes": text["notes"] or None}
        earlier = first_of.get(text["code"])
        if earlier is not None:
            for column, key in (("name", "name"), ("class", "kind")):
                if customer[key] != earlier[1][key]:
                    problem(column, f"differs from row {earlier[0]} of the same code")
        elif text["code"]:
            first_of[text["code"]] = (number, customer)
        site = _site(text, problem)
        contact = _contact(text, problem)
        agreement = _agreement(raw, text, problem)
        if agreement is not None:
            if agreement["number"] in agreements:
                problem("agreement", f"repeats row {agreements[agreement['number']]}")
            agreements[agreement["number"]] = number
        problems.extend(found)
        checked.append(CustomerRow(number, customer, site, contact, agreement))
    return checked, problems


def _site(text: dict[str, str], problem: Any) -> dict[str, Any] | None:
    if not any(text[column] for column in ("site", "address", "zone", "distance_km")):
        return None
    if not text["site"]:
        problem("site", "name the site its address, zone or distance belongs to")
    if text["zone"] and text["zone"] not in ZONES:
        problem("zone", f"must be one of {', '.join(ZONES)}")
    distance: int | None = None
    if text["distance_km"]:
        try:
            distance = int(float(text["distance_km"]))
        except ValueError:
            problem("distance_km", "must be a number of kilometres")
        else:
            if not 0 <= distance <= 10_000:
                problem("distance_km", "must be between 0 and 10000")
    return {"name": text["site"], "address": text["address"], "zone": text["zone"] or None, "distance_km": distance}


def _contact(text: dict[str, str], problem: Any) -> dict[str, Any] | None:
    if not any(text[column] for column in ("contact", "title", "phone", "email")):
        return None
    if not text["contact"]:
        problem("contact", "name the person the phone or e-mail belongs to")
    if text["phone"] and not re.fullmatch(PHONE_PATTERN, text["phone"]):
        problem("phone", "must be a phone number (digits, spaces, + - and brackets)")
    if text["email"] and not re.fullmatch(EMAIL_PATTERN, text["email"]):
        problem("email", "must be an e-mail address")
    return {
        "name": text["contact"],
        "title": text["title"] or None,
        "phone": phone_key(text["phone"]),
        "email": text["email"] or None,
    }


def _agreement(raw: dict[str, Any], text: dict[str, str], problem: Any) -> dict[str, Any] | None:
    columns = ("agreement", "agreement_kind", "scope", "models", "starts_on", "ends_on")
    if not any(text[column] for column in columns):
        return None
    if not text["agreement"]:
        problem("agreement", "give the agreement's number")
    if text["agreement_kind"] not in AGREEMENT_KINDS:
        problem("agreement_kind", f"must be one of {', '.join(AGREEMENT_KINDS)}")
    scope = words(text["scope"])
    unknown = [word for word in scope if word not in SCOPE]
    if unknown:
        problem("scope", f"{', '.join(unknown)}: the scope is made of {', '.join(SCOPE)}")
    dates: dict[str, date | None] = {}
    for column in ("starts_on", "ends_on"):
        try:
            dates[column] = parse_date(raw[column])
        except ValueError:
            problem(column, "must be a date (YYYY-MM-DD)")
            dates[column] = None
    if dates["starts_on"] is None and text["starts_on"] == "":
        problem("starts_on", "required with an agreement")
    if dates["starts_on"] and dates["ends_on"] and dates["ends_on"] < dates["starts_on"]:
        problem("ends_on", "is before the start")
    return {
        "number": text["agreement"],
        "kind": text["agreement_kind"],
        "scope": scope,
        "models": words(text["models"]),
        "starts_on": dates["starts_on"],
        "ends_on": dates["ends_on"],
    }
