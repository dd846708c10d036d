"""Which steps and form fields the dashboard's figures read, and deployments that would lose one.

The figures are defined against task ids and field ids of the diagrams (engine/domain/policy.py).
An owner who changes such an id in the studio would silently zero a figure; the check compares
the live processes with what they would be after the deployment and names every reference lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping

from lxml import etree

from engine.bpmn.validation import safe_xml_parser
from engine.domain.errors import Problem
from engine.domain.policy import FieldAt

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"


def task_fields(files: Iterable[tuple[str, str]]) -> dict[str, dict[str, str]]:
    """Task id → {form field id → the file defining it}, over BPMN ``(file name, text)`` pairs."""
    found: dict[str, dict[str, str]] = {}
    for name, text in files:
        if not name.endswith(".bpmn"):
            continue
        root = etree.fromstring(text.encode("utf-8"), safe_xml_parser())
        for task in root.iter(f"{{{BPMN}}}userTask"):
            fields = found.setdefault(str(task.get("id")), {})
            for form_field in task.iter(f"{{{CAMUNDA}}}formField"):
                fields[str(form_field.get("id"))] = name
    return found


def _has(fields: Mapping[str, Mapping[str, str]], ref: FieldAt) -> bool:
    return ref.field in fields.get(ref.step, {})


def lost_references(
    before: Mapping[str, Mapping[str, str]],
    after: Mapping[str, Mapping[str, str]],
    references: list[tuple[str, FieldAt]],
) -> list[Problem]:
    """A problem for each reference the live processes satisfy and the deployed ones would not."""
    problems = []
    for figure, ref in references:
        if _has(before, ref) and not _has(after, ref):
            problems.append(
                Problem(
                    f"the quality dashboard reads field '{ref.field}' of step '{ref.step}' for {figure}; "
                    "after this deployment no process has it. Keep the step's and the field's ids, "
                    "or change the figure's mapping in the company policy first",
                    element=ref.step,
                    file=before[ref.step][ref.field],
                )
            )
    return problems
