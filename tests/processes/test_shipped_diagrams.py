"""Every diagram in processes/ validates cleanly and opens in bpmn-js (full diagram interchange)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine.bpmn.building import check_files
from engine.domain.roles import ROLES
from engine.domain.roles import role_aliases

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DI = "http://www.omg.org/spec/BPMN/20100524/DI"
FLOW_ELEMENTS = {
    "startEvent",
    "endEvent",
    "userTask",
    "manualTask",
    "serviceTask",
    "scriptTask",
    "businessRuleTask",
    "callActivity",
    "subProcess",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "sequenceFlow",
    "task",
}
DIAGRAMS = sorted(PROCESSES.glob("*.bpmn"))


def test_the_shipped_set_validates_without_problems() -> None:
    files = {path.name: path.read_bytes() for path in PROCESSES.iterdir() if path.suffix in (".bpmn", ".dmn")}
    problems, built = check_files(files, role_aliases(), allow_scripts=True)
    assert problems == []
    assert {process.key for process in built} == {
        "service_request",
        "onsite_repair",
        "factory_repair",
        "exchange_refund",
        "complaint",
        "satisfaction_survey",
        "follow_up",
        "contract_renewal",
        "customer_visit",
        "installation",
        "product_call",
        "capa",
        "customer_survey",
    }
    startable = {process.key for process in built if process.startable}
    assert startable == {
        "service_request", "complaint", "contract_renewal", "customer_visit", "installation", "product_call",
        "capa", "customer_survey",
    }  # fmt: skip


@pytest.mark.parametrize("path", DIAGRAMS, ids=[p.name for p in DIAGRAMS])
def test_every_flow_element_has_a_shape_or_edge(path: Path) -> None:
    root = etree.parse(str(path)).getroot()
    elements = {
        el.get("id")
        for el in root.iter()
        if etree.QName(el).namespace == BPMN and etree.QName(el).localname in FLOW_ELEMENTS
    }
    drawn = {el.get("bpmnElement") for el in root.iter(f"{{{DI}}}BPMNShape", f"{{{DI}}}BPMNEdge")}
    assert elements - drawn == set()


CAMUNDA = "http://camunda.org/schema/1.0/bpmn"


@pytest.mark.parametrize("path", DIAGRAMS, ids=[p.name for p in DIAGRAMS])
def test_lanes_are_spec_roles_and_each_step_sits_in_the_lane_of_its_role(path: Path) -> None:
    root = etree.parse(str(path)).getroot()
    role_ids = {role.id for role in ROLES}
    lane_of = {}
    for lane in root.iter(f"{{{BPMN}}}lane"):
        assert lane.get("name") in role_ids, f"lane {lane.get('name')} is not a role id of SPEC"
        lane_of.update({ref.text: lane.get("name") for ref in lane.iter(f"{{{BPMN}}}flowNodeRef")})
    for task in root.iter(f"{{{BPMN}}}userTask"):
        assert task.get(f"{{{CAMUNDA}}}candidateGroups") == lane_of[task.get("id")], task.get("id")


@pytest.mark.parametrize("path", DIAGRAMS, ids=[p.name for p in DIAGRAMS])
def test_every_user_task_has_a_form_and_the_diagram_names_its_spec_clauses(path: Path) -> None:
    root = etree.parse(str(path)).getroot()
    for task in root.iter(f"{{{BPMN}}}userTask"):
        fields = list(task.iter(f"{{{CAMUNDA}}}formField"))
        assert fields, f"{task.get('id')} has no form"
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in f.get("label", "")) for f in fields), task.get("id")
    documentation = root.find(f"{{{BPMN}}}process/{{{BPMN}}}documentation")
    assert documentation is not None and "SPEC" in (documentation.text or "")
