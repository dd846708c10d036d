"""Our BPMN dialect: Camunda 7 attributes for roles, assignee, due date and forms."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.ProcessParser import ProcessParser
from SpiffWorkflow.bpmn.specs.defaults import ManualTask
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import CAMUNDA_MODEL_NS
from SpiffWorkflow.camunda.parser.task_spec import CamundaTaskParser
from SpiffWorkflow.camunda.parser.task_spec import UserTaskParser
from SpiffWorkflow.camunda.specs.user_task import Form
from SpiffWorkflow.camunda.specs.user_task import UserTask

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "{" + CAMUNDA_MODEL_NS + "}"
ISO_TIMER = re.compile(r"^\s*(R\d*/)?(P[0-9YMWDTHS.,]+|\d{4}-\d{2}-\d{2}T[0-9:.+\-Z]+)\s*$")


def human_task_extensions(node: Any, properties: dict[str, str]) -> dict[str, Any]:
    """Read who may do a task and by when, next to the task's camunda:properties."""
    groups = node.get(f"{CAMUNDA}candidateGroups") or ""
    return {
        "properties": properties,
        "candidateGroups": [g.strip() for g in groups.split(",") if g.strip()],
        "assignee": node.get(f"{CAMUNDA}assignee"),
        "dueDate": node.get(f"{CAMUNDA}dueDate"),
    }


class HumanTaskParser(CamundaTaskParser):  # type: ignore[misc]  # SpiffWorkflow has no types
    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        return human_task_extensions(self.node, super().parse_extensions(node))


class FormUserTaskParser(UserTaskParser):  # type: ignore[misc]  # SpiffWorkflow has no types
    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        return human_task_extensions(self.node, super().parse_extensions(node))

    def get_form(self) -> Form:
        """Read camunda:formData whether or not a formKey is set (Camunda Modeler omits it)."""
        if self.node.get(f"{CAMUNDA}formKey") is None:
            self.node.set(f"{CAMUNDA}formKey", "")
        return super().get_form()


class ModelProcessParser(ProcessParser):  # type: ignore[misc]  # SpiffWorkflow has no types
    """SpiffWorkflow indexes every element of a process that has an id, the last one in the
    file winning: a form option (``camunda:value``) named like a task inside or after it would
    be taken for the task and fail the whole file. The diagram's own elements win here."""

    def _index_process_nodes(self) -> None:
        super()._index_process_nodes()
        for node in self.node.iter(f"{{{BPMN_NS}}}*"):
            if node.get("id") is not None:
                self.nodes_by_id[node.get("id")] = node


class AftercareParser(CamundaParser):  # type: ignore[misc]  # SpiffWorkflow has no types
    PROCESS_PARSER_CLASS = ModelProcessParser
    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (FormUserTaskParser, UserTask),
        full_tag("manualTask"): (HumanTaskParser, ManualTask),
    }


TASK_DUE = "task_due"  # a boundary timer written so fires when the task it sits on falls due


def timers_at_task_due(root: etree._Element) -> None:
    """Give a boundary timer written ``task_due`` the ``camunda:dueDate`` of its task.

    A task's deadline and its escalation are one declaration: both are evaluated when the task
    is reached, so they cannot drift apart as two copies of an expression would.
    """
    tasks = {node.get("id"): node for node in root.iter() if isinstance(node.tag, str) and node.get("id")}
    for event in root.iter(f"{{{BPMN_NS}}}boundaryEvent"):
        task = tasks.get(event.get("attachedToRef"))
        due = task.get(f"{{{CAMUNDA_MODEL_NS}}}dueDate") if task is not None else None
        for node in event.iter(f"{{{BPMN_NS}}}timeDate"):
            if due and (node.text or "").strip() == TASK_DUE:
                node.text = due


def quote_iso_timers(root: etree._Element) -> None:
    """Let owners write ``P3D`` where SpiffWorkflow wants the Python string ``"P3D"``."""
    for tag in ("timeDuration", "timeDate", "timeCycle"):
        for node in root.iter(f"{{{BPMN_NS}}}{tag}"):
            if node.text and ISO_TIMER.match(node.text):
                node.text = repr(node.text.strip())
