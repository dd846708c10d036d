"""The quality office's audit of an engineer's trip claim, line by line (S2 7.2.7).

The engineer claims the trip's expenses as lines (transport, lodging, allowance, other) with the
receipts as files; the quality office verifies the service and audits the claim within 5 working
days; finance reimburses what was approved. An audit step (``audits`` = the claim's rows field
on the user task, e.g. ``expense_lines``) opens with one audit row per claimed line, the claimed
amount copied and approved in full, and is refused when

- a line is missing or added, or its claimed amount differs from the engineer's;
- a line is approved above its claim;
- a line is cut without a reason (the engineer and finance read why);
- the claim is rejected as a whole (``expenses_approved`` = 驳回) yet a line is approved.

What was cut is kept as ``rejected_expenses`` with the audit, so the breach register lists every
cut line against the engineer who claimed it (entertainment without prior approval, S2 8.4).
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from engine.domain.errors import InvalidData
from engine.domain.form_rows import cell_key
from engine.domain.form_rows import cell_number
from engine.domain.messages import Message

AUDITS = "audits"  # the user-task property naming the claim's rows field
AUDIT_LINES = "expense_audit"  # the audit step's rows field
DECISION = "expenses_approved"  # the audit's overall decision
REJECTED = "rejected_expenses"  # Σ (claimed − approved), kept with the audit


def audit_field(form: Mapping[str, Any]) -> str | None:
    """The audit rows field of a step's form, if it has one."""
    return next((f["id"] for f in form.get("fields", []) if f["id"] == AUDIT_LINES), None)


def opening(claim: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One audit row per claimed line, approved in full until the auditor cuts it."""
    return [
        {
            "kind": line.get("kind", ""),
            "item": line.get("item", ""),
            "claimed": cell_number(line.get("amount")),
            "approved": cell_number(line.get("amount")),
            "reason": "",
        }
        for line in claim
    ]


def problems(
    claim: Sequence[Mapping[str, Any]], audit: Sequence[Mapping[str, Any]], approved: bool | None
) -> dict[str, Message]:
    """Each audit row that does not follow the claim, by the cell it is about."""
    found: dict[str, Message] = {}
    if len(audit) != len(claim):
        found[AUDIT_LINES] = Message("audit each claimed line once: %(count)s lines were claimed", count=len(claim))
        return found
    for index, (line, row) in enumerate(zip(claim, audit, strict=True)):
        claimed, given, kept = (
            cell_number(line.get("amount")),
            cell_number(row.get("claimed")),
            cell_number(row.get("approved")),
        )
        if given != claimed:
            found[cell_key(AUDIT_LINES, index, "claimed")] = Message(
                "the engineer claimed %(amount)s on this line", amount=claimed
            )
        elif kept > claimed:
            found[cell_key(AUDIT_LINES, index, "approved")] = Message("at most the claimed %(amount)s", amount=claimed)
        elif approved is False and kept:
            found[cell_key(AUDIT_LINES, index, "approved")] = Message("a rejected claim approves nothing: 0")
        elif kept < claimed and not str(row.get("reason") or "").strip():
            found[cell_key(AUDIT_LINES, index, "reason")] = Message("say why the line is cut")
    return found


def audited(claim: Sequence[Mapping[str, Any]], cleaned: dict[str, Any]) -> dict[str, Any]:
    """``cleaned`` with what was cut, or InvalidData naming every row that does not follow the claim."""
    audit = cleaned.get(AUDIT_LINES) or []
    found = problems(claim, audit, cleaned.get(DECISION))
    if found:
        raise InvalidData(dict(found))
    cut = sum((cell_number(row.get("claimed")) - cell_number(row.get("approved")) for row in audit), Decimal(0))
    return {**cleaned, REJECTED: cut}


def cut_lines(audit: Sequence[Mapping[str, Any]]) -> list[tuple[str, Decimal, str]]:
    """(item, amount cut, reason) of each line the audit cut."""
    return [
        (
            str(row.get("item") or row.get("kind") or ""),
            cell_number(row.get("claimed")) - cell_number(row.get("approved")),
            str(row.get("reason") or ""),
        )
        for row in audit
        if cell_number(row.get("approved")) < cell_number(row.get("claimed"))
    ]
