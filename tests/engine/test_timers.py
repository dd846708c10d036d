"""Timers fire from the worker, at the working-time deadline, exactly once."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from engine.services import cases
from engine.services import tasks
from engine.services import timers
from tests import diagrams
from tests.actors import SYSTEM

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_escalation_fires_once_after_eight_working_hours(ctx, deploy, make_user) -> None:
    office, manager = make_user("qo", "quality_office"), make_user("qm", "quality_manager")
    deploy({"esc.bpmn": diagrams.timer_escalation()})
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case = cases.start_case(ctx, office, "escalating", {})
    # Monday 09:00 + 8 working hours: 3 h + 4 h on Monday, 1 h on Tuesday → Tuesday 09:30
    assert case.next_timer_at == datetime(2026, 3, 3, 9, 30, tzinfo=SHANGHAI)

    with time_machine.travel(datetime(2026, 3, 3, 9, 29, tzinfo=SHANGHAI), tick=False):
        assert timers.fire_due_timers(ctx) == 0
        assert tasks.list_tasks(ctx, manager) == []
    with time_machine.travel(datetime(2026, 3, 3, 9, 31, tzinfo=SHANGHAI), tick=False):
        assert timers.fire_due_timers(ctx) == 1
        assert timers.fire_due_timers(ctx) == 0
    assert [t.bpmn_id for t in tasks.list_tasks(ctx, manager)] == ["escalate"]
    assert [t.bpmn_id for t in tasks.list_tasks(ctx, office)] == ["answer"]  # non-interrupting
    assert cases.get_case(ctx, SYSTEM, case.id).next_timer_at is None
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI), tick=False):
        assert timers.fire_due_timers(ctx) == 0


def test_only_one_worker_can_claim_a_due_case(ctx, deploy, make_user) -> None:
    office = make_user("qo", "quality_office")
    deploy({"esc.bpmn": diagrams.timer_escalation()})
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case = cases.start_case(ctx, office, "escalating", {})
    due = datetime(2026, 3, 4, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(due, tick=False):
        assert timers.due_case_ids(ctx, timers.TIMER_ACTOR, due, 10) == [case.id]
        assert timers.claim(ctx, timers.TIMER_ACTOR, case.id, due) is True
        assert timers.claim(ctx, timers.TIMER_ACTOR, case.id, due) is False  # a second worker finds the lease taken
        assert timers.due_case_ids(ctx, timers.TIMER_ACTOR, due, 10) == []
        assert timers.fire_case(ctx, timers.TIMER_ACTOR, case.id, due) is True
        assert timers.fire_case(ctx, timers.TIMER_ACTOR, case.id, due) is False  # no longer due


def test_completing_the_task_in_time_cancels_the_timer(ctx, deploy, make_user) -> None:
    office = make_user("qo", "quality_office")
    deploy({"esc.bpmn": diagrams.timer_escalation()})
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case = cases.start_case(ctx, office, "escalating", {})
        tasks.complete_task(ctx, office, tasks.list_tasks(ctx, office)[0].id, {})
    info = cases.get_case(ctx, SYSTEM, case.id)
    assert (info.status, info.next_timer_at) == ("completed", None)


def test_a_bare_iso_duration_in_the_diagram_runs_as_a_timer(ctx, deploy, make_user) -> None:
    """Owners may write P3D where SpiffWorkflow needs the Python string "P3D" (docs/engine.md)."""
    office = make_user("qo", "quality_office")
    bare = diagrams.timer_escalation().replace(
        b"timeDate>add_working_hours(now(), 8)</bpmn:timeDate", b"timeDuration>P3D</bpmn:timeDuration"
    )
    deploy({"esc.bpmn": bare})
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case = cases.start_case(ctx, office, "escalating", {})
    assert case.next_timer_at == datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI)


def test_a_timer_written_task_due_fires_when_its_task_falls_due(ctx, deploy, make_user) -> None:
    """One declaration: the task's due date is also its escalation (docs/engine.md)."""
    office, manager = make_user("qo", "quality_office"), make_user("qm", "quality_manager")
    task = b'<bpmn:userTask id="answer" name="Answer consultation" '
    one = (
        diagrams.timer_escalation()
        .replace(task + b">", task + b'camunda:dueDate="add_working_hours(now(), 8)">')
        .replace(b"timeDate>add_working_hours(now(), 8)</bpmn:timeDate", b"timeDate>task_due</bpmn:timeDate")
    )
    assert b"task_due" in one and b'camunda:dueDate="add_working_hours(now(), 8)"' in one
    deploy({"esc.bpmn": one})
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case = cases.start_case(ctx, office, "escalating", {})
    # Monday 09:00 + 8 working hours → Tuesday 09:30, for the task and its timer alike.
    assert case.next_timer_at == datetime(2026, 3, 3, 9, 30, tzinfo=SHANGHAI)
    [answer] = tasks.list_tasks(ctx, office)
    assert answer.due_at == datetime(2026, 3, 3, 9, 30, tzinfo=SHANGHAI)
    with time_machine.travel(datetime(2026, 3, 3, 9, 31, tzinfo=SHANGHAI), tick=False):
        assert timers.fire_due_timers(ctx) == 1
    assert [t.bpmn_id for t in tasks.list_tasks(ctx, manager)] == ["escalate"]
