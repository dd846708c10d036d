"""Which sequence flows of a diagram a case actually took, read from its SpiffWorkflow task tree.

SpiffWorkflow keeps no record of sequence flows, but its task tree does: a task whose parent
completed and which is not merely predicted was reached through the flow from the parent's
element to its own. SpiffWorkflow's synthetic tasks (the split and join around an activity
with boundary events, the start) are looked through. Used by the scenario tests
(``make coverage-flows``).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.diagram_files import Flow


def taken_steps(workflow: BpmnWorkflow) -> Iterator[tuple[str, str, str]]:
    """(process id, source element, target element) for every step the case made."""
    for sub in [workflow, *workflow.subprocesses.values()]:
        process = sub.spec.name
        for task in sub.tasks.values():
            target = _element(task)
            if target is None or task.state & TaskState.PREDICTED_MASK:
                continue
            source = _element_before(task)
            if source is not None and source.state == TaskState.COMPLETED:
                yield process, str(_element(source)), target


def taken_flows(flows: dict[str, list[Flow]], steps: Iterable[tuple[str, str, str]]) -> set[str]:
    """Ids of the flows behind ``steps`` (every flow between the two elements, should there be two)."""
    by_ends: dict[tuple[str, str, str], list[str]] = {}
    for process, process_flows in flows.items():
        for flow_id, source, target in process_flows:
            by_ends.setdefault((process, source, target), []).append(flow_id)
    return {flow_id for step in steps for flow_id in by_ends.get(step, [])}


def _element(task: Any) -> str | None:
    return getattr(task.task_spec, "bpmn_id", None)


def _element_before(task: Any) -> Any:
    """The nearest ancestor that is a diagram element (SpiffWorkflow inserts synthetic tasks
    around activities with boundary events, and before start events)."""
    parent = task.parent
    while parent is not None and _element(parent) is None:
        parent = parent.parent
    return parent
