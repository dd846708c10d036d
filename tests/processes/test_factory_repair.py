"""factory_repair: SPEC flow 2 (S3 2.2), each test named after the clause it checks."""

from __future__ import annotations

from datetime import datetime

import time_machine

from tests.priced import FACTORY_1200
from tests.processes.conftest import SHANGHAI
from tests.processes.journeys import to_solution

JOINT = {
    "participants": "质量、技术、检验、生产",
    "root_cause": "油泵磨损",
    "cause": "purchasing",
    "responsible_department": "purchasing",
}


def returned(start, matches: bool = True):
    case = start("service_request")
    to_solution(case, "factory")
    case.do("warehouse", "receive", {"received_qty": 2, "matches_list": matches})
    return case


def test_repaired_goods_are_inspected_and_shipped_back_within_3_working_days(start) -> None:
    case = returned(start)
    case.do(
        "quality_office",
        "reinspect",
        {**JOINT, "repairable": True, "parts_source": "own", "paid_repair": False, "responsibility": "company"},
    )
    case.do("workshop", "repair", {"repair_order_no": "WX-01", "repair_hours": "3.5", "repair_parts": "油泵"})
    with time_machine.travel(datetime(2026, 3, 6, 10, 0, tzinfo=SHANGHAI), tick=False):
        case.do("inspector", "inspect", {"passed": True})
    assert case.task("warehouse", "ship_back").due_at == datetime(2026, 3, 11, 10, 0, tzinfo=SHANGHAI)
    case.do("warehouse", "ship_back", {"shipping_no": "SF-001"})
    assert case.open() == ["rate"]


def test_discrepancy_with_the_return_list_is_confirmed_with_the_customer(start) -> None:
    case = returned(start, matches=False)
    assert case.open() == ["confirm_discrepancy"]
    case.do("service_desk", "confirm_discrepancy", {"discrepancy_confirmed": True})
    assert case.open() == ["reinspect"]


def test_paid_repair_of_a_purchased_part_is_confirmed_first_and_repaired_again_on_failure(start) -> None:
    case = returned(start)
    case.do(
        "quality_office",
        "reinspect",
        {**JOINT, "repairable": True, "parts_source": "purchased", "paid_repair": True, "responsibility": "customer"},
    )
    assert case.open() == ["price_repair"]
    case.do("finance", "price_repair", FACTORY_1200)
    assert case.data["fee_amount"] == "1200.00"  # 8 h × 150
    case.do("service_desk", "confirm_fee", {"fee_accepted": True})  # on the customer's behalf
    case.do("purchasing", "supplier_repair", {"supplier": "示例液压件厂", "supplier_paid": True})
    case.do("inspector", "inspect", {"passed": False, "inspection_note": "仍有渗漏"})
    assert case.open() == ["supplier_repair"]
    case.do("purchasing", "supplier_repair", {"supplier": "示例液压件厂", "supplier_paid": True})
    case.do("inspector", "inspect", {"passed": True})
    assert case.open() == ["ship_back"]
    assert case.data["repair_attempts"] == 2


def test_a_repair_that_fails_inspection_three_times_goes_to_exchange_or_refund(start) -> None:
    case = returned(start)
    case.do(
        "quality_office",
        "reinspect",
        {**JOINT, "repairable": True, "parts_source": "own", "paid_repair": False, "responsibility": "company"},
    )
    for attempt in range(3):
        case.do("workshop", "repair", {"repair_order_no": f"WX-{attempt}", "repair_hours": "2"})
        case.do("inspector", "inspect", {"passed": False})
    assert case.open() == ["check"]  # exchange/refund starts with the eligibility check
    assert case.data["repair_attempts"] == 3
    case.do(
        "quality_office",
        "check",
        {"exchange_reason": "defect", "cause": "assembly", "responsible_department": "production", "eligible": False},
    )
    case.do("service_desk", "tell_refused", {"refusal_note": "转技术部复核"})
    assert case.open() == ["rate"]  # back in the service request: the survey follows


def test_customer_refusing_the_repair_fee_gets_the_goods_back_as_they_are(start) -> None:
    case = returned(start)
    case.do(
        "quality_office",
        "reinspect",
        {**JOINT, "repairable": True, "parts_source": "own", "paid_repair": True, "responsibility": "customer"},
    )
    case.do("finance", "price_repair", FACTORY_1200)
    case.do("service_desk", "confirm_fee", {"fee_accepted": False, "customer_note": "不修了，原样退回"})
    case.do("warehouse", "return_as_is", {"shipping_no": "SF-002"})
    assert case.open() == ["rate"]


def test_not_repairable_by_company_fault_goes_to_exchange_or_refund(start) -> None:
    case = returned(start)
    case.do(
        "quality_office",
        "reinspect",
        {**JOINT, "repairable": False, "parts_source": "own", "paid_repair": False, "responsibility": "company"},
    )
    case.do("service_desk", "tell_unrepairable", {"told_note": "已告知无法修复"})
    assert case.open() == ["check"]


def test_not_repairable_by_customer_fault_is_scrapped_or_returned_as_the_customer_decides(start) -> None:
    ends = {}
    for disposal, step, data in [
        ("scrap", "scrap", {"scrap_record": "客户同意报废"}),
        ("return", "return_as_is", {"shipping_no": "SF-3"}),
    ]:
        case = returned(start)
        case.do(
            "quality_office",
            "reinspect",
            {**JOINT, "repairable": False, "parts_source": "own", "paid_repair": False, "responsibility": "customer"},
        )
        case.do("service_desk", "tell_unrepairable", {"told_note": "已告知"})
        case.do("service_desk", "customer_choice", {"disposal": disposal})
        case.do("warehouse", step, data)
        ends[disposal] = case.open()
    assert ends == {"scrap": ["rate"], "return": ["rate"]}
