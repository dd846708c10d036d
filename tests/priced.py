"""Quote and invoice lines priced by the shipped fee table (engine/domain/fee_table.py).

An engineer on site costs 200 yuan an hour, a repair in the factory 150; travel up to 300 km
is 600 yuan (the scenarios' calls are 120 km away). Totals are worked out here by hand.
"""

from __future__ import annotations

from typing import Any

LABOUR_300 = {"kind": "labour", "item": "engineer", "qty": "1.5", "unit_price": "200"}  # 1.5 h × 200
LABOUR_260 = {"kind": "labour", "item": "engineer", "qty": "1.3", "unit_price": "200"}  # 1.3 h × 200
TRAVEL_600 = {"kind": "travel", "item": "120 km", "qty": "1", "unit_price": "600"}  # the ≤ 300 km band

QUOTE_860 = {"quote_lines": [LABOUR_260, TRAVEL_600]}  # 260 + 600
QUOTE_300 = {"quote_lines": [LABOUR_300]}
FACTORY_1200 = {"quote_lines": [{"kind": "labour", "item": "engineer", "qty": "8", "unit_price": "150"}]}  # 8 × 150


def invoice(lines: dict[str, Any], number: str = "FP-0001", collected: str = "860.00") -> dict[str, Any]:
    """An invoice of the quoted lines, collected in full."""
    return {"invoice_lines": lines["quote_lines"], "invoice_no": number, "amount_collected": collected}
