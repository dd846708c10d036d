"""Scenario tests for service_request (SPEC "Case intake"), named after the clause they check."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from engine.services import cases
from engine.services import processes
from engine.services import tasks
from engine.services import timers
from tests.processes.test_shipped_diagrams import PROCESSES

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALL = {
    "channel": "phone",
    "customer": "示例客户",
    "contact_phone": "021-1234 5678",
    "product_model": "AWP-12",
    "serial_number": "AW-1",
    "fault_description": "漏油",
    "request_kind": "fault",
}
TRIAGE = {"product_category": "own", "service_type": "C", "solution": "onsite"}


@pytest.fixture
def staff(ctx, make_user):  # type: ignore[no-untyped-def]
    processes.load_directory(ctx, PROCESSES)
    roles = ("service_desk", "quality_office", "tech_support", "dispatcher", "quality_manager")
    return {role: make_user(role, role) for role in roles}


def step(ctx, actor, case_id, data):  # type: ignore[no-untyped-def]
    item = next(t for t in tasks.list_tasks(ctx, actor) if t.case_id == case_id)
    tasks.complete_task(ctx, actor, item.id, data)
    return item


def open_steps(ctx, staff, case_id):  # type: ignore[no-untyped-def]
    return sorted({t.bpmn_id for actor in staff.values() for t in tasks.list_tasks(ctx, actor) if t.case_id == case_id})


def test_information_reaches_the_quality_office_within_4_working_hours(ctx, staff) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime(2026, 3, 6, 16, 0, tzinfo=SHANGHAI), tick=False):
        case = cases.start_case(ctx, staff["service_desk"], "service_request", {})
        register = tasks.list_tasks(ctx, staff["service_desk"])[0]
    assert register.due_at == datetime(2026, 3, 9, 11, 0, tzinfo=SHANGHAI)  # Fri 16:00 + 4 working hours
    assert case.number.startswith("SR-2026-")


def test_consultation_is_answered_by_the_quality_office(ctx, staff) -> None:  # type: ignore[no-untyped-def]
    case = cases.start_case(ctx, staff["service_desk"], "service_request", {})
    step(ctx, staff["service_desk"], case.id, {**CALL, "request_kind": "consultation"})
    assert open_steps(ctx, staff, case.id) == ["answer"]
    step(ctx, staff["quality_office"], case.id, {"answer_text": "说明保养周期"})
    assert cases.get_case(ctx, case.id).status == "completed"


def test_phone_guidance_first_and_solved_by_phone(ctx, staff) -> None:  # type: ignore[no-untyped-def]
    case = cases.start_case(ctx, staff["service_desk"], "service_request", {})
    step(ctx, staff["service_desk"], case.id, CALL)
    step(ctx, staff["quality_office"], case.id, {**TRIAGE, "solution": "phone_guidance"})
    assert open_steps(ctx, staff, case.id) == ["guidance"]
    step(ctx, staff["tech_support"], case.id, {"resolved": "true", "guidance_note": "复位"})
    assert cases.get_case(ctx, case.id).status == "completed"


def test_failed_phone_guidance_goes_to_another_way(ctx, staff) -> None:  # type: ignore[no-untyped-def]
    case = cases.start_case(ctx, staff["service_desk"], "service_request", {})
    step(ctx, staff["service_desk"], case.id, CALL)
    step(ctx, staff["quality_office"], case.id, {**TRIAGE, "solution": "phone_guidance"})
    step(ctx, staff["tech_support"], case.id, {"resolved": "false", "guidance_note": "无法远程解决"})
    assert open_steps(ctx, staff, case.id) == ["arrange"]
    step(ctx, staff["dispatcher"], case.id, {"service_plan": "派工"})
    assert cases.get_case(ctx, case.id).status == "completed"


def test_solution_not_decided_in_8_working_hours_is_chased(ctx, staff) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case = cases.start_case(ctx, staff["service_desk"], "service_request", {})
        step(ctx, staff["service_desk"], case.id, CALL)
    with time_machine.travel(datetime(2026, 3, 3, 9, 31, tzinfo=SHANGHAI), tick=False):
        assert timers.fire_due_timers(ctx) == 1
    assert open_steps(ctx, staff, case.id) == ["escalate", "triage"]
    step(ctx, staff["quality_manager"], case.id, {"chase_note": "已催办"})
    step(ctx, staff["quality_office"], case.id, TRIAGE)
    step(ctx, staff["dispatcher"], case.id, {"service_plan": "派工"})
    assert cases.get_case(ctx, case.id).status == "completed"
