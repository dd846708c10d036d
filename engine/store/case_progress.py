"""Load a case's workflow and write back everything a step changed, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy import select

from engine.bpmn.runtime import CaseRuntime
from engine.bpmn.sandbox_process import Limits
from engine.bpmn.script_engine import SandboxScriptEngine
from engine.bpmn.script_engine import make_script_engine
from engine.bpmn.serializer import SPEC_CACHE
from engine.domain.actors import Actor
from engine.domain.errors import StepFailed
from engine.domain.jsonsafe import UnstorableData
from engine.domain.jsonsafe import storable
from engine.store import case_notices
from engine.store.case_writer import CaseRef
from engine.store.case_writer import CaseWriter
from engine.store.case_writer import OpenItems
from engine.store.case_writer import load_case
from engine.store.case_writer import load_spec_json
from engine.store.case_writer import load_state
from engine.store.context import EngineContext
from engine.store.db import utcnow
from engine.store.models import User
from engine.store.models.cases import COMPLETED
from engine.store.models.cases import ERROR
from engine.store.models.cases import RUNNING
from engine.store.process_versions import known_role_aliases
from engine.store.uow import UnitOfWork

T = TypeVar("T")


def script_engine_for(ctx: EngineContext, connection: Connection) -> SandboxScriptEngine:
    config = ctx.config
    limits = Limits(config.script_cpu_seconds, config.script_wall_seconds, config.script_memory_bytes)
    return make_script_engine(ctx.calendar(connection), limits, ctx.settings(connection))


def load_runtime(ctx: EngineContext, connection: Connection, case: CaseRef) -> CaseRuntime:
    return open_case(ctx, connection, case).runtime


class OpenCase(NamedTuple):
    runtime: CaseRuntime
    open_items: OpenItems | None  # known when the workflow was live (saves a query)


def open_case(ctx: EngineContext, connection: Connection, case: CaseRef) -> OpenCase:
    """Restore the workflow with the sandboxed engine re-attached (SpiffWorkflow drops it).

    The stored state and the version's spec are read only when no live workflow is at hand.
    """
    engine, limit = script_engine_for(ctx, connection), ctx.config.max_tasks_per_case
    live = ctx.live_workflows.take(case.id, case.lock_version)
    if live is not None:
        workflow, open_items = live
        return OpenCase(CaseRuntime.resume(workflow, engine, limit), open_items)
    bundle = SPEC_CACHE.get(case.process_sha256, lambda: load_spec_json(connection, case.process_version_id))
    return OpenCase(CaseRuntime.load(load_state(connection, case.id), bundle, engine, limit), None)


def read_runtime(ctx: EngineContext, connection: Connection, case: CaseRef, read: Callable[[CaseRuntime], T]) -> T:
    """Apply ``read`` (which must not change the workflow), then put the workflow back into the
    live cache: nobody else can touch it while it is taken out, and a writer that advanced the
    case meanwhile has a newer lock version, so this entry is merely stale."""
    opened = open_case(ctx, connection, case)
    try:
        return read(opened.runtime)
    finally:
        ctx.live_workflows.put(case.id, case.lock_version, (opened.runtime.workflow, opened.open_items))


def save_progress(ctx: EngineContext, uow: UnitOfWork, writer: CaseWriter, runtime: CaseRuntime, actor: Actor) -> None:
    """Queue state, status, timer, inbox rows and audit events of a step on ``writer``; once the
    unit of work commits, the workflow (and its open work items) is remembered for the next action."""
    uow.after_commit(
        lambda: ctx.live_workflows.put(writer.case_id, writer.lock_version, (runtime.workflow, writer.open_after))
    )
    try:
        data = storable(runtime.data(), ctx.config.max_case_data_bytes)
    except UnstorableData as err:
        raise StepFailed(f"the step left data that cannot be stored: {err}", None) from err
    completed = runtime.completed
    writer.set(
        state=runtime.dump(),
        data=data,
        next_timer_at=runtime.next_timer_at(),
        updated_at=utcnow(),
        error_message=None,
        error_element=None,
        status=COMPLETED if completed else RUNNING,
    )
    sync_work_items(writer, runtime, known_role_aliases(ctx, writer.connection).get, actor)
    writer.on_opened.append(
        lambda opened: case_notices.steps_opened(
            writer.connection, ctx.config, writer.case_id, writer.number, data, opened
        )
    )
    if completed:
        writer.event(actor, "case_completed", data={"data": data})


def sync_work_items(
    writer: CaseWriter, runtime: CaseRuntime, role_of: Callable[[str], str | None], actor: Actor
) -> None:
    """Close the rows of tasks that are no longer ready; open rows for newly ready tasks."""
    ready_ids = runtime.ready_task_ids()
    open_items = writer.open_item_ids()
    for task_id, (item_id, bpmn_id, name) in open_items.items():
        if task_id not in ready_ids:
            writer.close_item(item_id, "withdrawn")
            writer.event(actor, "task_withdrawn", task=(task_id, bpmn_id, name))
    for task_id in ready_ids:
        if task_id in open_items:
            continue
        task = runtime.describe(task_id, role_of)
        writer.open_item(
            task_id=task.task_id,
            bpmn_id=task.bpmn_id,
            name=task.name,
            process_key=task.process_key,
            roles=task.roles,
            assignee_id=_user_id(writer.connection, task.assignee),
            due_at=task.due_at,
            documentation=task.documentation,
            form=task.form,
            rules=task.rules,
        )
        writer.event(
            actor,
            "task_opened",
            task=(task.task_id, task.bpmn_id, task.name),
            data={"roles": task.roles, "assignee": task.assignee, "due_at": task.due_at},
        )


def _user_id(connection: Connection, username: str | None) -> int | None:
    if not username:
        return None
    return connection.scalar(select(User.id).where(User.username == username))


def mark_failed(
    ctx: EngineContext,
    case_id: int,
    actor: Actor,
    message: str,
    element: str | None,
    data: dict[str, object] | None,
) -> None:
    """In a transaction of its own: put the case in ``error``; its workflow state stays as stored."""
    with ctx.uow(write=True) as uow:
        case = load_case(uow.connection, case_id)
        if case is None:
            return
        writer = CaseWriter(uow.connection, case, keys=ctx.audit_keys)
        writer.set(status=ERROR, error_message=message, error_element=element, updated_at=utcnow())
        writer.event(actor, "step_failed", data={"error": message, "element": element, "submitted": data or {}})
        writer.write()
        uow.commit()
