"""Quote and invoice lines priced by the shipped fee table (engine/domain/fee_table.py).

An engineer on site costs 200 yuan an hour, a repair in the factory 150; travel up to 300 km
is 600 yuan (the scenarios' calls are 120 km away). Totals are worked out here by hand.
"""

from __future__ import annotations

from typing import Any

from engine.domain.fee_table import SHIPPED_FEES
from engine.services import fees

LABOUR_300 = {"kind": "labour", "item": "engineer", "qty": "1.5", "unit_price": "200"}  # 1.5 h × 200
LABOUR_260 = {"kind": "labour", "item": "engineer", "qty": "1.3", "unit_price": "200"}  # 1.3 h × 200
TRAVEL_600 = {"kind": "travel", "item": "120 km", "qty": "1", "unit_price": "600"}  # the ≤ 300 km band

QUOTE_860 = {"quote_lines": [LABOUR_260, TRAVEL_600]}  # 260 + 600
QUOTE_300 = {"quote_lines": [LABOUR_300]}
FACTORY_1200 = {"quote_lines": [{"kind": "labour", "item": "engineer", "qty": "8", "unit_price": "150"}]}  # 8 × 150


def invoice(lines: dict[str, Any], number: str = "FP-0001", collected: str = "860.00") -> dict[str, Any]:
    """An invoice of the quoted lines, collected in full."""
    return {"invoice_lines": lines["quote_lines"], "invoice_no": number, "amount_collected": collected}


# A trip claim (S2 7.2.7): 480 + 300 + 80 = 860 yuan; the audit approves it in full unless cut.
CLAIM_860 = [
    {"kind": "transport", "item": "高铁往返", "amount": "480"},
    {"kind": "lodging", "item": "2 晚", "amount": "300"},
    {"kind": "allowance", "item": "2 天", "amount": "80"},
]
CLAIM_300 = [{"kind": "transport", "item": "自驾油费", "amount": "300"}]


def claim(report: str, lines: list[dict[str, str]] = CLAIM_860) -> dict[str, Any]:
    """The engineer's trip report with its claim lines."""
    return {"trip_report_text": report, "expense_lines": lines}


def audited(lines: list[dict[str, str]] = CLAIM_860, **cuts: tuple[str, str]) -> list[dict[str, str]]:
    """The audit rows of a claim: every line approved in full, except those cut by index
    (``line_1=("200", "reason")``)."""
    rows = []
    for index, line in enumerate(lines):
        approved, reason = cuts.get(f"line_{index}", (line["amount"], ""))
        rows.append({**line, "claimed": line["amount"], "approved": approved, "reason": reason})
    return rows


def verified(lines: list[dict[str, str]] = CLAIM_860, approved: bool = True, **cuts: tuple[str, str]) -> dict[str, Any]:
    """The quality office's verification with the audit of the claim."""
    rows = audited(lines, **cuts)
    for row in rows:
        row.pop("amount")
    return {"satisfaction_verified": True, "expenses_approved": approved, "expense_audit": rows}


def reimbursed(amount: str = "860.00", voucher: str = "BX-0001") -> dict[str, Any]:
    return {"reimbursed_amount": amount, "reimbursement_voucher": voucher, "reimbursed_on": "2026-03-12"}


def with_price_list(ctx, staff, *parts: tuple[str, str, str]) -> None:
    """The shipped fee table with a price list of (part no., name, price) lines, saved by finance."""
    body = SHIPPED_FEES.as_json()
    body["parts"] = [{"part_no": no, "name": name, "price": price} for no, name, price in parts]
    fees.save_fees(ctx, staff["finance"], body, "年度价格表", based_on=0)
