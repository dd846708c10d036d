"""Move a running case's workflow onto a newer version of its process.

SpiffWorkflow aligns the old and new task specs by BPMN id (and, failing that, by position)
and re-points every task of the tree at its new spec (``SpiffWorkflow.bpmn.util.diff``). It
does not say whether the result is sound. This module decides that first: a case may move
only if every step it has reached or is working on still exists in the new version, and every
called process it runs is still called. Ready and waiting steps whose definition changed are
reset, so they pick up the new form, role or due date.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.util.diff import diff_workflow
from SpiffWorkflow.bpmn.util.diff import migrate_workflow
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.serializer import SERIALIZER
from engine.bpmn.serializer import SpecBundle
from engine.domain.messages import Message

# Tasks the case has reached: their element must exist in the new version.
REACHED = TaskState.COMPLETED | TaskState.READY | TaskState.STARTED | TaskState.WAITING | TaskState.ERROR


@dataclass(frozen=True)
class MigrationPlan:
    """Why a case cannot move (empty: it can), and the open steps the move resets.

    ``diffs`` are SpiffWorkflow's diffs the plan was made from, kept so that ``migrate`` does
    not compute them again (each converts every task spec of both versions).
    """

    blockers: list[Message]
    reset: list[str]
    diffs: tuple[Any, dict[Any, Any]] | None = field(default=None, compare=False, repr=False)

    @property
    def possible(self) -> bool:
        return not self.blockers


def _name(task: Any) -> str:
    spec = task.task_spec
    return str(getattr(spec, "bpmn_name", None) or getattr(spec, "bpmn_id", None) or spec.name)


def _is_element(task: Any) -> bool:
    """A task of a diagram element (not one of SpiffWorkflow's own start/end helpers)."""
    return getattr(task.task_spec, "bpmn_id", None) is not None


def _diffs(workflow: BpmnWorkflow, bundle: SpecBundle) -> tuple[Any, dict[Any, Any]]:
    spec, subprocess_specs = bundle
    diffs: tuple[Any, dict[Any, Any]] = diff_workflow(SERIALIZER.registry, workflow, spec, subprocess_specs)
    return diffs


def plan_migration(workflow: BpmnWorkflow, bundle: SpecBundle) -> MigrationPlan:
    """Check whether ``workflow`` can run on ``bundle`` (the new version's specs)."""
    spec, _subprocess_specs = bundle
    if workflow.spec.name != spec.name:
        return MigrationPlan(
            [Message("the new version runs process %(new)s, not %(old)s", new=spec.name, old=workflow.spec.name)], []
        )
    top, subs = diffs = _diffs(workflow, bundle)
    blockers: list[Message] = []
    reset: list[str] = []
    parts = [(workflow, top)] + [(workflow.subprocesses[sp_id], diff) for sp_id, diff in subs.items()]
    for part, diff in parts:
        if diff is None:
            if not part.completed:
                blockers.append(
                    Message(
                        "the case runs the called process %(process)s, which the new version no longer calls",
                        process=part.spec.name,
                    )
                )
            continue
        for task in diff.removed:
            if task.state & REACHED and _is_element(task):
                blockers.append(
                    Message(
                        "the case has reached '%(task)s' (%(element)s), which the new version no longer has",
                        task=_name(task),
                        element=task.task_spec.bpmn_id,
                    )
                )
        for task in diff.changed:
            if task.state & (TaskState.READY | TaskState.WAITING) and _is_element(task):
                reset.append(_name(task))
    return MigrationPlan(list(dict.fromkeys(blockers)), sorted(set(reset)), diffs)


def migrate(workflow: BpmnWorkflow, bundle: SpecBundle, plan: MigrationPlan) -> None:
    """Re-point ``workflow`` (in place) at the new specs; only with a plan that allows it."""
    if not plan.possible or plan.diffs is None:
        raise ValueError("this case cannot move to that version")
    spec, subprocess_specs = bundle
    top, subs = plan.diffs
    for sp_id, diff in subs.items():
        sub = workflow.subprocesses[sp_id]
        if diff is not None:
            migrate_workflow(diff, sub, subprocess_specs[sub.spec.name])
    migrate_workflow(top, workflow, spec)
    workflow.subprocess_specs = subprocess_specs
