"""Paid service priced from the fee table, invoiced, collected, and billed to partners (S0 二.2,
十三; S2 2.5, 5.1.2, 5.2.2.3, 5.2.3.2, 7.2.4), and contract service held to its scope (S0 六).

The shipped fee table: an engineer on site 200 yuan an hour, in the factory 150; travel up to
300 km 600 yuan; an agent's parts 10 % above the list; 10 % handling on parts the partner
supplies; 20 % margin on a competitor's product. Every expected sum is worked out in the comment.
"""

from __future__ import annotations

from engine.services import customers
from engine.services import tasks
from tests.actors import SYSTEM
from tests.priced import FACTORY_1200
from tests.priced import LABOUR_260
from tests.priced import TRAVEL_600
from tests.priced import invoice
from tests.priced import with_price_list
from tests.processes.journeys import CALL
from tests.processes.journeys import IN_WARRANTY
from tests.processes.journeys import OUT_OF_WARRANTY
from tests.processes.journeys import UNRESOLVED
from tests.processes.journeys import dispatch_and_repair
from tests.processes.journeys import rate_and_follow_up
from tests.processes.journeys import refusal
from tests.processes.journeys import report_and_verify
from tests.processes.journeys import to_solution

PARTNER = {**IN_WARRANTY, "product_category": "partner"}
AGENT = {**OUT_OF_WARRANTY, "product_category": "agent"}
JOINT = {
    "participants": "质量、技术、检验、生产",
    "root_cause": "油泵磨损",
    "cause": "purchasing",
    "responsible_department": "purchasing",
    "parts_source": "own",
}


def opening(ctx, staff, case, role: str, step: str) -> list[dict[str, str]]:
    """The lines a priced step's page opens with."""
    page = tasks.task_page(ctx, staff[role], case.task(role, step).id)
    field = next(name for name in ("quote_lines", "invoice_lines", "partner_lines") if name in page.draft)
    return [{key: line[key] for key in ("kind", "item", "qty", "unit_price", "amount")} for line in page.draft[field]]


def test_a_partner_product_is_served_like_our_own_and_the_partner_is_billed_after_the_service(ctx, staff, start):
    case = start("service_request")
    to_solution(case, "onsite", PARTNER)
    assert case.open() == ["notify_partner"]  # before the service (S2 5.1.2)
    case.do("quality_office", "notify_partner", {"partner_notified": True})
    dispatch_and_repair(case)
    case.do("service_desk", "feedback", {"feedback_signed_by": "李经理"})
    case.do("quality_office", "approve_leave", {"leave": "approved"})
    report_and_verify(case)
    assert case.open() == ["bill_partner"]  # after the service
    # Proposed at the company's rates: 4 h × 200 = 800 labour, 120 km in the ≤ 300 km band = 600.
    assert opening(ctx, staff, case, "finance", "bill_partner") == [
        {"kind": "labour", "item": "工程师", "qty": "4", "unit_price": "200.00", "amount": "800.00"},
        {"kind": "travel", "item": "120 km", "qty": "1", "unit_price": "600.00", "amount": "600.00"},
    ]
    lines = opening(ctx, staff, case, "finance", "bill_partner")
    case.do("finance", "bill_partner", {"partner_lines": lines, "partner_bill_no": "JS-2026-01"})
    assert case.data["partner_amount"] == "1400.00"  # 800 + 600
    rate_and_follow_up(case)
    assert case.status == "completed"


def test_an_agents_parts_are_priced_at_least_ten_per_cent_above_the_list(ctx, staff, start):
    with_price_list(ctx, staff, ("YB-32", "液压油泵", "500.00"))
    case = start("service_request")
    to_solution(case, "onsite", AGENT)
    pump = {"kind": "parts", "item": "YB-32", "qty": "2", "unit_price": "500"}
    assert refusal(case, "finance", "quote", {"quote_lines": [LABOUR_260, pump]}) == {
        "quote_lines-1-unit_price": "at least 550.00 by the fee table"  # 500 × 1.10
    }
    case.do("finance", "quote", {"quote_lines": [LABOUR_260, TRAVEL_600, {**pump, "unit_price": "550"}]})
    assert case.data["quote_amount"] == "1960.00"  # 260 + 600 + 2 × 550
    case.do("service_desk", "confirm_quote", {"quote_accepted": True})
    assert case.open() == ["dispatch"]


