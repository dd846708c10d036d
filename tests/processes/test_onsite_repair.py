"""onsite_repair: SPEC flow 1, each test named after the clause it checks."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from engine.domain.errors import InvalidData
from engine.store.models import AuditEvent
from tests.priced import CLAIM_300
from tests.priced import QUOTE_860
from tests.priced import claim
from tests.priced import invoice
from tests.priced import reimbursed
from tests.priced import verified
from tests.processes.conftest import SHANGHAI
from tests.processes.journeys import IN_WARRANTY
from tests.processes.journeys import OUT_OF_WARRANTY
from tests.processes.journeys import dispatch_and_repair
from tests.processes.journeys import rate_and_follow_up
from tests.processes.journeys import report_and_verify
from tests.processes.journeys import to_solution

QUOTE = {**QUOTE_860, "quote_amount": "860.00"}


def finish_on_site(case) -> None:
    case.do("service_desk", "feedback", {"feedback_signed_by": "李经理"})  # on the customer's behalf
    case.do("quality_office", "approve_leave", {"leave": "approved"})
    report_and_verify(case)


def test_paid_service_is_quoted_confirmed_dispatched_and_invoiced(start) -> None:
    case = start("service_request")
    to_solution(case, "onsite", OUT_OF_WARRANTY)
    assert case.open() == ["quote"]
    case.do("finance", "quote", QUOTE)
    case.do("service_desk", "confirm_quote", {"quote_accepted": True})
    dispatch_and_repair(case)
    finish_on_site(case)
    assert case.open() == ["invoice"]
    case.do("finance", "invoice", invoice(QUOTE_860))
    rate_and_follow_up(case)
    assert case.status == "completed"


def test_customer_steps_done_by_the_service_desk_are_audited_as_on_behalf(ctx, start) -> None:
    case = start("service_request")
    to_solution(case, "onsite", OUT_OF_WARRANTY)
    case.do("finance", "quote", QUOTE)
    case.do("service_desk", "confirm_quote", {"quote_accepted": True})
    with ctx.uow() as uow:
        event = (
            uow.session.query(AuditEvent)
            .filter_by(case_id=case.id, action="task_completed", bpmn_id="confirm_quote")
            .one()
        )
    assert (event.actor, event.data["on_behalf_of"], event.data["quote_accepted"]) == ("service_desk", "customer", True)


def test_fee_refused_by_the_customer_needs_general_manager_approval(start) -> None:
    case = start("service_request")
    to_solution(case, "onsite", OUT_OF_WARRANTY)
    case.do("finance", "quote", QUOTE)
    case.do("service_desk", "confirm_quote", {"quote_accepted": False, "customer_note": "认为应保修"})
    assert case.open() == ["approve_unpaid"]
    case.do("general_manager", "approve_unpaid", {"unpaid_approved": True, "unpaid_approved_comment": "重点客户"})
    dispatch_and_repair(case)
    finish_on_site(case)
    assert case.open() == ["rate"]  # no invoice: the fee was waived


def test_out_of_warranty_fee_refused_and_not_approved_ends_without_service(start) -> None:
    case = start("service_request")
    to_solution(case, "onsite", OUT_OF_WARRANTY)
    case.do("finance", "quote", QUOTE)
    with pytest.raises(InvalidData) as refused:  # S2 5.2.1.5: a refusal gives its reason
        case.do("service_desk", "confirm_quote", {"quote_accepted": False})
    assert set(refused.value.errors) == {"customer_note"}
    case.do("service_desk", "confirm_quote", {"quote_accepted": False, "customer_note": "价格太高"})
    case.do("general_manager", "approve_unpaid", {"unpaid_approved": False})
    case.do("service_desk", "tell_no_service", {"refusal_note": "未同意付费，不安排服务"})
    # No service happened: no satisfaction survey and no follow-up call.
    assert case.open() == [] and case.status == "completed"
    assert case.info.next_timer_at is None


def test_partner_product_is_notified_before_service(start) -> None:
    case = start("service_request")
    to_solution(case, "onsite", {**IN_WARRANTY, "product_category": "partner"})
    assert case.open() == ["notify_partner"]
    case.do("quality_office", "notify_partner", {"partner_notified": True})
    assert case.open() == ["dispatch"]


# S2 5.1.1.3: "公司接到售后服务请求后，根据路程300公里以内为24小时内，1000公里内为48小时，1000公里以外
# 72小时内派人到达服务现场" — the clock runs from the request, through the night, and not from
# the end of preparation. A call Monday 2 March 2026 09:00.
@pytest.mark.parametrize(
    "distance, due",
    [(250, datetime(2026, 3, 3, 9, 0)), (800, datetime(2026, 3, 4, 9, 0)), (1500, datetime(2026, 3, 5, 9, 0))],
)
def test_arrival_deadline_runs_from_the_request_by_distance(start, distance, due) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case = start("service_request")
    to_solution(case, "onsite")
    case.do("dispatcher", "dispatch", {"engineer": "wang", "distance_km": distance})
    with time_machine.travel(datetime(2026, 3, 4, 16, 0, tzinfo=SHANGHAI), tick=False):  # preparing took two days
        case.do("engineer_wang", "prepare", {"plan_confirmed": True})
    service = case.task("engineer_wang", "service")
    assert service.due_at == due.replace(tzinfo=SHANGHAI)
    assert service.assignee == "wang"


def test_dispatch_is_due_within_24_hours_and_arrival_by_clock_hours(start) -> None:
    # A call on Friday 6 March 2026 at 15:00; 800 km: 48 clock hours, through the weekend.
    with time_machine.travel(datetime(2026, 3, 6, 15, 0, tzinfo=SHANGHAI), tick=False):
        case = start("service_request")
    with time_machine.travel(datetime(2026, 3, 6, 16, 0, tzinfo=SHANGHAI), tick=False):
        to_solution(case, "onsite")
    assert case.task("dispatcher", "dispatch").due_at == datetime(2026, 3, 7, 16, 0, tzinfo=SHANGHAI)
    with time_machine.travel(datetime(2026, 3, 6, 17, 0, tzinfo=SHANGHAI), tick=False):
        case.do("dispatcher", "dispatch", {"engineer": "wang", "distance_km": 800})
        case.do("engineer_wang", "prepare", {"plan_confirmed": True})
    assert case.task("engineer_wang", "service").due_at == datetime(2026, 3, 8, 15, 0, tzinfo=SHANGHAI)


def test_unit_not_fixed_on_site_goes_back_to_the_factory(start) -> None:
    case = start("service_request")
    to_solution(case, "onsite")
    dispatch_and_repair(case, repaired=False)
    case.do("engineer_wang", "take_back", {"receipt_no": "QS-2026-17"})
    assert case.open() == ["feedback", "receive"]
    case.do("warehouse", "receive", {"received_qty": 1, "matches_list": True})
    reinspect = {
        "participants": "质量、技术、检验、生产",
        "root_cause": "油泵磨损",
        "cause": "purchasing",
        "responsible_department": "purchasing",
        "repairable": True,
    }
    case.do(
        "quality_office",
        "reinspect",
        {**reinspect, "parts_source": "own", "paid_repair": False, "responsibility": "company"},
    )
    case.do("workshop", "repair", {"repair_order_no": "WX-01", "repair_hours": "4"})
    case.do("inspector", "inspect", {"passed": True})
    case.do("warehouse", "ship_back", {"shipping_no": "SF-001"})
    assert case.open() == ["feedback"]  # the trip is closed on its own branch
    finish_on_site(case)
    rate_and_follow_up(case)
    assert case.status == "completed"


def test_taking_the_unit_back_closes_the_trip_without_waiting_for_the_factory(start) -> None:
    # The engineer leaves site with the unit: the customer's feedback, the leave approval and the
    # trip report within 3 working days of leaving are due now (S2 7.2.5–7.2.7), not after the repair.
    case = start("service_request")
    to_solution(case, "onsite")
    dispatch_and_repair(case, repaired=False)
    case.do("engineer_wang", "take_back", {"receipt_no": "QS-2026-17"})
    case.do("service_desk", "feedback", {"feedback_signed_by": "李经理"})
    with time_machine.travel(datetime(2026, 3, 3, 16, 0, tzinfo=SHANGHAI), tick=False):  # Tuesday
        case.do("quality_office", "approve_leave", {"leave": "approved"})
    assert case.open() == ["receive", "trip_report"]
    assert case.task("engineer_wang", "trip_report").due_at == datetime(2026, 3, 6, 16, 0, tzinfo=SHANGHAI)
    report_and_verify(case)
    assert case.open() == ["receive"]  # the unit is still on its way to the factory
    assert case.status != "completed"


def test_leaving_without_approval_and_late_reports_are_recorded(start) -> None:
    case = start("service_request")
    to_solution(case, "onsite")
    dispatch_and_repair(case)
    case.do("service_desk", "feedback", {"feedback_signed_by": "李经理"})
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case.do("quality_office", "approve_leave", {"leave": "without_approval"})
        case.do("quality_manager", "record_leave", {"breach_note": "未经质量室同意离场"})
    assert case.task("engineer_wang", "trip_report").due_at == datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI)
    assert case.fire_timers_at(datetime(2026, 3, 5, 9, 1, tzinfo=SHANGHAI)) == 1  # 3 working days
    assert case.open() == ["record_late_report", "trip_report"]
    case.do("quality_manager", "record_late_report", {"breach_note": "出差报告超期"})
    with time_machine.travel(datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI), tick=False):
        case.do("engineer_wang", "trip_report", claim("补交", CLAIM_300))
    assert case.fire_timers_at(datetime(2026, 3, 12, 10, 1, tzinfo=SHANGHAI)) == 1  # 5 working days
    assert case.open() == ["record_late_audit", "verify"]
    case.do("quality_manager", "record_late_audit", {"breach_note": "审核超期"})
    case.do("quality_office", "verify", verified(CLAIM_300))
    case.do("finance", "reimburse", reimbursed("300.00"))
    assert case.open() == ["rate"]
