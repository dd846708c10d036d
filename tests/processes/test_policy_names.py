"""Every step and form field the figures read (engine/domain/policy.py) exists in the shipped processes.

A renamed step or field in the diagrams would otherwise silently zero a dashboard figure.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from engine.domain.policy import SHIPPED
from engine.domain.policy import FieldAt

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"


def fields_by_step() -> dict[str, set[str]]:
    """Form field ids of every user task (and start event) of every shipped diagram, by BPMN id."""
    found: dict[str, set[str]] = {}
    for path in PROCESSES.glob("*.bpmn"):
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
        for tag in ("userTask", "startEvent"):
            for node in root.iter(f"{BPMN}{tag}"):
                ids = {field.get("id") for field in node.iter(f"{CAMUNDA}formField")}
                found.setdefault(node.get("id"), set()).update(ids)
    return found


def test_every_step_and_field_the_policy_names_is_in_the_diagrams() -> None:
    steps = fields_by_step()
    named: list[FieldAt] = [
        SHIPPED.request_kind,
        SHIPPED.engineer,
        SHIPPED.complaint_class,
        *(at for cost in SHIPPED.costs for at in (cost.value, cost.dated_by) if at),
        *SHIPPED.paid_steps,
        *SHIPPED.paid_answers,
        *(FieldAt(step, SHIPPED.cause_field) for step in SHIPPED.cause_steps),
        *(FieldAt(step, SHIPPED.department_field) for step in SHIPPED.cause_steps),
        *(FieldAt(SHIPPED.survey_step, item) for item in SHIPPED.survey_items),
        *(
            FieldAt(SHIPPED.complaint_analysis_step, name)
            for name in (SHIPPED.company_fault_field, SHIPPED.department_field, SHIPPED.cause_field)
        ),
    ]
    missing = [f"{at.step}.{at.field}" for at in named if at.field not in steps.get(at.step, set())]
    assert missing == []
    assert SHIPPED.first_step_after in steps


def test_the_processes_the_policy_names_are_shipped() -> None:
    keys = {
        process.get("id")
        for path in PROCESSES.glob("*.bpmn")
        for process in etree.parse(str(path)).getroot().iter(f"{BPMN}process")
    }
    assert {SHIPPED.service_process, SHIPPED.complaint_process} <= keys
    assert set(SHIPPED.case_number_prefixes) <= keys
