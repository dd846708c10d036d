"""The breach register: late trip reports, late forwarding and late expense audits (each
begun working day counted), recorded against the person responsible."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.domain.periods import reporting_period
from engine.services import breaches
from tests import quality_month
from tests.priced import CLAIM_300
from tests.priced import claim
from tests.priced import reimbursed
from tests.priced import verified
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import CALL
from tests.processes.journeys import IN_WARRANTY
from tests.processes.journeys import UNRESOLVED
from tests.processes.journeys import dispatch_and_repair
from tests.processes.journeys import to_solution
from tests.quality_month import at
from tests.quality_month import moment


def register(ctx, actor, first=quality_month.FROM, last=quality_month.TO):
    return breaches.list_breaches(ctx, actor, reporting_period(ctx.config.timezone, first, last))


def test_the_known_months_late_arrival_and_trip_report_are_recorded_against_the_engineer(ctx, staff, start) -> None:  # noqa: F811
    month = quality_month.build(ctx, staff, start)
    arrival, report = register(ctx, staff["quality_manager"])
    # B was called in Monday 2 March 13:00, 120 km: on site by Tuesday 13:00 (S2 5.1.1.3); wang
    # arrived at 14:00, of which 13:30–14:00 is working time.
    assert (arrival.kind, arrival.case_id, arrival.person) == ("late_arrival", month.b, "wang")
    assert arrival.task == "现场服务"
    assert (arrival.due_at, arrival.done_at, arrival.late_hours) == (moment(3, 3, 13), moment(3, 3, 14), 0.5)
    assert (report.kind, report.case_id, report.person) == ("late_trip_report", month.b, "wang")
    # Leaving approved Tuesday 15:00: due Friday 6 March 15:00, done Wednesday 11 March 09:00,
    # working hours 08:30–12:00 and 13:30–17:30 (7.5 h a day): 2.5 h on Friday, 7.5 h on
    # Monday and on Tuesday, 0.5 h on Wednesday.
    assert (report.due_at, report.done_at) == (moment(3, 6, 15), moment(3, 11, 9))
    assert report.late_hours == 2.5 + 7.5 + 7.5 + 0.5 and report.late_days is None
    assert breaches.by_person([arrival, report]) == [("wang", 2, 0, Decimal(0))]
    assert register(ctx, staff["quality_manager"], "2026-04-01", "2026-04-30") == []


def test_late_forwarding_and_a_late_audit_counted_per_working_day(ctx, staff, start) -> None:  # noqa: F811
    with at(3, 2, 9):
        case = start("service_request")  # registration due 4 working hours later: 14:30
    with at(3, 2, 16):
        case.do("service_desk", "register", CALL)
        case.do("quality_office", "triage", IN_WARRANTY)
        case.do("tech_support", "guidance", UNRESOLVED)
        case.do("quality_office", "choose_way", {"solution": "onsite"})
        case.do("dispatcher", "dispatch", {"engineer": "wang", "distance_km": 120})
        case.do("engineer_wang", "prepare", {"plan_confirmed": True})
        service = {
            "arrived_at": "2026-03-02T10:00",
            "diagnosis": "更换",
            "cause": "assembly",
            "responsible_department": "production",
            "tampered": False,
            "repaired": True,
            "whole_unit_checked": True,
        }
        case.do("engineer_wang", "service", service)
        case.do("service_desk", "feedback", {"feedback_signed_by": "客户代表"})
        case.do("quality_office", "approve_leave", {"leave": "approved"})
    with at(3, 3, 9):
        case.do("engineer_wang", "trip_report", claim("更换", CLAIM_300))
    # The audit is due five working days later (Tuesday 10 March 09:00), done on Thursday 10:00.
    # The audit cuts the 300 yuan of fuel to 200: the rest was a detour (S2 8.4).
    with at(3, 12, 10):
        case.do("quality_office", "verify", verified(CLAIM_300, line_0=("200", "绕行")))
        case.do("finance", "reimburse", reimbursed("200.00"))
    found = {b.kind: b for b in register(ctx, staff["quality_manager"])}
    assert set(found) == {"late_forwarding", "late_expense_audit", "cut_expenses"}
    forwarding = found["late_forwarding"]
    assert (forwarding.person, forwarding.due_at, forwarding.late_hours) == ("service_desk", moment(3, 2, 14, 30), 1.5)
    assert forwarding.amount is None  # no fine is configured for it
    audit = found["late_expense_audit"]
    assert (audit.person, audit.due_at, audit.late_days) == ("quality_office", moment(3, 10, 9), 3)
    assert audit.amount == Decimal(30)  # 10 yuan for each late day (S2 7.2.7): 3 × 10
    cut = found["cut_expenses"]
    assert (cut.person, cut.task, cut.amount) == ("wang", "出差报告", Decimal(100))  # 300 claimed − 200 approved
    assert "绕行" in cut.note
    people = {person: (count, days, amount) for person, count, days, amount in breaches.by_person(list(found.values()))}
    assert people["wang"] == (1, 0, Decimal(100))
    assert people["quality_office"] == (1, 3, Decimal(30))


def test_an_open_late_task_is_recorded_against_its_holder_or_roles(ctx, staff, start) -> None:  # noqa: F811
    with at(3, 2, 9):
        start("service_request")
    with at(3, 3, 9):
        [open_breach] = register(ctx, staff["quality_manager"])
    assert open_breach.open and open_breach.person == "service_desk" and open_breach.kind == "late_forwarding"


def test_only_quality_readers(ctx, staff) -> None:  # noqa: F811
    from engine.domain.errors import NotAllowed

    with pytest.raises(NotAllowed):
        register(ctx, staff["engineer"])


def test_a_late_arrival_on_site_is_recorded_against_the_engineer_however_long_the_repair(ctx, staff, start) -> None:  # noqa: F811
    # Called in Monday 2 March 09:00, 120 km: on site by Tuesday 09:00 (S2 5.1.1.3). wang
    # arrives at 09:30 — half a working hour late — and finishes at 10:00.
    quality_month._repair(start, (3, 2, 9), 30, False, quality_month.SATISFIED, arrived="2026-03-03T09:30")
    [late] = register(ctx, staff["quality_manager"])
    assert (late.kind, late.person, late.task) == ("late_arrival", "wang", "现场服务")
    assert (late.due_at, late.done_at, late.late_hours) == (moment(3, 3, 9), moment(3, 3, 9, 30), 0.5)


def test_contacting_the_customer_late_is_recorded_against_the_quality_office(ctx, staff, start) -> None:  # noqa: F811
    # S2 7.1.3: forwarded Monday 2 March 09:10, the customer must be contacted within 4 working
    # hours — by 14:40 (2 h 50 before noon, 1 h 10 after). Contacted Tuesday 14:00: late by
    # 2 h 50 on Monday (14:40–17:30) and 4 h on Tuesday (3.5 before noon, 0.5 after) = 6.83 h.
    with at(3, 2, 9):
        case = start("service_request")
    with at(3, 2, 9, 10):
        case.do("service_desk", "register", CALL)
    with at(3, 3, 14):
        case.do("quality_office", "triage", {**IN_WARRANTY, "contacted_at": "2026-03-03T14:00"})
        found = {b.kind: b for b in register(ctx, staff["quality_manager"])}
    late = found["late_contact"]
    assert (late.person, late.task) == ("quality_office", "保修及产品类别确认")
    assert (late.due_at, late.done_at, late.late_hours) == (moment(3, 2, 14, 40), moment(3, 3, 14), 6.83)
    # The arrival promise runs from the call: 120 km, on site by Tuesday 09:00 (S2 5.1.1.3).
    # Nobody is dispatched yet, so the dispatcher answers for it: 09:00–12:00 and 13:30–14:00, 3.5 working hours late.
    arrival = found["late_arrival"]
    assert (arrival.person, arrival.due_at, arrival.open, arrival.late_hours) == (
        "dispatcher",
        moment(3, 3, 9),
        True,
        3.5,
    )


def test_a_service_request_unresolved_after_15_working_days_is_recorded(ctx, staff, start) -> None:  # noqa: F811
    # S2/11 3.12: called Monday 2 March 09:00, no holiday in March 2026: due Monday 23 March
    # 09:00 (15 working days). Still open on Tuesday 24 March 09:00: 7.5 working hours late,
    # against the quality office, which decided the solution.
    with at(3, 2, 9):
        case = start("service_request")
        case.do("service_desk", "register", CALL)
        case.do("quality_office", "triage", IN_WARRANTY)
        case.do("tech_support", "guidance", UNRESOLVED)
        case.do("quality_office", "choose_way", {"solution": "onsite"})
    with at(3, 24, 9):
        found = {b.kind: b for b in register(ctx, staff["quality_manager"])}
    resolution = found["late_resolution"]
    assert (resolution.person, resolution.due_at, resolution.open) == ("quality_office", moment(3, 23, 9), True)
    assert resolution.late_hours == 7.5


def test_leaving_site_without_approval_is_fined_against_the_engineer(ctx, staff, start) -> None:  # noqa: F811
    # S2 7.2.6: an engineer leaving site without the quality office's approval is fined 50–500
    # yuan; the shipped service settings fine 50.
    with at(3, 2, 9):
        case = start("service_request")
        to_solution(case, "onsite")
    with at(3, 3, 8):
        dispatch_and_repair(case)
        case.do("service_desk", "feedback", {"feedback_signed_by": "客户代表"})
    with at(3, 3, 11):
        case.do("quality_office", "approve_leave", {"leave": "without_approval"})
        found = {b.kind: b for b in register(ctx, staff["quality_manager"])}
    left = found["left_without_approval"]
    assert (left.person, left.task, left.case_id, left.amount) == ("wang", "现场服务", case.id, Decimal(50))
    assert left.due_at == moment(3, 3, 11)
    assert register(ctx, staff["quality_manager"], "2026-04-01", "2026-04-30") == []
