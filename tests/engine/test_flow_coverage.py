"""Reading the sequence flows a case took from its task tree (the basis of make coverage-flows)."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

import time_machine

from engine.bpmn.diagram_files import diagram_flows
from engine.bpmn.flow_coverage import taken_flows
from engine.bpmn.flow_coverage import taken_steps
from engine.services import cases
from engine.services import tasks
from engine.services import timers
from engine.store.case_progress import load_runtime
from engine.store.case_writer import load_case
from tests import diagrams


def flows_taken(ctx, case_id: int, bpmn: bytes) -> set[str]:
    with ctx.uow() as uow:
        workflow = load_runtime(ctx, uow.connection, load_case(uow.connection, case_id)).workflow
    return taken_flows(diagram_flows(bpmn), taken_steps(workflow))


def test_only_the_branch_a_gateway_chose_counts_as_taken(ctx, deploy, make_user) -> None:
    bpmn = diagrams.linear()
    deploy({"linear.bpmn": bpmn})
    desk, quality = make_user("desk", "service_desk"), make_user("qo", "quality_office")
    case = cases.start_case(ctx, desk, "two_steps", {})
    assert flows_taken(ctx, case.id, bpmn) == {"f1"}
    tasks.complete_task(ctx, desk, tasks.list_tasks(ctx, desk)[0].id, {"customer": "A"})
    tasks.complete_task(ctx, quality, tasks.list_tasks(ctx, quality)[0].id, {"approved": True})
    assert flows_taken(ctx, case.id, bpmn) == {"f1", "f2", "f3", "f_yes"}  # not f_no, nor f4 yet
    tasks.complete_task(ctx, desk, tasks.list_tasks(ctx, desk)[0].id, {})
    assert flows_taken(ctx, case.id, bpmn) == {"f1", "f2", "f3", "f_yes", "f4"}


def test_flows_out_of_a_boundary_event_count_only_once_it_fired(ctx, deploy, make_user) -> None:
    bpmn = diagrams.timer_escalation()
    deploy({"escalation.bpmn": bpmn})
    quality = make_user("qo", "quality_office")
    case = cases.start_case(ctx, quality, "escalating", {})
    assert flows_taken(ctx, case.id, bpmn) == {"f1"}
    with time_machine.travel(datetime.now().astimezone() + timedelta(days=5), tick=False):
        assert timers.fire_due_timers(ctx) == 1
    assert flows_taken(ctx, case.id, bpmn) == {"f1", "f3"}
    answer = next(t for t in tasks.list_tasks(ctx, quality) if t.bpmn_id == "answer")
    tasks.complete_task(ctx, quality, answer.id, {})
    assert flows_taken(ctx, case.id, bpmn) == {"f1", "f2", "f3"}
