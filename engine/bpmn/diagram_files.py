"""What a set of BPMN source files contains: processes and their sequence flows."""

from __future__ import annotations

from lxml import etree

from engine.bpmn.validation import safe_xml_parser

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
Flow = tuple[str, str, str]  # (flow id, source element id, target element id)


def diagram_flows(bpmn: bytes) -> dict[str, list[Flow]]:
    """Sequence flows of each executable process in a BPMN file, by process id."""
    root = etree.fromstring(bpmn, safe_xml_parser())
    result: dict[str, list[Flow]] = {}
    for process in root.iter(f"{{{BPMN}}}process"):
        flows = [(f.get("id"), f.get("sourceRef"), f.get("targetRef")) for f in process.iter(f"{{{BPMN}}}sequenceFlow")]
        result[process.get("id")] = [(str(a), str(b), str(c)) for a, b, c in flows]
    return result


def files_by_process(sources: dict[str, str]) -> dict[str, str]:
    """Which of a version's source files defines each executable process."""
    owner: dict[str, str] = {}
    for name, text in sources.items():
        if name.endswith(".bpmn"):
            owner.update({process: name for process in diagram_flows(text.encode("utf-8"))})
    return owner


def processes_in(sources: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Every process of a version's files, by process id: (the file defining it, its name)."""
    found: dict[str, tuple[str, str]] = {}
    for name, text in sources.items():
        if name.endswith(".bpmn"):
            root = etree.fromstring(text.encode("utf-8"), safe_xml_parser())
            for process in root.iter(f"{{{BPMN}}}process"):
                key = str(process.get("id"))
                found[key] = (name, process.get("name") or key)
    return found
