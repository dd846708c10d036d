"""The breach register: late trip reports, late forwarding and late expense audits (each
begun working day counted), recorded against the person responsible."""

from __future__ import annotations

import pytest

from engine.domain.periods import reporting_period
from engine.services import breaches
from tests import quality_month
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import CALL
from tests.processes.journeys import IN_WARRANTY
from tests.processes.journeys import UNRESOLVED
from tests.quality_month import at
from tests.quality_month import moment


def register(ctx, actor, first=quality_month.FROM, last=quality_month.TO):
    return breaches.list_breaches(ctx, actor, reporting_period(ctx.config.timezone, first, last))


def test_the_late_trip_report_of_the_known_month_is_recorded_against_its_engineer(ctx, staff, start) -> None:  # noqa: F811
    month = quality_month.build(ctx, staff, start)
    [late] = register(ctx, staff["quality_manager"])
    assert (late.kind, late.case_id, late.person) == ("late_trip_report", month.b, "wang")
    # Due Friday 6 March 10:00, done Wednesday 11 March 09:00, working hours 08:30–12:00 and
    # 13:30–17:30 (7.5 h a day): 2 + 4 h on Friday, 7.5 h on Monday and on Tuesday, 0.5 h on
    # Wednesday.
    assert (late.due_at, late.done_at) == (moment(3, 6, 10), moment(3, 11, 9))
    assert late.late_hours == 6 + 7.5 + 7.5 + 0.5 and late.late_days is None
    assert breaches.by_person([late]) == [("wang", 1, 0)]
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
            "tampered": False,
            "repaired": True,
            "whole_unit_checked": True,
        }
        case.do("engineer_wang", "service", service)
        case.do("service_desk", "feedback", {"feedback_signed_by": "客户代表"})
        case.do("quality_office", "approve_leave", {"leave": "approved"})
    with at(3, 3, 9):
        case.do("engineer_wang", "trip_report", {"trip_report_text": "更换", "expenses": "300.00"})
    # The audit is due five working days later (Tuesday 10 March 09:00), done on Thursday 10:00.
    with at(3, 12, 10):
        case.do("quality_office", "verify", {"satisfaction_verified": True, "expenses_approved": True})
    found = {b.kind: b for b in register(ctx, staff["quality_manager"])}
    assert set(found) == {"late_forwarding", "late_expense_audit"}
    forwarding = found["late_forwarding"]
    assert (forwarding.person, forwarding.due_at, forwarding.late_hours) == ("service_desk", moment(3, 2, 14, 30), 1.5)
    audit = found["late_expense_audit"]
    assert (audit.person, audit.due_at, audit.late_days) == ("quality_office", moment(3, 10, 9), 3)


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
