"""Load a case's workflow and write back everything a step changed, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.bpmn.runtime import CaseRuntime
from engine.bpmn.script_engine import SandboxScriptEngine
from engine.bpmn.script_engine import make_script_engine
from engine.context import Actor
from engine.context import EngineContext
from engine.db import utcnow
from engine.jsonsafe import json_safe
from engine.models import Case
from engine.models import User
from engine.models import WorkItem
from engine.models.cases import COMPLETED
from engine.models.cases import ERROR
from engine.models.cases import RUNNING
from engine.services import audit
from engine.services.processes import bundle_of
from engine.services.processes import known_role_aliases


def script_engine_for(ctx: EngineContext, session: Session) -> SandboxScriptEngine:
    return make_script_engine(ctx.calendar(session), ctx.config.script_cpu_seconds)


def load_runtime(ctx: EngineContext, session: Session, case: Case) -> CaseRuntime:
    """Restore the workflow with the sandboxed engine re-attached (SpiffWorkflow drops it)."""
    engine, limit = script_engine_for(ctx, session), ctx.config.max_tasks_per_case
    live = ctx.live_workflows.take(case.id, case.lock_version)
    if live is not None:
        return CaseRuntime.resume(live, engine, limit)
    return CaseRuntime.load(case.state_json, bundle_of(case.process_version), engine, limit)


def keep_alive(ctx: EngineContext, case: Case, runtime: CaseRuntime) -> None:
    """After a successful commit: remember the workflow for the case's next action."""
    ctx.live_workflows.put(case.id, case.lock_version, runtime.workflow)


def save_progress(
    ctx: EngineContext, session: Session, case: Case, runtime: CaseRuntime, actor: Actor
) -> list[WorkItem]:
    """Store state, status, timer and the inbox rows; return the work items opened by this step."""
    case.state_json = runtime.dump()
    case.data = json_safe(runtime.data())
    case.next_timer_at = runtime.next_timer_at()
    case.updated_at = utcnow()
    case.error_message = case.error_element = None
    was_running = case.status != COMPLETED
    case.status = COMPLETED if runtime.completed else RUNNING
    opened = sync_work_items(session, case, runtime, known_role_aliases(ctx, session).get, actor)
    if was_running and case.status == COMPLETED:
        audit.record(session, case, actor, "case_completed", data={"data": case.data})
    return opened


def sync_work_items(
    session: Session, case: Case, runtime: CaseRuntime, role_of: Callable[[str], str | None], actor: Actor
) -> list[WorkItem]:
    """Close the rows of tasks that are no longer ready; open rows for newly ready tasks."""
    ready_ids = runtime.ready_task_ids()
    with session.no_autoflush:
        rows = session.scalars(select(WorkItem).where(WorkItem.case_id == case.id, WorkItem.closed_at.is_(None)))
        open_items = {item.task_id: item for item in rows if item.closed_at is None}
    now = utcnow()
    for task_id, item in open_items.items():
        if task_id not in ready_ids:
            item.closed_at, item.outcome = now, item.outcome or "withdrawn"
            audit.record(session, case, actor, "task_withdrawn", task=(item.task_id, item.bpmn_id, item.name))
    opened = []
    for task_id in ready_ids:
        if task_id in open_items:
            continue
        task = runtime.describe(task_id, role_of)
        item = WorkItem(
            case_id=case.id,
            task_id=task.task_id,
            bpmn_id=task.bpmn_id,
            name=task.name,
            process_key=task.process_key,
            roles=task.roles,
            assignee_id=_user_id(session, task.assignee),
            due_at=task.due_at,
            created_at=now,
            documentation=task.documentation,
            form=task.form,
        )
        session.add(item)
        opened.append(item)
        audit.record(
            session,
            case,
            actor,
            "task_opened",
            task=(task.task_id, task.bpmn_id, task.name),
            data={"roles": task.roles, "assignee": task.assignee, "due_at": task.due_at},
        )
    return opened


def _user_id(session: Session, username: str | None) -> int | None:
    if not username:
        return None
    return session.scalar(select(User.id).where(User.username == username))


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
        case = uow.session.get(Case, case_id)
        if case is None:
            return
        case.status, case.error_message, case.error_element = ERROR, message, element
        case.updated_at = utcnow()
        audit.record(
            uow.session,
            case,
            actor,
            "step_failed",
            data={"error": message, "element": element, "submitted": data or {}},
        )
        uow.commit()
