"""exchange_refund: SPEC flow 3 (S3 2.3), each test named after the clause it checks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.domain.errors import NotAllowed
from engine.services import parts
from tests.processes.journeys import to_solution

NOTICE = {"notice_no": "TH-2026-007", "notice_items": "AWP-12 整机 1 台"}


def confirmed(start, kind: str = "exchange", amount: str = "18000"):
    case = start("service_request")
    to_solution(case, "exchange")
    case.do(
        "quality_office",
        "check",
        {"exchange_reason": "defect", "cause": "assembly", "responsible_department": "production", "eligible": True},
    )
    case.do("sales", "sales_confirm", {"sales_confirmed": True, "exchange_kind": kind, "amount": amount})
    case.do("quality_office", "notice", NOTICE)
    return case


def test_goods_not_eligible_are_not_exchanged(start) -> None:
    case = start("service_request")
    to_solution(case, "exchange")
    case.do(
        "quality_office",
        "check",
        {"exchange_reason": "other", "cause": "assembly", "responsible_department": "production", "eligible": False},
    )
    case.do("service_desk", "tell_refused", {"refusal_note": "不符合退换条件"})
    assert case.open() == ["rate"]


def test_sales_representative_must_confirm(start) -> None:
    case = start("service_request")
    to_solution(case, "exchange")
    case.do(
        "quality_office",
        "check",
        {"exchange_reason": "transport", "cause": "transport", "responsible_department": "logistics", "eligible": True},
    )
    case.do("sales", "sales_confirm", {"sales_confirmed": False, "exchange_kind": "exchange", "amount": "0"})
    assert case.open() == ["tell_refused"]


def test_exchange_notice_is_approved_by_the_division_head_alone_for_small_amounts(start) -> None:
    case = confirmed(start)
    assert case.open() == ["approve_division"]
    case.do("division_head", "approve_division", {"division_approved": True, "division_approved_comment": "同意换货"})
    assert case.data["needs_general_manager"] is False
    case.do("warehouse", "ship_replacement", {"stock_out_no": "CK-100"})
    case.do("sales", "recover", {"recovered": True})
    case.do("quality_office", "disposition", {"disposition_choice": "restock"})
    repaired_and_passed(case)
    case.do("warehouse", "restock", {"stock_in_no": "RK-100"})
    assert case.open() == ["rate"]


REPAIR = {"recovered_repair": "更换液压缸密封件并试车", "recovered_repair_hours": "3"}


def repaired_and_passed(case) -> None:
    case.do("workshop", "repair_recovered", REPAIR)
    case.do("inspector", "inspect_recovered", {"inspection_passed": True, "inspection_report_no": "JY-2026-12"})


def _ledger(ctx, staff, model: str = "AWP-12") -> list[tuple[str, Decimal, Decimal]]:
    return [(line.kind, line.quantity, line.on_hand) for line in parts.part_ledger(ctx, staff["warehouse"], model)]


def test_the_recovered_unit_is_repaired_and_inspected_before_it_is_restocked(ctx, staff, start) -> None:
    """S3 2.3: recovered goods go back to stock only after repair and inspection."""
    case = confirmed(start)
    case.do("division_head", "approve_division", {"division_approved": True})
    case.do("warehouse", "ship_replacement", {"stock_out_no": "CK-102"})
    case.do("sales", "recover", {"recovered": True})
    case.do("quality_office", "disposition", {"disposition_choice": "restock"})
    assert case.open() == ["repair_recovered"]  # not straight to the warehouse
    case.do("workshop", "repair_recovered", REPAIR)
    assert case.open() == ["inspect_recovered"]
    case.do("inspector", "inspect_recovered", {"inspection_passed": True, "inspection_report_no": "JY-2026-12"})
    assert case.open() == ["restock"]
    case.do("warehouse", "restock", {"stock_in_no": "RK-102"})
    assert case.open() == ["rate"]
    assert case.data["inspection_report_no"] == "JY-2026-12"
    # The stock records of the exchange (S3 2.3): one AWP-12 out as the replacement, the faulty
    # one recovered, and back into usable stock once repaired and inspected: usable stock even.
    assert _ledger(ctx, staff) == [
        ("shipped", Decimal(1), Decimal(-1)),
        ("recovered", Decimal(1), Decimal(-1)),
        ("restocked", Decimal(1), Decimal(0)),
    ]


def test_repaired_goods_that_fail_inspection_are_scrapped_only_with_approval(start) -> None:
    case = confirmed(start)
    case.do("division_head", "approve_division", {"division_approved": True})
    case.do("warehouse", "ship_replacement", {"stock_out_no": "CK-103"})
    case.do("sales", "recover", {"recovered": True})
    case.do("quality_office", "disposition", {"disposition_choice": "restock"})
    case.do("workshop", "repair_recovered", REPAIR)
    failed = {"inspection_passed": False, "inspection_report_no": "JY-2026-13", "inspection_note": "泄漏试验不合格"}
    case.do("inspector", "inspect_recovered", failed)
    assert case.open() == ["approve_scrap"]  # nonconforming-product control
    case.do("quality_manager", "approve_scrap", {"scrap_approved": True, "scrap_approved_comment": "不合格品报废"})
    assert case.open() == ["rate"]


def test_who_repaired_the_goods_does_not_pass_them(start, staff, make_user) -> None:
    case = confirmed(start)
    case.do("division_head", "approve_division", {"division_approved": True})
    case.do("warehouse", "ship_replacement", {"stock_out_no": "CK-104"})
    case.do("sales", "recover", {"recovered": True})
    case.do("quality_office", "disposition", {"disposition_choice": "restock"})
    staff["fitter"] = make_user("fitter", "workshop", "inspector")
    case.do("fitter", "repair_recovered", REPAIR)
    with pytest.raises(NotAllowed, match="separation of duties"):
        case.do("fitter", "inspect_recovered", {"inspection_passed": True, "inspection_report_no": "JY-1"})
    case.do("inspector", "inspect_recovered", {"inspection_passed": True, "inspection_report_no": "JY-1"})
    assert case.open() == ["restock"]


def test_refunds_also_need_the_general_manager(ctx, staff, start) -> None:
    case = confirmed(start, kind="refund", amount="9000")
    case.do("division_head", "approve_division", {"division_approved": True})
    assert case.open() == ["approve_gm"]
    case.do("general_manager", "approve_gm", {"gm_approved": True})
    case.do("finance", "refund", {"refund_voucher": "TK-9", "refund_amount": "9000"})
    case.do("sales", "recover", {"recovered": True})
    case.do("quality_office", "disposition", {"disposition_choice": "scrap"})
    case.do(
        "quality_manager", "approve_scrap", {"scrap_approved": True, "scrap_approved_comment": "按不合格品控制报废"}
    )
    assert case.open() == ["rate"]
    # Refunded: nothing shipped; the unit recovered and scrapped never reaches usable stock.
    assert _ledger(ctx, staff) == [("recovered", Decimal(1), Decimal(0)), ("scrapped", Decimal(1), Decimal(0))]


def test_large_amounts_need_the_general_manager_whose_refusal_is_told_to_the_customer(start) -> None:
    case = confirmed(start, amount="80000")
    case.do("division_head", "approve_division", {"division_approved": True})
    case.do("general_manager", "approve_gm", {"gm_approved": False, "gm_approved_comment": "先返厂复检"})
    assert case.open() == ["tell_refused"]


def test_division_head_refusal_is_told_to_the_customer(start) -> None:
    case = confirmed(start)
    case.do("division_head", "approve_division", {"division_approved": False})
    case.do("service_desk", "tell_refused", {"refusal_note": "审批未通过"})
    assert case.open() == ["rate"]


def test_scrapping_not_approved_means_repair_and_restock(ctx, staff, start) -> None:
    case = confirmed(start)
    case.do("division_head", "approve_division", {"division_approved": True})
    case.do("warehouse", "ship_replacement", {"stock_out_no": "CK-101"})
    case.do("sales", "recover", {"recovered": True})
    case.do("quality_office", "disposition", {"disposition_choice": "scrap"})
    case.do("quality_manager", "approve_scrap", {"scrap_approved": False})
    assert case.open() == ["repair_recovered"]
    assert [kind for kind, _qty, _on_hand in _ledger(ctx, staff)] == ["shipped", "recovered"]  # not scrapped
    repaired_and_passed(case)
    assert case.open() == ["restock"]


def test_who_issued_the_notice_does_not_approve_it(ctx, start, staff, make_user) -> None:
    """Four eyes on the 产品质量退换通知单: a quality officer who is also a division head issues
    the notice and is refused the approval; another division head approves."""
    both = make_user("deputy", "quality_office", "division_head")
    case = start("service_request")
    to_solution(case, "exchange")
    case.do(
        "quality_office",
        "check",
        {"exchange_reason": "defect", "cause": "assembly", "responsible_department": "production", "eligible": True},
    )
    case.do("sales", "sales_confirm", {"sales_confirmed": True, "exchange_kind": "exchange", "amount": "18000"})
    staff["deputy"] = both
    case.do("deputy", "notice", NOTICE)
    with pytest.raises(NotAllowed, match="separation of duties"):
        case.do("deputy", "approve_division", {"division_approved": True})
    case.do("division_head", "approve_division", {"division_approved": True})
    assert case.open() == ["ship_replacement"]
