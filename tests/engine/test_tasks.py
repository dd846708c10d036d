"""Completing tasks: only READY human tasks, only by the right people, only with valid data."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import select

from engine.bpmn.serializer import unpack_state
from engine.domain.errors import InvalidData
from engine.domain.errors import NotAllowed
from engine.domain.errors import NotFound
from engine.domain.errors import StepFailed
from engine.domain.errors import TaskNotReady
from engine.services import cases
from engine.services import tasks
from engine.store.case_progress import load_runtime
from engine.store.models import AuditEvent
from engine.store.models import Case
from engine.store.models import WorkItem
from tests import diagrams
from tests.actors import SYSTEM


@pytest.fixture
def people(make_user):
    return {
        "desk": make_user("desk1", "service_desk"),
        "desk2": make_user("desk2", "service_desk"),
        "quality": make_user("qo1", "quality_office"),
        "engineer": make_user("eng1", "engineer"),
    }


@pytest.fixture
def case(ctx, deploy, people):
    deploy({"linear.bpmn": diagrams.linear()})
    return cases.start_case(ctx, people["desk"], "two_steps", {"channel": "phone"})


def only_task(ctx, actor):
    found = tasks.list_tasks(ctx, actor)
    assert len(found) == 1, found
    return found[0]


def test_start_gives_a_readable_number_and_a_task_for_the_lane_role(ctx, case, people) -> None:
    assert case.number.startswith("TS-") and case.number.endswith("-000001")
    task = only_task(ctx, people["desk"])
    assert (task.bpmn_id, task.roles, task.case_number) == ("register", ["service_desk"], case.number)
    assert task.due_at is not None
    assert tasks.list_tasks(ctx, people["quality"]) == []


def test_completion_moves_the_case_along_and_closes_the_work_item(ctx, case, people) -> None:
    task = only_task(ctx, people["desk"])
    tasks.complete_task(ctx, people["desk"], task.id, {"customer": "东方机械"})
    decide = only_task(ctx, people["quality"])
    assert decide.bpmn_id == "decide"
    with ctx.uow() as uow:
        item = uow.session.get(WorkItem, task.id)
        assert (item.outcome, item.completed_by_id) == ("completed", people["desk"].user_id)
    assert cases.get_case(ctx, SYSTEM, case.id).data["customer"] == "东方机械"


def test_the_gateway_routes_on_the_submitted_decision(ctx, case, people) -> None:
    tasks.complete_task(ctx, people["desk"], only_task(ctx, people["desk"]).id, {"customer": "A"})
    tasks.complete_task(ctx, people["quality"], only_task(ctx, people["quality"]).id, {"approved": "false"})
    assert only_task(ctx, people["desk"]).bpmn_id == "rework"


def test_a_whole_case_completes(ctx, case, people) -> None:
    tasks.complete_task(ctx, people["desk"], only_task(ctx, people["desk"]).id, {"customer": "A"})
    tasks.complete_task(
        ctx, people["quality"], only_task(ctx, people["quality"]).id, {"approved": "yes", "amount": "12.50"}
    )
    tasks.complete_task(ctx, people["desk"], only_task(ctx, people["desk"]).id, {})
    info = cases.get_case(ctx, SYSTEM, case.id)
    assert info.status == "completed"
    assert info.data["amount"] == "12.50"


def test_a_user_without_the_role_is_refused(ctx, case, people) -> None:
    task = only_task(ctx, people["desk"])
    with pytest.raises(NotAllowed, match="service_desk"):
        tasks.complete_task(ctx, people["engineer"], task.id, {"customer": "A"})


def test_a_claimed_task_belongs_to_its_holder(ctx, case, people) -> None:
    task = only_task(ctx, people["desk"])
    tasks.claim_task(ctx, people["desk"], task.id)
    assert tasks.list_tasks(ctx, people["desk2"]) == []
    assert [t.id for t in tasks.list_tasks(ctx, people["desk"], "mine")] == [task.id]
    with pytest.raises(NotAllowed, match="claimed by desk1"):
        tasks.complete_task(ctx, people["desk2"], task.id, {"customer": "A"})
    with pytest.raises(NotAllowed):
        tasks.unclaim_task(ctx, people["desk2"], task.id)
    tasks.unclaim_task(ctx, people["desk"], task.id)
    tasks.complete_task(ctx, people["desk2"], task.id, {"customer": "A"})


def test_invalid_form_data_is_refused_per_field_and_changes_nothing(ctx, case, people) -> None:
    task = only_task(ctx, people["desk"])
    with pytest.raises(InvalidData) as caught:
        tasks.complete_task(ctx, people["desk"], task.id, {"customer": "  ", "smuggled": "x"})
    assert caught.value.errors == {"customer": "this field is required", "smuggled": "not a field of this form"}
    assert only_task(ctx, people["desk"]).id == task.id
    tasks.complete_task(ctx, people["desk"], task.id, {"customer": "A"})
    decide = only_task(ctx, people["quality"])
    with pytest.raises(InvalidData) as caught:
        tasks.complete_task(ctx, people["quality"], decide.id, {"approved": "maybe", "amount": "-3"})
    assert set(caught.value.errors) == {"approved", "amount"}


def test_a_finished_task_cannot_be_completed_again(ctx, case, people) -> None:
    task = only_task(ctx, people["desk"])
    tasks.complete_task(ctx, people["desk"], task.id, {"customer": "A"})
    with pytest.raises(TaskNotReady, match="already completed by desk1"):
        tasks.complete_task(ctx, people["desk"], task.id, {"customer": "B"})
    with pytest.raises(NotFound):
        tasks.complete_task(ctx, people["desk"], 9999, {})


def test_a_future_task_is_never_run_out_of_order(ctx, case, people) -> None:
    """SpiffWorkflow's Task.run() would complete a FUTURE task; the runtime refuses."""
    with ctx.uow() as uow:
        runtime = load_runtime(ctx, uow.session, uow.session.get(Case, case.id))
        future = next(t for t in runtime.workflow.get_tasks() if getattr(t.task_spec, "bpmn_id", None) == "close")
        with pytest.raises(TaskNotReady, match="not ready"):
            runtime.complete(str(future.id), {})


