"""Storage: the migration matches the models, specs are stored once, reloads stay sandboxed."""

from __future__ import annotations

import json

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from engine.bpmn.script_engine import SandboxScriptEngine
from engine.bpmn.serializer import unpack_state
from engine.domain.errors import StepFailed
from engine.services import cases
from engine.services import tasks
from engine.store.case_progress import load_runtime
from engine.store.case_writer import load_case
from engine.store.context import EngineContext
from engine.store.db import WAL_CHECKPOINT_PAGES
from engine.store.db import Base
from engine.store.models import Case
from engine.store.models import ProcessVersion
from engine.store.schema import alembic_config
from tests import diagrams
from tests.actors import SYSTEM


def test_the_migration_creates_exactly_the_models_schema(ctx) -> None:
    with ctx.db.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_sqlite_runs_with_wal_and_foreign_keys(ctx) -> None:
    if ctx.db.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with ctx.db.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA wal_autocheckpoint")).scalar() == WAL_CHECKPOINT_PAGES


def test_a_version_is_stored_once_and_cases_only_reference_it(ctx, deploy, make_user) -> None:
    desk = make_user("desk", "service_desk")
    deploy({"linear.bpmn": diagrams.linear()})
    for _ in range(3):
        cases.start_case(ctx, desk, "two_steps", {})
    with ctx.uow() as uow:
        assert uow.session.scalar(select(func.count(ProcessVersion.id))) == 1
        version = uow.session.scalars(select(ProcessVersion)).one()
        spec_size = len(version.spec_json)
        for case in uow.session.scalars(select(Case)):
            assert case.process_version_id == version.id
            assert len(unpack_state(case.state)) < spec_size
            assert "two_steps" not in json.loads(unpack_state(case.state)).get("spec", {})


def test_a_changed_diagram_becomes_a_new_version_and_running_cases_stay(ctx, deploy, make_user) -> None:
    desk = make_user("desk", "service_desk")
    first = deploy({"linear.bpmn": diagrams.linear()})[0]
    old_case = cases.start_case(ctx, desk, "two_steps", {})
    second = deploy({"linear.bpmn": diagrams.linear(condition="approved")})[0]
    assert (first.version, second.version, second.created) == (1, 2, True)
    assert first.sha256 != second.sha256
    assert cases.get_case(ctx, SYSTEM, old_case.id).process_version == 1
    assert cases.start_case(ctx, desk, "two_steps", {}).process_version == 2


def test_a_reloaded_case_gets_the_sandbox_back(ctx, engine_config, deploy, make_user) -> None:
    """SpiffWorkflow gives a deserialized workflow its default (unsandboxed) engine."""
    desk = make_user("desk", "service_desk")
    deploy({"linear.bpmn": diagrams.linear()})
    case = cases.start_case(ctx, desk, "two_steps", {})
    fresh = EngineContext(engine_config)  # another process: nothing of this case in memory
    try:
        with fresh.uow() as uow:
            ref = load_case(uow.connection, case.id)
            assert ref is not None and fresh.live_workflows.take(case.id, ref.lock_version) is None
            runtime = load_runtime(fresh, uow.connection, ref)
            assert isinstance(runtime.workflow.script_engine, SandboxScriptEngine)
            task = runtime.workflow.get_tasks(state=16, manual=True)[0]
            with pytest.raises(Exception, match="open"):
                runtime.workflow.script_engine.evaluate(task, "open('/etc/hostname').read()")
    finally:
        fresh.dispose()


def test_a_condition_failing_at_run_time_names_its_gateway(ctx, deploy, make_user) -> None:
    desk, office = make_user("desk", "service_desk"), make_user("qo", "quality_office")
    deploy({"linear.bpmn": diagrams.linear("missing", condition="undefined_name > 3")})
    cases.start_case(ctx, desk, "missing", {})
    tasks.complete_task(ctx, desk, tasks.list_tasks(ctx, desk)[0].id, {"customer": "A"})
    with pytest.raises(StepFailed, match="undefined_name") as caught:
        tasks.complete_task(ctx, office, tasks.list_tasks(ctx, office)[0].id, {"approved": "yes"})
    assert caught.value.element == "gw"


def test_a_live_workflow_is_not_reused_after_another_process_wrote_the_case(
    ctx, engine_config, deploy, make_user
) -> None:
    """Process A keeps the workflow after starting the case; process B then advances it."""

    desk, office = make_user("desk", "service_desk"), make_user("qo", "quality_office")
    deploy({"linear.bpmn": diagrams.linear()})
    case = cases.start_case(ctx, desk, "two_steps", {})
    other = EngineContext(engine_config)
    tasks.complete_task(other, desk, tasks.list_tasks(other, desk)[0].id, {"customer": "from B"})
    other.dispose()
    tasks.complete_task(ctx, office, tasks.list_tasks(ctx, office)[0].id, {"approved": "yes"})
    info = cases.get_case(ctx, SYSTEM, case.id)
    assert info.data["customer"] == "from B" and info.data["approved"] is True
    assert [t.bpmn_id for t in tasks.list_tasks(ctx, desk)] == ["close"]


def test_running_cases_survive_the_state_compression_migration_both_ways(ctx, engine_config, deploy, make_user) -> None:
    deploy({"linear.bpmn": diagrams.linear()})
    desk = make_user("desk", "service_desk")
    case = cases.start_case(ctx, desk, "two_steps", {})
    ctx.dispose()  # drop live workflows: the next action must read what the migrations left
    config = alembic_config(engine_config.database_url)
    command.downgrade(config, "0004")
    with ctx.db.connect() as connection:
        stored = connection.execute(text("SELECT state_json FROM cases WHERE id = :id"), {"id": case.id}).scalar()
    assert json.loads(stored)["serializer_version"] == "1.5"
    command.upgrade(config, "head")
    register = tasks.list_tasks(ctx, desk)[0]
    tasks.complete_task(ctx, desk, register.id, {"customer": "迁移后"})
    assert cases.get_case(ctx, SYSTEM, case.id).data["customer"] == "迁移后"
