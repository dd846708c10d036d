"""The supervisors' case list: overdue cases and cases opened within a date range."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from engine.domain.errors import InvalidData
from engine.services import case_views
from engine.services import cases
from tests import diagrams

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_overdue_and_opened_between_local_dates(ctx, make_user, deploy) -> None:
    deploy({"linear.bpmn": diagrams.linear()})
    desk = make_user("desk", "service_desk")
    opened = []
    for day, hour in [(2, 0), (2, 23), (4, 9)]:  # Shanghai local times, around midnight on purpose
        with time_machine.travel(datetime(2026, 3, day, hour, 30, tzinfo=SHANGHAI), tick=False):
            opened.append(cases.start_case(ctx, desk, "two_steps", {}).number)
    with time_machine.travel(datetime(2026, 3, 4, 10, 0, tzinfo=SHANGHAI), tick=False):
        late, _ = case_views.list_cases(ctx, desk, overdue=True)
    on_the_2nd, total = case_views.list_cases(ctx, desk, opened_from="2026-03-02", opened_to="2026-03-02")
    from_the_3rd, _ = case_views.list_cases(ctx, desk, opened_from="2026-03-03")
    assert sorted(c.number for c in late) == sorted(opened[:2])  # registered 4 working hours after start
    assert (sorted(c.number for c in on_the_2nd), total) == (sorted(opened[:2]), 2)
    assert [c.number for c in from_the_3rd] == opened[2:]
    with pytest.raises(InvalidData) as refused:
        case_views.list_cases(ctx, desk, opened_from="March")
    assert set(refused.value.errors) == {"from"}