def test_the_stored_state_does_not_embed_the_spec(ctx, case) -> None:
    with ctx.uow() as uow:
        stored = json.loads(unpack_state(uow.session.get(Case, case.id).state))
    assert "spec" not in stored and "subprocess_specs" not in stored
    assert stored["serializer_version"] == "1.5"


def test_an_error_in_a_step_puts_the_case_in_error_and_keeps_the_state(ctx, deploy, people) -> None:
    deploy({"div.bpmn": diagrams.linear("divides", condition="100 / amount > 1")})
    started = cases.start_case(ctx, people["desk"], "divides", {})
    tasks.complete_task(ctx, people["desk"], only_task(ctx, people["desk"]).id, {"customer": "A"})
    decide = only_task(ctx, people["quality"])
    with ctx.uow() as uow:
        before = uow.session.get(Case, started.id).state
    with pytest.raises(StepFailed) as caught:
        tasks.complete_task(ctx, people["quality"], decide.id, {"approved": "yes", "amount": "0"})
    assert caught.value.element == "gw"
    assert "DivisionByZero" in caught.value.reason
    with ctx.uow() as uow:
        stored = uow.session.get(Case, started.id)
        assert (stored.status, stored.error_element) == ("error", "gw")
        assert stored.state == before
        last = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == started.id).order_by(AuditEvent.seq.desc())
        ).first()
        assert last.action == "step_failed" and last.data["submitted"]["amount"] == "0"
    tasks.complete_task(ctx, people["quality"], decide.id, {"approved": "yes", "amount": "4"})
    assert cases.get_case(ctx, SYSTEM, started.id).status == "running"


