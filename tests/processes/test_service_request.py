"""service_request: SPEC "Case intake", each test named after the clause it checks."""

from __future__ import annotations

from datetime import datetime

import time_machine

from tests.processes.conftest import SHANGHAI
from tests.processes.journeys import CALL
from tests.processes.journeys import IN_WARRANTY
from tests.processes.journeys import UNRESOLVED
from tests.processes.journeys import rate_and_follow_up


def test_information_reaches_the_quality_office_within_4_working_hours(start) -> None:
    with time_machine.travel(datetime(2026, 3, 6, 16, 0, tzinfo=SHANGHAI), tick=False):
        case = start("service_request")
    register = case.task("service_desk", "register")
    assert register.due_at == datetime(2026, 3, 9, 11, 0, tzinfo=SHANGHAI)  # Fri 16:00 + 4 working hours
    assert case.info.number.startswith("SR-2026-")


def test_the_4_working_hours_run_from_when_the_call_came_in_not_from_opening_the_case(start) -> None:
    # The workshop took the call at 09:00 Monday; the desk opens the case at 11:00.
    with time_machine.travel(datetime(2026, 3, 2, 11, 0, tzinfo=SHANGHAI), tick=False):
        case = start("service_request", {"received_at": "2026-03-02T09:00"})
    assert case.data["received_at"] == "2026-03-02T01:00:00+00:00"
    # 09:00-12:00 and 13:30-14:30 are the 4 working hours from 09:00, not 11:00-16:30.
    assert case.task("service_desk", "register").due_at == datetime(2026, 3, 2, 14, 30, tzinfo=SHANGHAI)
    assert case.fire_timers_at(datetime(2026, 3, 2, 14, 31, tzinfo=SHANGHAI)) == 1  # the escalation too


def test_late_forwarding_is_recorded_against_the_desk(start) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case = start("service_request")
    # 09:00-12:00 and 13:30-14:30 are the first 4 working hours
    assert case.fire_timers_at(datetime(2026, 3, 2, 14, 29, tzinfo=SHANGHAI)) == 0
    assert case.fire_timers_at(datetime(2026, 3, 2, 14, 31, tzinfo=SHANGHAI)) == 1
    assert case.open() == ["record_late_forward", "register"]
    case.do("quality_manager", "record_late_forward", {"breach_note": "超过 4 工作小时未传递"})
    case.do("service_desk", "register", {**CALL, "request_kind": "consultation"})
    assert case.open() == ["answer"]


def test_consultation_is_answered_within_8_working_hours(start) -> None:
    case = start("service_request")
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case.do("service_desk", "register", {**CALL, "request_kind": "consultation"})
    assert case.task("quality_office", "answer").due_at == datetime(2026, 3, 3, 9, 30, tzinfo=SHANGHAI)
    case.do("quality_office", "answer", {"answer_text": "保养周期为 500 小时"})
    assert case.status == "completed"


def test_a_complaint_call_goes_to_complaint_handling(start) -> None:
    case = start("service_request")
    case.do("service_desk", "register", {**CALL, "request_kind": "complaint"})
    assert case.open() == ["register"]  # the complaint's own registration form
    complaint = {"customer": CALL["customer"], "complaint_text": "服务人员迟到", "complaint_class": "non_quality"}
    case.do("service_desk", "register", {**complaint, "severity": "minor", "complexity": "simple"})
    case.do("service_desk", "first_contact", {"contact_note": "已致电致歉"})
    case.do(
        "tech_support",
        "analyse",
        {"analysis": "属实", "company_fault": False, "responsible_department": "after_sales", "cause": "service_work"},
    )
    case.do("service_desk", "explain", {"explanation": "已说明"})
    assert case.status == "completed"


def test_service_type_and_priority_follow_category_and_warranty(start) -> None:
    outcomes = {}
    for label, triage in {
        "own, in warranty": IN_WARRANTY,
        "misuse in warranty": {**IN_WARRANTY, "misuse": True},
        "contract": {**IN_WARRANTY, "under_warranty": False, "has_contract": True},
        "agent, out of warranty": {**IN_WARRANTY, "product_category": "agent", "under_warranty": False},
    }.items():
        case = start("service_request")
        case.do("service_desk", "register", CALL)
        case.do("quality_office", "triage", triage)
        outcomes[label] = (case.data["service_type"], case.data["priority"])
    assert outcomes == {
        "own, in warranty": ("C", 1),
        "misuse in warranty": ("A", 1),
        "contract": ("B", 1),
        "agent, out of warranty": ("A", 3),
    }


def test_phone_guidance_first_and_a_survey_after_every_service(start) -> None:
    case = start("service_request")
    case.do("service_desk", "register", CALL)
    case.do("quality_office", "triage", IN_WARRANTY)
    assert case.open() == ["guidance"]
    case.do("tech_support", "guidance", {"resolved": True, "guidance_note": "复位后恢复"})
    assert case.open() == ["rate"]
    rate_and_follow_up(case)
    assert case.status == "completed"


def test_competitor_product_needs_general_manager_approval(start) -> None:
    case = start("service_request")
    case.do("service_desk", "register", CALL)
    case.do("quality_office", "triage", {**IN_WARRANTY, "product_category": "competitor"})
    assert (case.data["service_type"], case.open()) == ("A", ["approve_competitor"])
    case.do(
        "general_manager",
        "approve_competitor",
        {"competitor_approved": True, "competitor_approved_comment": "战略客户"},
    )
    assert case.open() == ["guidance"]


def test_competitor_service_refused_by_general_manager_is_told_to_the_customer(start) -> None:
    case = start("service_request")
    case.do("service_desk", "register", CALL)
    case.do("quality_office", "triage", {**IN_WARRANTY, "product_category": "competitor"})
    case.do("general_manager", "approve_competitor", {"competitor_approved": False})
    case.do("service_desk", "tell_refusal", {"refusal_note": "非本公司产品，不提供服务"})
    assert case.status == "completed"


def test_solution_not_decided_within_8_working_hours_of_forwarding_is_chased(start) -> None:
    """S2 7.2.2: the solution within 8 working hours of receiving the information — phone
    guidance in between does not restart the clock. Forwarded Monday 2 March 2026 09:00:
    3 h to noon, 4 h in the afternoon, 1 h on Tuesday from 08:30 — due Tuesday 09:30."""
    case = start("service_request")
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case.do("service_desk", "register", CALL)
        case.do("quality_office", "triage", IN_WARRANTY)
    with time_machine.travel(datetime(2026, 3, 2, 16, 0, tzinfo=SHANGHAI), tick=False):
        case.do("tech_support", "guidance", UNRESOLVED)
    assert case.task("quality_office", "choose_way").due_at == datetime(2026, 3, 3, 9, 30, tzinfo=SHANGHAI)
    assert case.fire_timers_at(datetime(2026, 3, 3, 9, 29, tzinfo=SHANGHAI)) == 0
    assert case.fire_timers_at(datetime(2026, 3, 3, 9, 31, tzinfo=SHANGHAI)) == 1
    assert case.open() == ["choose_way", "urge_solution"]
    case.do("quality_manager", "urge_solution", {"breach_note": "已督办"})
    assert case.open() == ["choose_way"]
