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


def _installations(ctx: Any) -> list[Case]:
    with ctx.uow() as uow:
        query = select(Case).join(ProcessVersion).where(ProcessVersion.key == "installation").order_by(Case.id)
        return list(uow.session.scalars(query))


def test_a_delivery_schedules_its_installation_and_the_call_a_month_later(ctx, staff) -> None:
    with _at("2026-03-02"):
        products.import_units(ctx, SYSTEM, "deliveries.csv", DELIVERIES)
        assert cases.start_care_cases(ctx, WORKER) == 1  # the recent delivery only
        assert cases.start_care_cases(ctx, WORKER) == 0  # once
    (opened,) = _installations(ctx)
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