def test_a_runaway_loop_is_stopped_at_the_tree_bound(ctx, deploy, people, engine_config) -> None:
    deploy({"loop.bpmn": diagrams.endless_loop()})
    with pytest.raises(StepFailed, match="more than the limit"):
        cases.start_case(ctx, people["quality"], "endless", {})
    with ctx.uow() as uow:
        stored = uow.session.scalars(select(Case)).one()
        assert stored.status == "error"
        assert "loop in the diagram" in stored.error_message


def test_a_wide_tree_is_stopped_at_the_task_count_bound(ctx, deploy, people, engine_config) -> None:
    from engine.store.context import EngineContext

    small = EngineContext(type(engine_config)(database_url=engine_config.database_url, max_tasks_per_case=60))
    deploy({"loop.bpmn": diagrams.endless_loop()})
    with pytest.raises(StepFailed, match="more than the limit of 60"):
        cases.start_case(small, people["quality"], "endless", {})
    small.dispose()


def test_a_script_that_spins_hits_the_cpu_limit(engine_config, deploy, people) -> None:
    from engine.store.context import EngineContext

    # A generous wall-clock limit, so that the CPU limit trips first even on a busy machine
    # (the wall limit has its own tests in test_sandbox_process.py).
    patient = EngineContext(dataclasses.replace(engine_config, script_wall_seconds=30.0))
    deploy({"spin.bpmn": diagrams.script_process("spins", "while True:\n    pass")}, allow_scripts=True)
    with pytest.raises(StepFailed, match="CPU time limit") as caught:
        cases.start_case(patient, people["quality"], "spins", {})
    assert caught.value.element == "calc"
    patient.dispose()


def test_scripts_run_sandboxed_inside_the_process(ctx, deploy, people) -> None:
    deploy({"calc.bpmn": diagrams.script_process("calculates", "total = qty * 3")}, allow_scripts=True)
    started = cases.start_case(ctx, people["quality"], "calculates", {"qty": 4})
    assert started.data["total"] == 12
    assert only_task(ctx, people["quality"]).bpmn_id == "review"


def test_cancelling_removes_open_tasks_from_the_inbox(ctx, case, people) -> None:
    cases.cancel_case(ctx, people["quality"], case.id, "customer withdrew")
    assert tasks.list_tasks(ctx, people["desk"]) == []
    with pytest.raises(NotAllowed):
        cases.cancel_case(ctx, people["quality"], case.id, "again")


def test_only_the_starter_roles_may_open_a_case(ctx, deploy, people) -> None:
    deploy({"linear.bpmn": diagrams.linear()})
    with pytest.raises(NotAllowed, match="service_desk"):
        cases.start_case(ctx, people["engineer"], "two_steps", {})


def test_start_data_must_fit_the_start_form(ctx, deploy, people) -> None:
    deploy({"linear.bpmn": diagrams.linear()})
    with pytest.raises(InvalidData) as caught:
        cases.start_case(ctx, people["desk"], "two_steps", {"channel": "phone", "__class__": "x"})
    assert caught.value.errors == {"__class__": "not a field of this form"}


def test_camunda_assignee_gives_the_task_to_one_person(ctx, deploy, people) -> None:
    """camunda:assignee is a Python expression giving a user name (docs/engine.md)."""
    assigned = diagrams.linear("assigned").replace(
        b'<bpmn:userTask id="decide"', b'<bpmn:userTask id="decide" camunda:assignee="reviewer"'
    )
    assigned = assigned.replace(
        b'<camunda:formField id="customer"',
        b'<camunda:formField id="reviewer" type="string"/><camunda:formField id="customer"',
    )
    deploy({"assigned.bpmn": assigned})
    started = cases.start_case(ctx, people["desk"], "assigned", {})
    tasks.complete_task(ctx, people["desk"], only_task(ctx, people["desk"]).id, {"customer": "A", "reviewer": "qo1"})
    decide = tasks.list_tasks(ctx, people["quality"], "mine")
    assert [(t.bpmn_id, t.assignee, t.case_id) for t in decide] == [("decide", "qo1", started.id)]
