"""Business rules in DMN tables, evaluated in the sandbox (S2 5.1.1.3 arrival deadlines)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from engine.bpmn.building import check_files
from engine.domain.roles import role_aliases
from engine.services import cases
from engine.services import tasks
from tests import diagrams
from tests.actors import SYSTEM

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "distance, due",
    [
        (120, datetime(2026, 3, 5, 10, 30, tzinfo=SHANGHAI)),  # 24 working hours = 3 days of 7.5 h, +1.5 h
        (800, datetime(2026, 3, 10, 12, 0, tzinfo=SHANGHAI)),  # 48 working hours, ending at lunch
        (1500, datetime(2026, 3, 13, 15, 0, tzinfo=SHANGHAI)),  # 72 working hours
    ],
)
def test_arrival_deadline_follows_distance(ctx, deploy, make_user, distance, due) -> None:
    engineer = make_user("eng", "engineer")
    deploy({"dispatch.bpmn": diagrams.dispatch_with_rule(), "arrival.dmn": diagrams.arrival_deadline_dmn()})
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case = cases.start_case(ctx, engineer, "dispatching", {"distance_km": distance})
    task = tasks.list_tasks(ctx, engineer)[0]
    assert task.due_at == due
    assert cases.get_case(ctx, SYSTEM, case.id).data["arrival_hours"] in (24, 48, 72)


def test_dmn_cells_are_checked_at_upload() -> None:
    bad = diagrams.arrival_deadline_dmn().replace(b"&lt;= 1000", b"&lt;= ().__class__")
    problems, _ = check_files({"d.bpmn": diagrams.dispatch_with_rule(), "a.dmn": bad}, role_aliases())
    assert [(p.file, p.element) for p in problems] == [("a.dmn", "in_1")]


def test_a_missing_decision_table_is_reported_on_its_task() -> None:
    problems, _ = check_files({"d.bpmn": diagrams.dispatch_with_rule()}, role_aliases())
    assert [p.element for p in problems] == ["deadline"]