def test_our_own_product_pays_the_list_price_and_an_unknown_part_is_named(ctx, staff, start):
    with_price_list(ctx, staff, ("YB-32", "液压油泵", "500.00"))
    case = start("service_request")
    to_solution(case, "onsite", OUT_OF_WARRANTY)
    unknown = {"kind": "parts", "item": "ZZ-9", "qty": "1", "unit_price": "80"}
    cheap_labour = {**LABOUR_260, "unit_price": "150"}
    assert refusal(case, "finance", "quote", {"quote_lines": [cheap_labour, unknown]}) == {
        "quote_lines-0-unit_price": "at least 200.00 by the fee table",
        "quote_lines-1-item": "ZZ-9 is not on the price list (parts the partner supplies are partner_parts)",
    }
    case.do("finance", "quote", {"quote_lines": [{"kind": "parts", "item": "YB-32", "qty": "1", "unit_price": "500"}]})
    assert case.data["quote_amount"] == "500.00"


def test_parts_the_partner_supplies_carry_a_ten_per_cent_handling_fee(ctx, staff, start):
    case = start("service_request")
    to_solution(case, "onsite", AGENT)
    supplied = {"kind": "partner_parts", "item": "韩方油缸", "qty": "1", "unit_price": "3000"}
    assert refusal(case, "finance", "quote", {"quote_lines": [supplied]}) == {
        "quote_lines": "parts the partner supplies carry a handling fee of at least 300.00 (S2 5.2.2.3)"  # 10 % × 3000
    }
    handling = {"kind": "handling", "item": "", "qty": "1", "unit_price": "300"}
    case.do("finance", "quote", {"quote_lines": [supplied, handling]})
    assert case.data["quote_amount"] == "3300.00"


def test_work_on_a_competitors_product_needs_the_general_manager_and_keeps_a_twenty_per_cent_margin(ctx, staff, start):
    case = start("service_request")
    case.do("service_desk", "register", CALL)
    case.do("quality_office", "triage", {**OUT_OF_WARRANTY, "product_category": "competitor"})
    case.do("general_manager", "approve_competitor", {"competitor_approved": True})
    case.do("tech_support", "guidance", UNRESOLVED)
    case.do("quality_office", "choose_way", {"solution": "onsite"})
    # Proposed at cost plus margin: 4 h × 200 = 800, travel 600, margin 20 % × 1400 = 280.
    assert [line["amount"] for line in opening(ctx, staff, case, "finance", "quote")] == ["800.00", "600.00", "280.00"]
    machining = {"kind": "cost", "item": "工作臂加工", "qty": "1", "unit_price": "2000"}
    thin = {"kind": "margin", "item": "", "qty": "1", "unit_price": "300"}
    assert refusal(case, "finance", "quote", {"quote_lines": [machining, thin]}) == {
        "quote_lines": "work on a competitor's product keeps a margin of at least 400.00 (S2 5.2.3.2)"  # 20 % × 2000
    }
    case.do("finance", "quote", {"quote_lines": [machining, {**thin, "unit_price": "400"}]})
    assert case.data["quote_amount"] == "2400.00"


