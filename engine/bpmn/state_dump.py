"""Serialize a case's workflow without re-encoding the tasks that cannot have changed.

SpiffWorkflow's serializer converts and JSON-encodes every task of the tree on every save,
so saving costs more the longer a case runs, and it was the largest single cost of a step
(docs/performance.md). Most tasks of a tree do not change in a step (finished ones, and the
predicted rest of the process); this module keeps each task's JSON text per workflow object
and reuses it while everything the text was made from is provably the same: state, time of
the last state change, parent and children, ``triggered``, internal data, and the data delta
against the parent.

Reuse is limited to tasks whose data, parent data and internal data hold only immutable
scalar values, so an in-place change of a nested list or dict (which SpiffWorkflow shares
between parent and child tasks) can never leave a stale text behind; such tasks are simply
encoded afresh. The output is the same document SpiffWorkflow's converter produces (checked
against it by ``check_dump`` in the test suite, on every save when
``AFTERCARE_CHECK_STATE_DUMP`` is set).
"""

from __future__ import annotations

import json
import os
from datetime import date
from datetime import datetime
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID
from weakref import WeakKeyDictionary

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.workflow import Workflow

_IMMUTABLE = frozenset({str, int, float, bool, type(None), Decimal, datetime, date, timedelta, UUID})
_Entry = tuple[tuple[Any, ...], dict[str, Any], Any, str]
_texts: WeakKeyDictionary[Workflow, dict[UUID, _Entry]] = WeakKeyDictionary()


def _flat(mapping: dict[str, Any]) -> bool:
    """Only immutable scalars (exact types: a subclass might be mutable) — so safe to compare later."""
    return _IMMUTABLE.issuperset(map(type, mapping.values()))


class StateDumper:
    """Builds the JSON document of a workflow; bound to one serializer's registry and encoder."""

    def __init__(self, serializer: Any) -> None:
        self.serializer = serializer
        self.registry = serializer.registry
        self.encode = serializer._encoder_cls(ensure_ascii=True).encode

    def dump(self, workflow: BpmnWorkflow) -> str:
        registry = self.registry
        registry._encoder_mode = True
        try:
            top = self._fields(workflow)
            top["bpmn_events"] = registry.convert(workflow.bpmn_events)
            top[self.serializer.VERSION_KEY] = self.serializer.VERSION
            subprocesses = ", ".join(
                f'"{task_id}": {self._workflow_text(sub, parent_task_id=str(sub.parent_task_id), spec=sub.spec.name)}'
                for task_id, sub in workflow.subprocesses.items()
            )
            head = self.encode(top)
            return f'{head[:-1]}, "tasks": {self._tasks_text(workflow)}, "subprocesses": {{{subprocesses}}}}}'
        finally:
            registry._encoder_mode = False

    def _fields(self, workflow: Workflow) -> dict[str, Any]:
        return {
            "typename": self.registry.typenames[type(workflow)],
            "data": self.registry.convert(self.registry.clean(workflow.data)),
            "correlations": workflow.correlations,
            "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
            "success": workflow.success,
            "completed": workflow.completed,
            "root": str(workflow.task_tree.id),
        }

    def _workflow_text(self, workflow: Workflow, **extra: str) -> str:
        head = self.encode({**self._fields(workflow), **extra})
        return f'{head[:-1]}, "tasks": {self._tasks_text(workflow)}}}'

    def _tasks_text(self, workflow: Workflow) -> str:
        cache = _texts.get(workflow)
        if cache is None:
            cache = _texts[workflow] = {}
        fresh: dict[UUID, _Entry] = {}
        flat: dict[UUID, bool] = {}
        parts = [
            self._task_text(task_id, task, cache.get(task_id), fresh, flat) for task_id, task in workflow.tasks.items()
        ]
        cache.clear()
        cache.update(fresh)
        return "{" + ", ".join(parts) + "}"

    def _task_text(
        self, task_id: UUID, task: Task, cached: _Entry | None, fresh: dict[UUID, _Entry], flat: dict[UUID, bool]
    ) -> str:
        """``"<id>": {…}`` for one task, reused from ``cached`` when nothing it depends on changed.

        ``flat`` remembers per task whether its data is flat; parents come before their children
        in the task table, so a parent's answer is usually known when the child asks.
        """
        parent, data, internal = task.parent, task.data, task.internal_data
        flat[task_id] = data_flat = _flat(data)
        if parent is not None:
            parent_flat = flat.get(task._parent)
            if parent_flat is None:
                parent_flat = _flat(parent.data)
        if not (data_flat and _flat(internal) and (parent is None or parent_flat)):
            return f'"{task_id}": {self.encode(self.registry.convert(task))}'
        key = (task.last_state_change, task.state, task._parent, tuple(task._children), task.triggered)
        if parent is None:
            delta: Any = dict(data)
        else:
            delta = (DeepMerge.get_updated_keys(parent.data, data), DeepMerge.get_deleted_keys(parent.data, data))
        if cached is not None and cached[0] == key and cached[1] == internal and cached[2] == delta:
            fresh[task_id] = cached
            return cached[3]
        text = f'"{task_id}": {self.encode(self._task_dict(task, parent, delta))}'
        fresh[task_id] = (key, dict(internal), delta, text)
        return text

    def _task_dict(self, task: Task, parent: Task | None, delta: Any) -> dict[str, Any]:
        """SpiffWorkflow's TaskConverter output for a task whose values are all flat."""
        if parent is None:
            data, change = delta, {}
        else:
            data, change = {}, {"updates": delta[0], "deletions": delta[1]}
        return {
            "id": str(task.id),
            "parent": str(task._parent) if parent is not None else None,
            "children": [str(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": dict(task.internal_data),
            "data": data,
            "delta": change,
            "typename": self.registry.typenames[type(task)],
        }


def check_dump(dumper: StateDumper, workflow: BpmnWorkflow, text: str) -> None:
    """Raise if ``text`` differs from what SpiffWorkflow's own converter makes of ``workflow``."""
    serializer = dumper.serializer
    serializer.registry._encoder_mode = True
    try:
        expected = serializer.to_dict(workflow)
        expected[serializer.VERSION_KEY] = serializer.VERSION
        expected = json.loads(json.dumps(expected, cls=serializer._encoder_cls))
    finally:
        serializer.registry._encoder_mode = False
    if json.loads(text) != expected:
        raise AssertionError("incremental state dump differs from SpiffWorkflow's serializer")


def checking() -> bool:
    return os.environ.get("AFTERCARE_CHECK_STATE_DUMP") == "1"
