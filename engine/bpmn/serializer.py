"""Serialize cases without their spec: the spec is stored once per process version.

SpiffWorkflow's stock serializer embeds the whole parsed spec in every instance (about half
of a fresh instance, and half of the load time). Our workflow converter leaves it out and
restores it from the spec objects of the version, cached in process memory.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import WorkflowConverter
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

from engine.bpmn.state_dump import StateDumper
from engine.bpmn.state_dump import check_dump
from engine.bpmn.state_dump import checking

SpecBundle = tuple[Any, dict[str, Any]]


class SpecRefWorkflowConverter(BpmnWorkflowConverter):  # type: ignore[misc]  # SpiffWorkflow has no types
    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        spec, subprocess_specs = dct.pop("_specs")
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(CAMUNDA_CONFIG)
    config[ServiceTask] = BpmnTaskSpecConverter
    config[BpmnWorkflow] = SpecRefWorkflowConverter
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(Decimal, lambda value: {"value": str(value)}, lambda dct: Decimal(dct["value"]))
    return BpmnWorkflowSerializer(registry)


SERIALIZER = _make_serializer()
SERIALIZER_VERSION: str = SERIALIZER.VERSION


DUMPER = StateDumper(SERIALIZER)


def dump_workflow(workflow: BpmnWorkflow) -> str:
    text = DUMPER.dump(workflow)
    if checking():
        check_dump(DUMPER, workflow, text)
    return text


def pack_state(state_json: str) -> bytes:
    """The stored form of a state: rewritten on every step, so kept small (level 1 is fast)."""
    return zlib.compress(state_json.encode("utf-8"), 1)


def unpack_state(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8")


def load_workflow(state_json: str, bundle: SpecBundle) -> BpmnWorkflow:
    dct = json.loads(state_json)
    SERIALIZER.migrate(dct)
    dct["_specs"] = bundle
    return SERIALIZER.from_dict(dct)


def dump_specs(bundle: SpecBundle) -> str:
    spec, subprocess_specs = bundle
    registry = SERIALIZER.registry
    registry._encoder_mode = True
    try:
        dct = {
            "spec": registry.convert(spec),
            "subprocess_specs": {k: registry.convert(v) for k, v in subprocess_specs.items()},
        }
        return json.dumps(dct, cls=SERIALIZER._encoder_cls, sort_keys=True)
    finally:
        registry._encoder_mode = False


def _load_specs(spec_json: str) -> SpecBundle:
    dct = json.loads(spec_json)
    registry = SERIALIZER.registry
    subprocess_specs = {k: registry.restore(v) for k, v in dct["subprocess_specs"].items()}
    return registry.restore(dct["spec"]), subprocess_specs


class SpecCache:
    """Parsed specs per process-version hash, shared by every case of that version."""

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self._items: OrderedDict[str, SpecBundle] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sha256: str, spec_json: Callable[[], str]) -> SpecBundle:
        with self._lock:
            if sha256 in self._items:
                self._items.move_to_end(sha256)
                return self._items[sha256]
        bundle = _load_specs(spec_json())
        with self._lock:
            self._items[sha256] = bundle
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return bundle


SPEC_CACHE = SpecCache()