def test_a_paid_factory_repair_is_priced_confirmed_invoiced_and_collected(ctx, staff, start):
    case = start("service_request")
    to_solution(case, "factory")
    case.do("warehouse", "receive", {"received_qty": 1, "matches_list": True})
    reinspection = {**JOINT, "repairable": True, "paid_repair": True, "responsibility": "customer"}
    case.do("quality_office", "reinspect", reinspection)
    # Proposed: 8 h of an engineer in the factory × 150 = 1200.
    assert opening(ctx, staff, case, "finance", "price_repair") == [
        {"kind": "labour", "item": "工程师", "qty": "8", "unit_price": "150.00", "amount": "1200.00"}
    ]
    case.do("finance", "price_repair", FACTORY_1200)
    case.do("service_desk", "confirm_fee", {"fee_accepted": True})
    case.do("workshop", "repair", {"repair_order_no": "WX-01", "repair_hours": "8", "repair_parts": "油泵"})
    case.do("inspector", "inspect", {"passed": True})
    case.do("warehouse", "ship_back", {"shipping_no": "SF-001"})
    assert case.open() == ["invoice"]
    # The invoice opens with the quote's lines as finance typed them (a skill by its key here).
    assert opening(ctx, staff, case, "finance", "invoice") == [
        {"kind": "labour", "item": "engineer", "qty": "8", "unit_price": "150", "amount": "1200.00"}
    ]
    case.do("finance", "invoice", invoice(FACTORY_1200, "FP-0002", "1200.00") | {"collected_on": "2026-03-20"})
    assert (case.data["invoice_amount"], case.data["amount_collected"]) == ("1200.00", "1200.00")
    assert case.open() == ["rate"]


def test_a_warranty_factory_repair_of_a_partner_product_is_billed_to_the_partner(ctx, staff, start):
    case = start("service_request")
    to_solution(case, "factory", PARTNER)
    case.do("warehouse", "receive", {"received_qty": 1, "matches_list": True})
    reinspection = {**JOINT, "repairable": True, "paid_repair": False, "responsibility": "company"}
    case.do("quality_office", "reinspect", reinspection)
    case.do("workshop", "repair", {"repair_order_no": "WX-02", "repair_hours": "3", "repair_parts": "油泵"})
    case.do("inspector", "inspect", {"passed": True})
    case.do("warehouse", "ship_back", {"shipping_no": "SF-002"})
    assert case.open() == ["bill_partner"]
    # The repair's own 3 hours at the factory engineer's 150 = 450; no travel for factory work.
    assert [line["amount"] for line in opening(ctx, staff, case, "finance", "bill_partner")] == ["450.00"]
    case.do("finance", "bill_partner", {"partner_lines": opening(ctx, staff, case, "finance", "bill_partner"),
                                        "partner_bill_no": "JS-2026-02"})  # fmt: skip
    assert case.data["partner_amount"] == "450.00"


CONTRACT_HEADER = "code,name,class,agreement,agreement_kind,scope,models,starts_on,ends_on"


def test_a_contract_that_covers_maintenance_only_does_not_make_a_repair_free(ctx, staff, start):
    contract = 'MC-01,maintenance_contract,"maintenance, inspection",,2020-01-01,2099-12-31'
    table = f"{CONTRACT_HEADER}\nC-01,{CALL['customer']},key,{contract}\n"
    customers.import_customers(ctx, SYSTEM, "customers.csv", table.encode())
    case = start("service_request")
    case.do("service_desk", "register", CALL)
    under_contract = {**OUT_OF_WARRANTY, "has_contract": True}
    assert refusal(case, "quality_office", "triage", under_contract) == {
        "has_contract": f"the maintenance contract of {CALL['customer']} does not cover repair for AWP-12 "
        "(MC-01: maintenance, inspection): the service is paid unless the contract is amended"
    }
    case.do("quality_office", "triage", OUT_OF_WARRANTY)
    assert case.data["service_type"] == "A"  # paid


def test_a_contract_that_covers_repair_makes_it_contract_service(ctx, staff, start):
    contract = 'MC-02,maintenance_contract,"maintenance, repair",AWP-12,2020-01-01,'
    table = f"{CONTRACT_HEADER}\nC-01,{CALL['customer']},key,{contract}\n"
    customers.import_customers(ctx, SYSTEM, "customers.csv", table.encode())
    case = start("service_request")
    case.do("service_desk", "register", CALL)
    case.do("quality_office", "triage", {**OUT_OF_WARRANTY, "has_contract": True})
    assert case.data["service_type"] == "B"
