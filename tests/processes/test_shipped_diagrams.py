"""Every diagram in processes/ validates cleanly and opens in bpmn-js (full diagram interchange)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine.bpmn.building import check_files
from engine.roles import role_aliases

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
    problems, built = check_files(files, role_aliases())
    assert problems == []
    assert "service_request" in {process.key for process in built}


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
