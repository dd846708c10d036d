"""The diagram a new process starts from: one pool, one lane, start → a user task → end.

It is valid and executable as it stands, so an owner can deploy it at once and grow it in the
modeler; every element has its shape, so bpmn-js draws it without a warning.
"""

from __future__ import annotations

from lxml import etree

from engine.bpmn.parser import BPMN_NS
from engine.bpmn.parser import CAMUNDA

BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
NSMAP = {"bpmn": BPMN_NS, "bpmndi": BPMNDI, "dc": DC, "di": DI, "camunda": CAMUNDA.strip("{}")}
FIRST_ROLE = "service_desk"


def _el(parent: etree._Element, ns: str, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{ns}}}{tag}", {k.replace("__", ":"): v for k, v in attrs.items()})


def new_process_files(key: str, name: str) -> dict[str, str]:
    """``{key}.bpmn`` for a new process ``key`` called ``name``."""
    root = etree.Element(f"{{{BPMN_NS}}}definitions", nsmap=NSMAP)
    root.set("id", f"defs_{key}")
    root.set("targetNamespace", "http://aftercare.example/processes")
    collaboration = _el(root, BPMN_NS, "collaboration", id=f"collab_{key}")
    _el(collaboration, BPMN_NS, "participant", id=f"pool_{key}", name=name, processRef=key)
    process = _el(root, BPMN_NS, "process", id=key, name=name, isExecutable="true")
    process.set(f"{CAMUNDA}candidateStarterGroups", FIRST_ROLE)
    lane = _el(_el(process, BPMN_NS, "laneSet", id=f"lanes_{key}"), BPMN_NS, "lane", id=f"lane_{FIRST_ROLE}")
    lane.set("name", FIRST_ROLE)
    for node in ("start", "register", "end"):
        _el(lane, BPMN_NS, "flowNodeRef").text = node
    start = _el(process, BPMN_NS, "startEvent", id="start", name="开始")
    _el(start, BPMN_NS, "outgoing").text = "f_start__register"
    task = _el(process, BPMN_NS, "userTask", id="register", name="登记 Register")
    task.set(f"{CAMUNDA}candidateGroups", FIRST_ROLE)
    form = _el(_el(task, BPMN_NS, "extensionElements"), CAMUNDA.strip("{}"), "formData")
    field = _el(form, CAMUNDA.strip("{}"), "formField", id="note", label="记录", type="string")
    _el(_el(field, CAMUNDA.strip("{}"), "validation"), CAMUNDA.strip("{}"), "constraint", name="required")
    _el(task, BPMN_NS, "incoming").text = "f_start__register"
    _el(task, BPMN_NS, "outgoing").text = "f_register__end"
    end = _el(process, BPMN_NS, "endEvent", id="end", name="结束")
    _el(end, BPMN_NS, "incoming").text = "f_register__end"
    _el(process, BPMN_NS, "sequenceFlow", id="f_start__register", sourceRef="start", targetRef="register")
    _el(process, BPMN_NS, "sequenceFlow", id="f_register__end", sourceRef="register", targetRef="end")

    plane = _el(_el(root, BPMNDI, "BPMNDiagram", id=f"diagram_{key}"), BPMNDI, "BPMNPlane", id=f"plane_{key}")
    plane.set("bpmnElement", f"collab_{key}")
    shapes = {
        f"pool_{key}": (100, 80, 560, 160),
        f"lane_{FIRST_ROLE}": (130, 80, 530, 160),
        "start": (200, 142, 36, 36),
        "register": (320, 120, 110, 80),
        "end": (532, 142, 36, 36),
    }
    for element, (x, y, width, height) in shapes.items():
        shape = _el(plane, BPMNDI, "BPMNShape", id=f"{element}_di", bpmnElement=element)
        if element.startswith(("pool_", "lane_")):
            shape.set("isHorizontal", "true")
        _el(shape, DC, "Bounds", x=str(x), y=str(y), width=str(width), height=str(height))
    for flow, points in {"f_start__register": (236, 320), "f_register__end": (430, 532)}.items():
        edge = _el(plane, BPMNDI, "BPMNEdge", id=f"{flow}_di", bpmnElement=flow)
        for x in points:
            _el(edge, DI, "waypoint", x=str(x), y="160")
    text = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")
    return {f"{key}.bpmn": text}
