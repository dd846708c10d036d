"""Known months of external failure cost and failure causes (May and June 2026).

The shipped fee table prices factory work at 80 yuan an hour for a technician; the price list
below gives the seal 35.00.

- E1, 6 May: a warranty repair on site by wang; two seals on the warranty slip, both fitted;
  cause assembly (production). Trip reimbursed 860.00 (8 May), seals 2 × 35.00 = 70.00.
- E2, 11 May: the engineer finds no fix on site (cause assembly) and takes the unit back; the
  joint re-inspection puts it on purchasing (purchasing), the workshop repairs it in 6 hours
  (13 May: 6 × 80 = 480.00) under warranty; the trip claim of 300.00 is reimbursed (14 May).
- E3, 18 May: transport damage (logistics); a replacement worth 5 000.00 ships on 20 May; the
  recovered unit is repaired in 3 hours (22 May: 3 × 80 = 240.00) and restocked.
- E4, 25 May: an assembly fault (production) refunded 3 000.00 on 2 June.
- E5, 26 May: out of warranty, the customer accepts a quote; misuse (customer). Its trip of
  300.00 is paid work, not a failure cost.

May: trips 860 + 300 = 1 160.00, parts 70.00, factory hours 480 + 240 = 720.00, replacements
5 000.00; 6 950.00 in all. June: refunds 3 000.00.
Causes recorded in May (the last each case was given): assembly E1 and E4, purchasing E2,
transport E3, misuse E5 — 2 of 5 (40 %) then 20 % each; departments: production 2, and one
each for the customer, logistics and purchasing.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.priced import CLAIM_300
from tests.priced import LABOUR_260
from tests.priced import claim
from tests.priced import reimbursed
from tests.priced import verified
from tests.priced import with_price_list
from tests.processes.journeys import OUT_OF_WARRANTY
from tests.processes.journeys import to_solution
from tests.quality_month import at

FROM, TO = "2026-05-01", "2026-06-30"
SEAL = ("SEAL-01", "O 型密封圈", "35.00")


@dataclass(frozen=True)
class CostMonths:
    e1: int
    e2: int
    e3: int
    e4: int
    e5: int


def _service(cause: str, department: str, repaired: bool = True) -> dict[str, object]:
    return {
        "arrived_at": "2026-05-07T10:00", "diagnosis": "检查", "cause": cause, "responsible_department": department,
        "tampered": False, "repaired": repaired, "whole_unit_checked": True,
    }  # fmt: skip


def _trip(case, report: dict[str, object], amount: str) -> None:
    """The customer signs, the leave is approved, the trip is reported, audited and reimbursed."""
    case.do("service_desk", "feedback", {"feedback_signed_by": "客户代表"})
    case.do("quality_office", "approve_leave", {"leave": "approved"})
    case.do("engineer_wang", "trip_report", report)
    lines = report["expense_lines"]
    case.do("quality_office", "verify", verified(lines))
    case.do("finance", "reimburse", reimbursed(amount))


def _exchange(start, kind: str, amount: str, cause: str, department: str):
    case = start("service_request")
    to_solution(case, "exchange")
    reason = "transport" if cause == "transport" else "defect"
    check = {"exchange_reason": reason, "cause": cause, "responsible_department": department, "eligible": True}
    case.do("quality_office", "check", check)
    case.do("sales", "sales_confirm", {"sales_confirmed": True, "exchange_kind": kind, "amount": amount})
    case.do("quality_office", "notice", {"notice_no": "TH-2026-05", "notice_items": "AWP-12 整机 1 台"})
    case.do("division_head", "approve_division", {"division_approved": True})
    return case


def build(ctx, staff, start) -> CostMonths:
    with_price_list(ctx, staff, SEAL)
    with at(5, 6, 9):
        e1 = start("service_request")
        to_solution(e1, "onsite")
        e1.do("dispatcher", "dispatch", {"engineer": "wang", "distance_km": 120})
        slip = {"parts_slip": "ERP-AS-0501", "parts_issued": [{"part_no": "SEAL-01", "qty": "2", "basis": "warranty"}]}
        e1.do("engineer_wang", "prepare", {"plan_confirmed": True, **slip})
    with at(5, 7, 11):
        e1.do("engineer_wang", "service", _service("assembly", "production"))
    with at(5, 8, 9):
        used = [{"part_no": "SEAL-01", "used": "2", "unused": "0"}]
        _trip(e1, {**claim("更换密封圈"), "parts_accounted": used}, "860.00")

    with at(5, 11, 9):
        e2 = start("service_request")
        to_solution(e2, "onsite")
        e2.do("dispatcher", "dispatch", {"engineer": "wang", "distance_km": 120})
        e2.do("engineer_wang", "prepare", {"plan_confirmed": True})
    with at(5, 12, 10):
        e2.do("engineer_wang", "service", _service("assembly", "production", repaired=False))
        e2.do("engineer_wang", "take_back", {"receipt_no": "QS-0512"})
        e2.do("warehouse", "receive", {"received_qty": 1, "matches_list": True})
        e2.do("quality_office", "reinspect", {
            "participants": "质量、技术、检验、生产", "root_cause": "外购油泵内漏", "cause": "purchasing",
            "responsible_department": "purchasing", "repairable": True, "parts_source": "own", "paid_repair": False,
            "responsibility": "company",
        })  # fmt: skip
    with at(5, 13, 15):
        e2.do("workshop", "repair", {"repair_order_no": "WX-0513", "repair_hours": "6", "repair_parts": "油泵"})
    with at(5, 14, 9):
        _trip(e2, claim("带回返厂", CLAIM_300), "300.00")

    with at(5, 18, 9):
        e3 = _exchange(start, "exchange", "5000", "transport", "logistics")
    with at(5, 20, 10):
        e3.do("warehouse", "ship_replacement", {"stock_out_no": "CK-0520"})
        e3.do("sales", "recover", {"recovered": True})
        e3.do("quality_office", "disposition", {"disposition_choice": "restock"})
    with at(5, 22, 10):
        e3.do("workshop", "repair_recovered", {"recovered_repair": "更换外壳", "recovered_repair_hours": "3"})

    with at(5, 25, 9):
        e4 = _exchange(start, "refund", "3000", "assembly", "production")
        e4.do("general_manager", "approve_gm", {"gm_approved": True})
    with at(6, 2, 10):
        e4.do("finance", "refund", {"refund_voucher": "TK-0602", "refund_amount": "3000"})

    with at(5, 26, 9):
        e5 = start("service_request")
        to_solution(e5, "onsite", OUT_OF_WARRANTY)
        e5.do("finance", "quote", {"quote_lines": [LABOUR_260]})
        e5.do("service_desk", "confirm_quote", {"quote_accepted": True})
        e5.do("dispatcher", "dispatch", {"engineer": "wang", "distance_km": 120})
        e5.do("engineer_wang", "prepare", {"plan_confirmed": True})
    with at(5, 27, 10):
        e5.do("engineer_wang", "service", _service("use", "customer"))
        _trip(e5, claim("有偿维修", CLAIM_300), "300.00")
    return CostMonths(e1.id, e2.id, e3.id, e4.id, e5.id)
