"""Form data and step sequences the scenario tests share (fictional customers only)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from engine.domain.errors import InvalidData
from tests.priced import claim
from tests.priced import reimbursed
from tests.priced import verified
from tests.processes.conftest import Scenario

CALL = {
    "channel": "phone",
    "customer": "华东示例重工有限公司",
    "contact_phone": "021-1234 5678",
    "product_model": "AWP-12",
    "serial_number": "AW2026-0101",
    "fault_description": "液压系统漏油",
    "request_kind": "fault",
}
IN_WARRANTY = {
    "product_category": "own",
    "under_warranty": True,
    "has_contract": False,
    "misuse": False,
    "distance_km": 120,
}
OUT_OF_WARRANTY = {**IN_WARRANTY, "under_warranty": False}
UNRESOLVED = {"resolved": False, "guidance_note": "电话指导未能排除"}
SATISFIED = {f"rating_{item}": "satisfied" for item in ("attitude", "skill", "arrival", "promises")}


def to_solution(case: Scenario, solution: str, triage: dict[str, Any] | None = None) -> None:
    """Register a fault, check the warranty, fail phone guidance, and choose ``solution``."""
    case.do("service_desk", "register", CALL)
    case.do("quality_office", "triage", triage or IN_WARRANTY)
    case.do("tech_support", "guidance", UNRESOLVED)
    case.do("quality_office", "choose_way", {"solution": solution})


def rate_and_follow_up(case: Scenario, ratings: dict[str, str] | None = None) -> None:
    """The customer's rating (taken by the service desk by phone); the follow-up a month later."""
    case.do("service_desk", "rate", ratings or SATISFIED)
    if "poor" in (ratings or {}).values():
        case.do("quality_office", "poor_follow_up", {"follow_up_action": "上门致歉并复查"})
    assert case.open() == []
    due = case.info.next_timer_at
    assert due is not None
    assert case.fire_timers_at(due + timedelta(seconds=1)) == 1
    case.do("service_desk", "call", {"reached": True, "follow_up_note": "设备运行正常"})


def dispatch_and_repair(case: Scenario, repaired: bool = True, distance: int = 120) -> None:
    case.do("dispatcher", "dispatch", {"engineer": "wang", "distance_km": distance})
    case.do("engineer_wang", "prepare", {"plan_confirmed": True})
    service = {
        "arrived_at": "2026-03-03T10:00",
        "diagnosis": "密封圈老化",
        "cause": "assembly",
        "responsible_department": "production",
        "tampered": False,
        "repaired": repaired,
        "whole_unit_checked": True,
    }
    case.do("engineer_wang", "service", service)


def report_and_verify(case: Scenario) -> None:
    case.do("engineer_wang", "trip_report", claim("更换密封圈"))
    case.do("quality_office", "verify", verified())
    case.do("finance", "reimburse", reimbursed())


def refusal(case: Scenario, role: str, step: str, data: dict[str, Any]) -> dict[str, str]:
    """The messages by field of a completion the engine refuses (it must refuse it)."""
    with pytest.raises(InvalidData) as refused:
        case.do(role, step, data)
    return {key: str(message) for key, message in refused.value.errors.items()}
