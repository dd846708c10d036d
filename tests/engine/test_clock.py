"""The engine's clock moved for the demo history: every record a step writes carries the moment,
and another thread (the web app, the worker) keeps the real time."""

from __future__ import annotations

import threading
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from engine.domain import clock
from engine.services import case_views
from engine.services import timers
from tests.processes.conftest import SHANGHAI
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import CALL

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


def test_a_case_recorded_at_a_past_moment_is_dated_then_throughout(ctx, staff, start) -> None:  # noqa: F811
    with clock.recorded_at(MONDAY):
        case = start("service_request")
        case.do("service_desk", "register", CALL)
        # The warranty check is due 4 working hours after forwarding (S2 7.1.3): 09:00 + 4 h = 14:30.
        assert case.task("quality_office", "triage").due_at == datetime(2026, 3, 2, 14, 30, tzinfo=SHANGHAI)
    page = case_views.case_page(ctx, staff["quality_office"], case.id)
    assert page.detail.case.created_at == MONDAY
    assert {event.at for event in page.detail.events} == {MONDAY}
    assert page.detail.audit_verified
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)  # back to the real time


def test_another_thread_keeps_the_real_time() -> None:
    seen: list[datetime] = []
    with clock.recorded_at(MONDAY):
        worker = threading.Thread(target=lambda: seen.append(clock.now()))
        worker.start()
        worker.join()
        assert clock.now() == MONDAY
    assert seen[0] > MONDAY + timedelta(days=200)


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError), clock.recorded_at(datetime(2026, 3, 2, 9)):
        pass


def test_timers_of_a_case_recorded_in_the_past_fire_by_the_moved_clock(ctx, staff, start) -> None:  # noqa: F811
    """SpiffWorkflow's timers read the engine's clock: a March case's deadlines are not all due
    just because March is long past by the wall clock."""
    with clock.recorded_at(MONDAY):
        case = start("service_request")  # registration due 4 working hours later: 14:30
    with clock.recorded_at(MONDAY + timedelta(hours=1)):
        assert timers.fire_due_timers(ctx) == 0
    with clock.recorded_at(MONDAY + timedelta(days=1)):
        assert timers.fire_due_timers(ctx) == 1  # the late registration is chased
    assert "record_late_forward" in case.open()
