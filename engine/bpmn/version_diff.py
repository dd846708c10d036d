"""What changed between two versions of a process: elements added, removed and changed.

Elements are compared by id, on their semantic XML (attributes and children, with the
diagram interchange left out), so moving a shape is not a change but editing a condition,
a form field or a due date is.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from engine.bpmn.validation import safe_xml_parser

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SKIPPED = {"incoming", "outgoing", "flowNodeRef"}  # bookkeeping, not meaning


@dataclass(frozen=True)
class ElementChange:
    element: str
    kind: str  # the BPMN element type, e.g. userTask
    name: str
    change: str  # "added", "removed" or "changed"


def _elements(xml: str) -> dict[str, tuple[str, str, bytes]]:
    """id → (type, name, canonical XML) for every element with an id inside the processes."""
    root = etree.fromstring(xml.encode("utf-8"), safe_xml_parser())
    found: dict[str, tuple[str, str, bytes]] = {}
    for process in root.iter(f"{{{BPMN}}}process"):
        for element in process.iter():
            if not isinstance(element.tag, str) or element is process:
                continue
            name = etree.QName(element).localname
            element_id = element.get("id")
            if element_id is None or etree.QName(element).namespace != BPMN or name in ("laneSet", "lane"):
                continue
            copy = etree.fromstring(etree.tostring(element))
            for child in list(copy.iter()):
                if isinstance(child.tag, str) and etree.QName(child).localname in SKIPPED:
                    child.getparent().remove(child)
            found[element_id] = (name, element.get("name") or "", etree.tostring(copy, method="c14n"))
    return found


def diff_sources(old: dict[str, str], new: dict[str, str]) -> list[ElementChange]:
    """Compare two versions' BPMN sources (file name → XML), elements of every file."""
    before: dict[str, tuple[str, str, bytes]] = {}
    after: dict[str, tuple[str, str, bytes]] = {}
    for sources, target in ((old, before), (new, after)):
        for name, text in sources.items():
            if name.endswith(".bpmn"):
                target.update(_elements(text))
    changes = [ElementChange(i, after[i][0], after[i][1], "added") for i in after.keys() - before.keys()]
    changes += [ElementChange(i, before[i][0], before[i][1], "removed") for i in before.keys() - after.keys()]
    changes += [
        ElementChange(i, after[i][0], after[i][1], "changed")
        for i in before.keys() & after.keys()
        if before[i][2] != after[i][2]
    ]
    return sorted(changes, key=lambda c: (("added", "removed", "changed").index(c.change), c.element))
