"""A loaded case workflow, with the guards SpiffWorkflow leaves to its callers.

``Task.run()`` does not check state, timers never fire by themselves, a custom script engine
is dropped on load, and an endless automatic loop would grow the tree forever; this wrapper
closes each of those gaps and returns plain values to the services.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import Literal
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.bpmn import timer_clock
from engine.bpmn.script_engine import SandboxScriptEngine
from engine.bpmn.serializer import SpecBundle
from engine.bpmn.serializer import dump_workflow
from engine.bpmn.serializer import load_workflow
from engine.bpmn.serializer import pack_state
from engine.bpmn.serializer import unpack_state
from engine.domain import forms
from engine.domain import task_rules
from engine.domain.errors import EngineError
from engine.domain.errors import StepFailed
from engine.domain.errors import TaskNotReady
from engine.domain.errors import TaskTreeTooLarge
from engine.domain.messages import Message

# SpiffWorkflow's task iterator stops at depth 1000 and then reports the case completed
# while a task is still READY; refuse well before that.
MAX_DEPTH = 900
timer_clock.install()
TIMER_EVENT_TYPES = {"TimeDateEventDefinition", "DurationTimerEventDefinition", "CycleTimerEventDefinition"}


@dataclass(frozen=True)
class ReadyTask:
    """A human task that can be worked on now, as the inbox stores it."""

    task_id: str
    bpmn_id: str
    name: str
    process_key: str
    roles: list[str]
    assignee: str | None
    due_at: datetime | None
    documentation: str | None
    form: dict[str, Any]
    rules: dict[str, Any] | None = None  # declared on the task (engine.domain.task_rules)


@dataclass(frozen=True)
class ElementStates:
    process_key: str
    done: list[str]
    active: list[str]


class CaseRuntime:
    def __init__(self, workflow: BpmnWorkflow, engine: SandboxScriptEngine, max_tasks: int) -> None:
        workflow.script_engine = engine
        self.workflow = workflow
        self.max_tasks = max_tasks

    @classmethod
    def start(
        cls, bundle: SpecBundle, engine: SandboxScriptEngine, max_tasks: int, data: Mapping[str, Any]
    ) -> CaseRuntime:
        spec, subprocess_specs = bundle
        runtime = cls(BpmnWorkflow(spec, subprocess_specs, script_engine=engine), engine, max_tasks)
        runtime.workflow.task_tree.data.update(data)
        for task in runtime.workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        return runtime

    @classmethod
    def load(cls, state: bytes, bundle: SpecBundle, engine: SandboxScriptEngine, max_tasks: int) -> CaseRuntime:
        return cls(load_workflow(unpack_state(state), bundle), engine, max_tasks)

    @classmethod
    def resume(cls, workflow: BpmnWorkflow, engine: SandboxScriptEngine, max_tasks: int) -> CaseRuntime:
        """Wrap a workflow kept alive since its last save (see engine.store.live_workflows)."""
        return cls(workflow, engine, max_tasks)

    def dump(self) -> bytes:
        """The state as stored (compressed JSON without the spec)."""
        return pack_state(dump_workflow(self.workflow))

    # -- advancing -------------------------------------------------------------------------

    def advance(self) -> None:
        """Fire due timers and run every automatic step until people or time must act."""
        with _StepGuard():
            self.workflow.refresh_timers()
            self.workflow.do_engine_steps(did_complete_task=self._check_growth)
            self._check_size()

    def complete(self, task_id: str, data: Mapping[str, Any]) -> None:
        """Complete a READY human task with validated data, then advance."""
        task = self._task(task_id)
        if task is None:
            raise TaskNotReady(Message("this task no longer exists in the case"))
        if task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskNotReady(_not_ready(task))
        with _StepGuard(task):
            # Every field of the form is defined afterwards (None when left empty and not known
            # before), so conditions may test optional answers.
            form = getattr(task.task_spec, "form", None)
            for field in form.fields if form is not None else ():
                task.data.setdefault(field.id, None)
            task.data.update(data)
            task.run()
        self.advance()

    # -- reading ---------------------------------------------------------------------------

    @property
    def completed(self) -> bool:
        # ``is_completed`` walks the tree from its root to the first unfinished task on every
        # call until the workflow ends; a scan of the task table answers the common "no" faster.
        workflow = self.workflow
        if not workflow.completed and any(t.state & TaskState.NOT_FINISHED_MASK for t in workflow.tasks.values()):
            return False
        return bool(workflow.is_completed())

    def data(self) -> dict[str, Any]:
        """The case data as of its latest completed step, inside a called process too."""
        if self.completed:
            return dict(self.workflow.data)
        running = [sub.last_task for sub in self.workflow.subprocesses.values() if not sub.completed]
        running = [task for task in running if task is not None]
        if running:  # a called process is under way: its data is the newest
            return dict(max(running, key=lambda task: task.last_state_change).data)
        last = self.workflow.last_task
        return dict(last.data) if last is not None else dict(self.workflow.task_tree.data)

    def task_count(self) -> int:
        return len(self.workflow.tasks) + sum(len(sp.tasks) for sp in self.workflow.subprocesses.values())

    def ready_task_ids(self) -> list[str]:
        """Ids of every READY human task, in order of creation.

        Scans the task tables rather than walking the tree with ``get_tasks``, which costs
        several times more per task; the tables hold exactly the tree's tasks.
        """
        workflows = [self.workflow, *self.workflow.subprocesses.values()]
        return [
            str(task.id)
            for workflow in workflows
            for task in workflow.tasks.values()
            if task.state == TaskState.READY and task.task_spec.manual
        ]

    def element_states(self) -> list[ElementStates]:
        """Per process run so far (the case's own, then each called one): the diagram elements
        completed and those active now, for marking on the diagram."""
        result = []
        for workflow in (self.workflow, *self.workflow.subprocesses.values()):
            done: set[str] = set()
            active: set[str] = set()
            for task in workflow.tasks.values():
                element = getattr(task.task_spec, "bpmn_id", None)
                if element is None:
                    continue
                running = task.state & (TaskState.READY | TaskState.STARTED | TaskState.WAITING)
                if task.state == TaskState.COMPLETED:
                    done.add(element)
                elif running and not isinstance(task.task_spec, BoundaryEvent):  # boundary: armed only
                    active.add(element)
            result.append(ElementStates(workflow.spec.name, sorted(done - active), sorted(active)))
        return result

    def describe(self, task_id: str, role_of: Callable[[str], str | None]) -> ReadyTask:
        """A READY human task with roles resolved and its due date and assignee evaluated."""
        return self._describe(self._task(task_id), role_of)

    def next_timer_at(self) -> datetime | None:
        """When the earliest waiting timer is due (the worker polls on this)."""
        times = [moment for moment in self._timer_times() if moment is not None]
        return min(times) if times else None

    # -- internals -------------------------------------------------------------------------

    def _task(self, task_id: str) -> Any:
        try:
            return self.workflow.get_task_from_id(UUID(task_id))
        except (ValueError, WorkflowException):
            return None

    def _check_growth(self, task: Any) -> None:
        count = self._check_size()
        # A tree needs more tasks than levels; measuring depth walks up every parent.
        if count > MAX_DEPTH and task.depth > MAX_DEPTH:
            raise TaskTreeTooLarge(
                f"the case's task tree is {task.depth} levels deep, more than the limit of {MAX_DEPTH}; "
                "a loop in the diagram probably never ends: bound it or move its body into a call activity"
            )

    def _check_size(self) -> int:
        count = self.task_count()
        if count > self.max_tasks:
            raise TaskTreeTooLarge(
                f"the case's task tree has {count} tasks, more than the limit of {self.max_tasks}; "
                "a loop in the diagram probably never ends: bound it or move its body into a call activity"
            )
        return count

    def _describe(self, task: Any, role_of: Callable[[str], str | None]) -> ReadyTask:
        spec = task.task_spec
        ext = spec.extensions or {}
        groups = ext.get("candidateGroups") or ([spec.lane] if spec.lane else [])
        roles = [role for group in groups if (role := role_of(group)) is not None]
        with _StepGuard(task):
            assignee = self._evaluate(task, ext.get("assignee"))
            due = self._evaluate(task, ext.get("dueDate"))
        return ReadyTask(
            task_id=str(task.id),
            bpmn_id=spec.bpmn_id,
            name=spec.bpmn_name or spec.bpmn_id,
            process_key=task.workflow.spec.name,
            roles=roles,
            assignee=str(assignee) if assignee else None,
            due_at=_as_utc(due) if due else None,
            documentation=spec.documentation,
            form=_form_of(spec),
            rules=task_rules.rules_of(ext.get("properties") or {}) or None,
        )

    def _evaluate(self, task: Any, expression: str | None) -> Any:
        if not expression or not expression.strip():
            return None
        return self.workflow.script_engine.evaluate(task, expression)

    def _timer_times(self) -> Iterator[datetime | None]:
        for event in self.workflow.waiting_events():
            if event.event_type in TIMER_EVENT_TYPES and isinstance(event.value, str):
                yield _parse_time(event.value)
        for task in self.workflow.event_manager.tasks.values():
            value = task.internal_data.get("event_value")
            if type(task.task_spec.event_definition).__name__ == "MultipleEventDefinition" and isinstance(value, dict):
                for item in value.values():
                    if isinstance(item, str):
                        yield _parse_time(item)


class _StepGuard:
    """Turn any failure inside SpiffWorkflow into StepFailed naming the element."""

    def __init__(self, task: Any = None) -> None:
        self.task = task

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, err: BaseException | None, _tb: Any) -> Literal[False]:
        if err is None or isinstance(err, (TaskNotReady, StepFailed)):
            return False
        if isinstance(err, TaskTreeTooLarge):
            raise StepFailed(str(err), None) from err
        task = getattr(err, "task", None) or self.task
        element = getattr(task.task_spec, "bpmn_id", None) if task is not None else None
        if isinstance(err, SpiffWorkflowException):
            inner = err.__cause__ or err.__context__
            message = f"{err.args[0] if err.args else err}"
            if inner is not None and str(inner) not in message:
                message = f"{message}: {type(inner).__name__}: {inner}"
        elif isinstance(err, (EngineError, Exception)):
            message = f"{type(err).__name__}: {err}"
        else:
            return False
        raise StepFailed(message, element) from err


def _not_ready(task: Any) -> Message:
    name = task.task_spec.bpmn_name or task.task_spec.bpmn_id
    if task.state == TaskState.COMPLETED:
        return Message("task '%(task)s' was already completed", task=name)
    if task.state == TaskState.CANCELLED:
        return Message("task '%(task)s' was cancelled", task=name)
    if not task.task_spec.manual:
        return Message("'%(task)s' is not a task for people", task=name)
    return Message("task '%(task)s' is not ready yet", task=name)


def _parse_time(value: str) -> datetime | None:
    try:
        moment: datetime | None = TimerEventDefinition.get_datetime(value)
        return moment
    except ValueError:
        return None


def _as_utc(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _form_of(spec: Any) -> dict[str, Any]:
    form = getattr(spec, "form", None)
    if form is None:
        return {"fields": []}
    fields = []
    for field in form.fields:
        constraints = {v.name: v.config for v in field.validation}
        properties = {p.id: p.value for p in field.properties}
        options = [(o.id, o.name) for o in getattr(field, "options", [])]
        fields.append(
            forms.form_field(field.id, field.type, field.label, field.default_value, constraints, properties, options)
        )
    return {"fields": fields}
