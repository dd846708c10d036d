"""Workflows kept alive between actions: never stale, and what they remember matches the database."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskState

from engine.domain.errors import StepFailed
from engine.services import case_views
from engine.services import cases
from engine.services import tasks
from engine.store.case_writer import OPEN_ITEMS
from engine.store.case_writer import load_case
from engine.store.context import EngineContext
from tests import diagrams
from tests.actors import SYSTEM

REPAIR = Path(__file__).resolve().parents[2] / "bench" / "repair_bench.bpmn"
ALL_ROLES = ("service_desk", "quality_office", "finance", "dispatcher", "warehouse", "workshop", "inspector")


def answers(bpmn_id: str, inspections: int) -> dict[str, object]:
    """A repair out of warranty that passes its second inspection."""
    return {
        "register": {"customer": "示例客户"},
        "warranty": {"under_warranty": False},
        "quote": {"amount": "800.00"},
        "inspect": {"passed": inspections >= 2, "inspections": inspections},
    }.get(bpmn_id, {})


def test_a_case_written_by_another_process_is_reloaded_not_taken_from_memory(
    ctx, engine_config, deploy, make_user
) -> None:
    deploy({"linear.bpmn": diagrams.linear()})
    desk, quality = make_user("desk", "service_desk"), make_user("qo", "quality_office")
    case = cases.start_case(ctx, desk, "two_steps", {})  # ctx now holds the case's workflow alive
    other = EngineContext(engine_config)  # another server process, with its own memory
    try:
        register = tasks.list_tasks(other, desk)[0]
        tasks.complete_task(other, desk, register.id, {"customer": "来自另一进程"})
    finally:
        other.dispose()
    decide = tasks.list_tasks(ctx, quality)[0]  # only exists in the state the other process saved
    tasks.complete_task(ctx, quality, decide.id, {"approved": True})
    assert cases.get_case(ctx, SYSTEM, case.id).data["customer"] == "来自另一进程"
    assert [t.bpmn_id for t in tasks.list_tasks(ctx, desk)] == ["close"]


def test_the_open_work_items_remembered_with_a_live_workflow_match_the_database(ctx, deploy, make_user) -> None:
    deploy({REPAIR.name: REPAIR.read_bytes()})
    actor = make_user("all", *ALL_ROLES)
    case = cases.start_case(ctx, actor, "repair_bench", {})
    pending, inspections, checked = list(case.opened), 0, 0
    while pending:
        item_id, bpmn_id = pending.pop(0)
        inspections += bpmn_id == "inspect"
        pending.extend(tasks.complete_task(ctx, actor, item_id, answers(bpmn_id, inspections)).opened)
        with ctx.db.connect() as connection:
            ref = load_case(connection, case.id)
            stored = {
                row["task_id"]: (row["id"], row["bpmn_id"], row["name"])
                for row in OPEN_ITEMS.rows(connection, {"case_id": case.id})
            }
        live = ctx.live_workflows.take(case.id, ref.lock_version)
        assert live is not None, "the workflow should still be live after a commit"
        workflow, remembered = live
        assert remembered == stored
        ready = {str(t.id) for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
        assert set(remembered) == ready
        ctx.live_workflows.put(case.id, ref.lock_version, live)
        checked += 1
    assert checked >= 10 and cases.get_case(ctx, SYSTEM, case.id).status == "completed"


def test_reading_a_case_for_its_page_leaves_its_workflow_live(ctx, deploy, make_user) -> None:
    deploy({"linear.bpmn": diagrams.linear()})
    desk = make_user("desk", "service_desk")
    case = cases.start_case(ctx, desk, "two_steps", {})
    views = case_views.case_page(ctx, desk, case.id).diagrams
    assert views[0].active == ["register"]
    with ctx.db.connect() as connection:
        version = load_case(connection, case.id).lock_version
    assert ctx.live_workflows.take(case.id, version) is not None


def test_a_step_is_remembered_only_once_its_transaction_commits(ctx, deploy, make_user) -> None:
    deploy({"linear.bpmn": diagrams.linear("failing", condition="undefined_name > 3")})
    desk, quality = make_user("desk", "service_desk"), make_user("qo", "quality_office")
    case = cases.start_case(ctx, desk, "failing", {})
    tasks.complete_task(ctx, desk, tasks.list_tasks(ctx, desk)[0].id, {"customer": "东方机械"})
    with ctx.uow() as uow:
        before = load_case(uow.connection, case.id)
    assert before is not None
    with pytest.raises(StepFailed):  # the gateway's condition fails after the workflow was taken out
        tasks.complete_task(ctx, quality, tasks.list_tasks(ctx, quality)[0].id, {"approved": True})
    with ctx.uow() as uow:
        after = load_case(uow.connection, case.id)
    assert after is not None and after.status == "error"
    # The failed step rolled back: it put nothing back, neither for the old version nor the new.
    assert ctx.live_workflows.take(case.id, before.lock_version) is None
    assert ctx.live_workflows.take(case.id, after.lock_version) is None


def test_with_the_cache_off_every_step_restores_the_case_from_the_database(engine_config, deploy, make_user) -> None:
    cold = EngineContext(replace(engine_config, keep_live_workflows=False))
    try:
        deploy({"linear.bpmn": diagrams.linear()})
        desk, quality = make_user("desk", "service_desk"), make_user("qo", "quality_office")
        case = cases.start_case(cold, desk, "two_steps", {})
        tasks.complete_task(cold, desk, tasks.list_tasks(cold, desk)[0].id, {"customer": "东方机械"})
        with cold.uow() as uow:
            ref = load_case(uow.connection, case.id)
        assert ref is not None and cold.live_workflows.take(case.id, ref.lock_version) is None
        tasks.complete_task(cold, quality, tasks.list_tasks(cold, quality)[0].id, {"approved": True})
        assert cases.get_case(cold, SYSTEM, case.id).status == "running"  # now at "close"
    finally:
        cold.dispose()


def test_after_commit_hooks_run_on_commit_and_never_on_rollback(ctx) -> None:
    ran: list[str] = []
    with ctx.uow(write=True) as uow:
        uow.after_commit(lambda: ran.append("committed"))
        uow.commit()
    with ctx.uow(write=True) as uow:
        uow.after_commit(lambda: ran.append("rolled back"))
    assert ran == ["committed"]
