"""installation: a delivered unit is installed, commissioned and its operators trained (S0 二.3),
and the customer is called a month after the delivery (S3 五); started by the worker from the
product archive once the delivery is recorded."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any

import time_machine
from sqlalchemy import select

from engine.services import care
from engine.services import cases
from engine.services import products
from engine.store.models import Case
from engine.store.models import ProcessVersion
from tests.actors import SYSTEM
from tests.processes.conftest import SHANGHAI
from tests.processes.conftest import Scenario

WORKER = cases.CARE_ACTOR
DELIVERIES = (
    "serial_number,model,category,customer,delivered_on\n"
    "AW2026-0301,AWP-12,own,华东示例重工,2026-03-02\n"
    "AW2025-0099,AWP-10,own,华东示例重工,2025-11-20\n"  # delivered long ago: installed before
).encode()


def _at(day: str, hour: int = 9) -> Any:
    return time_machine.travel(datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI), tick=False)


def _cases_of(ctx: Any, process: str) -> list[Case]:
    with ctx.uow() as uow:
        query = select(Case).join(ProcessVersion).where(ProcessVersion.key == process).order_by(Case.id)
        return list(uow.session.scalars(query))


def test_a_delivery_schedules_its_installation_and_the_call_a_month_later(ctx, staff) -> None:
    with _at("2026-03-02"):
        products.import_units(ctx, SYSTEM, "deliveries.csv", DELIVERIES)
        assert cases.start_care_cases(ctx, WORKER) == 1  # the recent delivery only
        assert cases.start_care_cases(ctx, WORKER) == 0  # once
    (opened,) = _cases_of(ctx, "installation")
    assert opened.data["serial_number"] == "AW2026-0301" and opened.data["delivered_on"] == "2026-03-02"
    case = Scenario(ctx, staff, opened.id)
    # Planned within 2 working days of the delivery: Monday 2 March → Wednesday 4 March.
    assert case.task("dispatcher", "plan_installation").due_at == datetime(2026, 3, 4, 9, 0, tzinfo=SHANGHAI)
    with _at("2026-03-09", 17):  # the steps run in March; the call waits for April
        case.do("dispatcher", "plan_installation", {"engineer": "wang", "planned_on": "2026-03-05"})
        assert case.open() == ["install"]
        [planned] = care.care_calendar(ctx, staff["dispatcher"]).open  # on the engineer's calendar
        assert (planned.kind, planned.serial_number, planned.on, planned.step) == (
            "installation",
            "AW2026-0301",
            date(2026, 3, 5),
            "install",
        )
        assert planned.engineer == "wang"  # the account's display name is its user name here
        failed = {"installed_on": "2026-03-05", "commissioning_passed": False, "commissioning_note": "液压压力不足"}
        case.do("engineer_wang", "install", failed)
        assert case.open() == ["plan_installation"]  # commissioning failed: planned again
        case.do("dispatcher", "plan_installation", {"engineer": "wang", "planned_on": "2026-03-09"})
        done = {
            "installed_on": "2026-03-09",
            "commissioning_passed": True,
            "commissioning_note": "更换溢流阀后调试合格",
            "trained": "操作员 2 人：日常操作与保养",
            "accepted_by": "设备科负责人",
        }
        case.do("engineer_wang", "install", done)
        assert case.open() == []  # waiting for the call
        # A month after delivery, at the start of the day as dates are read (00:00 UTC, 08:00 in Shanghai).
    assert case.info.next_timer_at == datetime(2026, 4, 2, 8, 0, tzinfo=SHANGHAI)
    assert case.fire_timers_at(datetime(2026, 4, 2, 8, 1, tzinfo=SHANGHAI)) == 1
    case.do("service_desk", "delivery_call", {"reached": True, "usage_note": "运行正常"})
    assert case.status == "completed"


UNDER_WARRANTY = (
    "serial_number,model,category,customer,delivered_on,warranty_end\n"
    "AW2026-0301,AWP-12,own,华东示例重工,2026-03-02,2027-03-01\n"
    "AW2025-0050,AWP-10,own,华东示例重工,2025-05-01,2026-05-01\n"  # out of warranty by June
).encode()


def test_a_unit_under_warranty_is_called_about_every_quarter_after_its_delivery(ctx, staff) -> None:
    with _at("2026-05-20"):
        products.import_units(ctx, SYSTEM, "units.csv", UNDER_WARRANTY)
    with _at("2026-06-01"):
        assert cases.start_care_cases(ctx, WORKER) == 0  # three months after 2 March is 2 June
    with _at("2026-06-02"):
        assert cases.start_care_cases(ctx, WORKER) == 1  # the unit under warranty only
        assert cases.start_care_cases(ctx, WORKER) == 0  # once
        (call,) = _cases_of(ctx, "product_call")
        assert (call.data["serial_number"], call.data["call_due"]) == ("AW2026-0301", "2026-06-02")
        case = Scenario(ctx, staff, call.id)
        answer = {"reached": True, "usage_note": "平台偶有抖动", "issues_found": True}
        case.do("service_desk", "usage_call", answer)
        case.do("quality_office", "follow_up_findings", {"issue_action": "安排工程师检查液压系统"})
        assert case.status == "completed"
    with _at("2026-09-01"):
        assert cases.start_care_cases(ctx, WORKER) == 0
    with _at("2026-09-02"):
        assert cases.start_care_cases(ctx, WORKER) == 1  # the next quarter, from the last call's date
    assert _cases_of(ctx, "product_call")[-1].data["call_due"] == "2026-09-02"
    second = Scenario(ctx, staff, _cases_of(ctx, "product_call")[-1].id)
    second.do("service_desk", "usage_call", {"reached": True, "usage_note": "运行正常", "issues_found": False})
    assert second.status == "completed"
