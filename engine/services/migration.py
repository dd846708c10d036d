"""Move running cases to a newer version of their process: preview, then apply per case.

The preview runs the whole move on a copy of each case (plan, migrate, advance, save and load
again with the new version) without writing anything, so what it promises is what applying
does. Applying moves each chosen case in a transaction of its own: a case that cannot move,
or fails while moving, is left exactly as it was and the others still move.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import select
from sqlalchemy import update

from engine.bpmn.case_migration import MigrationPlan
from engine.bpmn.case_migration import migrate
from engine.bpmn.case_migration import plan_migration
from engine.bpmn.runtime import CaseRuntime
from engine.bpmn.serializer import SPEC_CACHE
from engine.bpmn.serializer import SpecBundle
from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import NotFound
from engine.domain.messages import Message
from engine.store.case_progress import save_progress
from engine.store.case_progress import script_engine_for
from engine.store.case_writer import ITEMS
from engine.store.case_writer import CaseRef
from engine.store.case_writer import CaseWriter
from engine.store.case_writer import load_case
from engine.store.case_writer import load_spec_json
from engine.store.case_writer import load_state
from engine.store.context import EngineContext
from engine.store.models import Case
from engine.store.models import ProcessVersion
from engine.store.models import WorkItem
from engine.store.models.cases import RUNNING
from engine.store.process_versions import known_role_aliases

MAX_PREVIEW = 500


@dataclass(frozen=True)
class Target:
    id: int
    key: str
    version: int
    sha256: str


@dataclass(frozen=True)
class CaseMove:
    """One running case and whether it can move to the target version."""

    case_id: int
    number: str
    from_version: int
    blockers: list[Message]
    reset: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)  # the names of its open steps now

    @property
    def possible(self) -> bool:
        return not self.blockers


@dataclass(frozen=True)
class MigrationPreview:
    target: Target
    cases: list[CaseMove]
    more: int  # running cases beyond MAX_PREVIEW, not shown


@dataclass(frozen=True)
class MoveResult:
    case_id: int
    number: str
    moved: bool
    reason: Message | None = None


def _target(connection: Connection, key: str, version: int) -> Target:
    row = connection.execute(
        select(ProcessVersion.id, ProcessVersion.key, ProcessVersion.version, ProcessVersion.sha256).where(
            ProcessVersion.key == key, ProcessVersion.version == version
        )
    ).first()
    if row is None:
        raise NotFound(Message("%(process)s has no version %(version)s", process=key, version=version))
    return Target(*row)


def _bundle(connection: Connection, version_id: int, sha256: str) -> SpecBundle:
    return SPEC_CACHE.get(sha256, lambda: load_spec_json(connection, version_id))


def _trial(
    ctx: EngineContext, connection: Connection, case: CaseRef, target: Target
) -> tuple[MigrationPlan, CaseRuntime | None]:
    """Move a freshly loaded copy of the case; the runtime is returned only if all went well.

    The copy is never one of the live workflows: a refused or failed move must leave nothing
    behind in memory either.
    """
    engine, limit = script_engine_for(ctx, connection), ctx.config.max_tasks_per_case
    old = _bundle(connection, case.process_version_id, case.process_sha256)
    new = _bundle(connection, target.id, target.sha256)
    runtime = CaseRuntime.load(load_state(connection, case.id), old, engine, limit)
    plan = plan_migration(runtime.workflow, new)
    if not plan.possible:
        return plan, None
    try:
        migrate(runtime.workflow, new, plan)
        runtime.advance()
        moved = CaseRuntime.load(runtime.dump(), new, engine, limit)  # the stored form must load
        role_of = known_role_aliases(ctx, connection).get
        for task_id in moved.ready_task_ids():  # roles, assignee and due date must evaluate
            moved.describe(task_id, role_of)
    except Exception as err:  # noqa: BLE001 - any failure refuses the move
        failure = Message("moving the case failed in a trial run: %(error)s", error=f"{type(err).__name__}: {err}")
        return MigrationPlan([failure], plan.reset), None
    return plan, runtime


def _running_cases(connection: Connection, target: Target, limit: int | None) -> list[tuple[int, str, int]]:
    query = (
        select(Case.id, Case.number, ProcessVersion.version)
        .join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
        .where(ProcessVersion.key == target.key, ProcessVersion.id != target.id, Case.status == RUNNING)
        .order_by(Case.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [tuple(row) for row in connection.execute(query)]


def preview_migration(ctx: EngineContext, actor: Actor, key: str, version: int) -> MigrationPreview:
    """Every running case of ``key`` on another version, and whether it can move to ``version``."""
    require(actor, Permission.MANAGE_PROCESSES)
    with ctx.uow() as uow:
        connection = uow.connection
        target = _target(connection, key, version)
        rows = _running_cases(connection, target, MAX_PREVIEW + 1)
        shown = rows[:MAX_PREVIEW]
        steps: dict[int, list[str]] = {}
        open_items = select(WorkItem.case_id, WorkItem.name).where(
            WorkItem.case_id.in_([row[0] for row in shown]), WorkItem.closed_at.is_(None)
        )
        for item_case, name in connection.execute(open_items.order_by(WorkItem.id)):
            steps.setdefault(item_case, []).append(name)
        moves = []
        for case_id, number, from_version in shown:
            case = load_case(connection, case_id)
            assert case is not None
            plan, _runtime = _trial(ctx, connection, case, target)
            moves.append(CaseMove(case_id, number, from_version, plan.blockers, plan.reset, steps.get(case_id, [])))
        return MigrationPreview(target, moves, max(0, len(rows) - MAX_PREVIEW))


def migrate_cases(ctx: EngineContext, actor: Actor, key: str, version: int, case_ids: list[int]) -> list[MoveResult]:
    """Move each chosen case in its own transaction; report per case."""
    require(actor, Permission.MANAGE_PROCESSES)
    with ctx.uow() as uow:
        target = _target(uow.connection, key, version)
    return [_move_one(ctx, actor, target, case_id) for case_id in dict.fromkeys(case_ids)]


def _move_one(ctx: EngineContext, actor: Actor, target: Target, case_id: int) -> MoveResult:
    with ctx.uow(write=True) as uow:
        connection = uow.connection
        case = load_case(connection, case_id)
        if case is None:
            return MoveResult(case_id, "?", False, Message("the case does not exist"))
        refusal = _refusal(connection, case, target)
        if refusal is not None:
            return MoveResult(case_id, case.number, False, refusal)
        plan, runtime = _trial(ctx, connection, case, target)
        if runtime is None:
            return MoveResult(case_id, case.number, False, plan.blockers[0])
        from_version = connection.scalar(
            select(ProcessVersion.version).where(ProcessVersion.id == case.process_version_id)
        )
        writer = CaseWriter(connection, case, keys=ctx.audit_keys)
        writer.version_id, writer.sha256 = target.id, target.sha256
        writer.set(process_version_id=target.id)
        writer.event(
            actor,
            "case_migrated",
            data={
                "process": target.key,
                "from_version": from_version,
                "to_version": target.version,
                "from_sha256": case.process_sha256,
                "to_sha256": target.sha256,
                "reset": plan.reset,
            },
        )
        _refresh_open_items(connection, writer, runtime, known_role_aliases(ctx, connection).get)
        save_progress(ctx, uow, writer, runtime, actor)
        writer.write()
        uow.commit()
    return MoveResult(case_id, case.number, True)


def _refusal(connection: Connection, case: CaseRef, target: Target) -> Message | None:
    if case.status != RUNNING:
        return Message("case %(case)s is %(status)s", case=case.number, status=case.status)
    key = connection.scalar(select(ProcessVersion.key).where(ProcessVersion.id == case.process_version_id))
    if key != target.key:
        return Message("case %(case)s runs %(process)s", case=case.number, process=key)
    if case.process_version_id == target.id:
        return Message("case %(case)s already runs this version", case=case.number)
    return None


def _refresh_open_items(connection: Connection, writer: CaseWriter, runtime: CaseRuntime, role_of: Any) -> None:
    """Rewrite the open work items of steps that are still open: the new version may give them
    another name, form, role or due date. Holder and draft stay; the rest is left to
    ``sync_work_items`` (steps no longer open are withdrawn, new ones opened)."""
    ready = set(runtime.ready_task_ids())
    for task_id, (item_id, _bpmn_id, _name) in writer.open_item_ids().items():
        if task_id not in ready:
            continue
        task = runtime.describe(task_id, role_of)
        connection.execute(
            update(ITEMS)
            .where(ITEMS.c.id == item_id)
            .values(
                name=task.name,
                roles=task.roles,
                due_at=task.due_at,
                documentation=task.documentation,
                form=task.form,
                rules=task.rules,
            )
        )
