"""What a set of BPMN source files contains: processes and their sequence flows."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class ProcessInFile:
    file: str  # the source file defining the process
    name: str
    texts: tuple[str, ...]  # every name drawn in the file (pools, lanes, steps, flows), once each


def processes_in(sources: dict[str, str]) -> dict[str, ProcessInFile]:
    """Every process of a version's files, by process id, read in one parse per file."""
    found: dict[str, ProcessInFile] = {}
    for name, text in sources.items():
        if name.endswith(".bpmn"):
            root = etree.fromstring(text.encode("utf-8"), safe_xml_parser())
            texts = tuple(
                sorted(
                    {
                        str(node.get("name"))
                        for node in root.iter()
                        if isinstance(node.tag, str) and node.get("name") and etree.QName(node).namespace == BPMN
                    }
                )
            )
            for process in root.iter(f"{{{BPMN}}}process"):
                key = str(process.get("id"))
                found[key] = ProcessInFile(name, process.get("name") or key, texts)
    return found
