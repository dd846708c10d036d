"""Rules a process owner declares on a user task with ``camunda:properties``, kept with its
work item: separation of duties (engine/domain/separation.py) and the deadline breach it counts as.

- ``breach`` = a kind (``late_forwarding``, ``late_trip_report``, ``late_expense_audit`` or any
  identifier): finishing the task after its due time is a breach of that kind, recorded
  against the person who held or completed it (the breach register);
- ``breach.count`` = ``working_hours`` (default) or ``working_days``: how lateness is counted
  (expense audits: each late working day counts, S2 7.2.7);
- ``facts`` = ``field[,field…]``: the earlier fields the task's decision rests on, shown above
  its form (without it the page shows every step that led to the task);
- ``done_at`` = ``field``: the moment the task is completed is written into the case data under
  that name, so a later promise can count from it (the solution is decided within 8 working
  hours of *forwarding*, S2 7.2.2, however long phone guidance took in between);
- ``pricing`` = ``onsite`` or ``factory``: the step's lines are priced from the fee table
  (engine/domain/quotes.py);
- ``audits`` = ``field``: the step audits the claim in that earlier rows field line by line
  (engine/domain/expense_audit.py);
- ``stock`` = ``issue``, ``account``, ``inspect`` or ``transfer``: the step's part in a spare
  parts loan, written to the parts ledger (engine/domain/parts_stock.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine.domain import parts_stock
from engine.domain import separation
from engine.domain.fee_table import WORKS
from engine.domain.messages import Message

BREACH = "breach"
# The kinds the policy names (S2 7.1.4, 7.2.7); owners may declare others, shown by their id.
KIND_LABELS = {
    "late_forwarding": Message("late forwarding of information"),
    "late_trip_report": Message("late trip report"),
    "late_expense_audit": Message("late expense audit"),
    "cut_expenses": Message("expenses cut in the audit"),
    "left_without_approval": Message("left site without approval"),
    # The promise clocks' (Policy.clocks): late_<term> unless the clock names its kind.
    "late_arrival": Message("late arrival on site"),
    "late_contact": Message("late contact with the customer"),
    "late_consultation": Message("late answer to a consultation"),
    "late_dispatch": Message("late dispatch"),
    "late_fix": Message("fault fixed late"),
    "late_resolution": Message("service request resolved late"),
    "late_complaint_contact": Message("late first contact on a complaint"),
}
BREACH_COUNT = "breach.count"
COUNTS = ("working_hours", "working_days")
FACTS = "facts"
DONE_AT = "done_at"
PRICING = "pricing"
AUDITS = "audits"


def facts_of(properties: Mapping[str, Any]) -> list[str]:
    return [part.strip() for part in str(properties.get(FACTS) or "").split(",") if part.strip()]


def rules_of(properties: Mapping[str, Any]) -> dict[str, Any]:
    rules = separation.rules_of(properties)
    kind = str(properties.get(BREACH) or "").strip()
    if kind:
        rules["breach"] = kind
        rules["breach_count"] = str(properties.get(BREACH_COUNT) or COUNTS[0]).strip()
    facts = facts_of(properties)
    if facts:
        rules["facts"] = facts
    done_at = str(properties.get(DONE_AT) or "").strip()
    if done_at:
        rules["done_at"] = done_at
    pricing = str(properties.get(PRICING) or "").strip()
    if pricing:
        rules["pricing"] = pricing
    audits = str(properties.get(AUDITS) or "").strip()
    if audits:
        rules["audits"] = audits
    stock = str(properties.get(parts_stock.STOCK) or "").strip()
    if stock:
        rules["stock"] = stock
    return rules


def stamped(rules: Mapping[str, Any] | None, data: dict[str, Any], moment: datetime) -> dict[str, Any]:
    """``data`` with the completion moment under the name the task's ``done_at`` gives."""
    name = (rules or {}).get("done_at")
    return {**data, name: moment.isoformat()} if name else data


def problems(properties: Mapping[str, str], task_ids: set[str], has_due_date: bool) -> list[str]:
    found = separation.problems(properties, task_ids)
    kind = str(properties.get(BREACH) or "").strip()
    if BREACH in properties and not kind.isidentifier():
        found.append(f"breach must name a kind of breach (letters, digits, _), not '{kind}'")
    if kind and not has_due_date:
        found.append("a task that counts as a breach when late needs camunda:dueDate")
    if BREACH_COUNT in properties and properties[BREACH_COUNT].strip() not in COUNTS:
        found.append(f"breach.count must be one of {', '.join(COUNTS)}, not '{properties[BREACH_COUNT]}'")
    for name in facts_of(properties):
        if not name.isidentifier():
            found.append(f"facts must name form fields (letters, digits, _), not '{name}'")
    if DONE_AT in properties and not properties[DONE_AT].strip().isidentifier():
        found.append(f"done_at must name a case-data field (letters, digits, _), not '{properties[DONE_AT]}'")
    if PRICING in properties and properties[PRICING].strip() not in WORKS:
        found.append(f"pricing must be one of {', '.join(WORKS)}, not '{properties[PRICING]}'")
    if AUDITS in properties and not properties[AUDITS].strip().isidentifier():
        found.append(f"audits must name the claim's rows field (letters, digits, _), not '{properties[AUDITS]}'")
    stock = parts_stock.STOCK
    if stock in properties and properties[stock].strip() not in parts_stock.STEPS:
        found.append(f"stock must be one of {', '.join(parts_stock.STEPS)}, not '{properties[stock]}'")
    return found
