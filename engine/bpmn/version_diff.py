"""What changed between two versions of a process: elements added, removed and changed.

Elements are compared by id on their meaning, not their text: each becomes a set of facets
(``name``, ``camunda:dueDate``, ``camunda:formField[amount]/label``, a condition's text …)
read from the parsed XML. Namespace prefixes, attribute order, indentation, generated ids of
nested definitions and the diagram interchange are left out, so a file re-saved by another
modeler, or a shape moved, is not a change, while editing a condition, a form field or a due
date is, and the page can say which facet went from what to what.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from lxml import etree

from engine.bpmn.validation import safe_xml_parser

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
PREFIXES = {
    BPMN: "",
    "http://camunda.org/schema/1.0/bpmn": "camunda:",
    "http://spiffworkflow.org/bpmn/schema/1.0/core": "spiffworkflow:",
    "http://www.w3.org/2001/XMLSchema-instance": "xsi:",
}
SKIPPED = {"incoming", "outgoing"}  # bookkeeping that the sequence flows already say
CONTAINERS = {"process", "subProcess", "transaction", "adHocSubProcess"}
KEYS = ("id", "name")  # what tells repeated extension children apart (a form field's id)
WRAPPERS = {"extensionElements", "camunda:formData", "camunda:validation", "camunda:properties"}  # left out of paths
PRESENT = "✓"
QNAME_VALUES = {"xsi:type"}  # values that are prefixed names themselves


@dataclass(frozen=True)
class FacetChange:
    facet: str  # e.g. "name", "camunda:formField[amount]/label", "conditionExpression"
    old: str | None  # None: the facet is new
    new: str | None  # None: the facet is gone


@dataclass(frozen=True)
class ElementChange:
    element: str
    kind: str  # the BPMN element type, e.g. userTask
    name: str
    change: str  # "added", "removed" or "changed"
    details: tuple[FacetChange, ...] = field(default=())


@dataclass(frozen=True)
class _Element:
    kind: str
    name: str
    facets: dict[str, str]


def _qualified(tag: str) -> str:
    qname = etree.QName(tag)
    namespace = str(qname.namespace or "")
    prefix = PREFIXES.get(namespace, namespace.rstrip("/").rsplit("/", 1)[-1] + ":" if namespace else "")
    return prefix + str(qname.localname)


def _is_element(node: etree._Element) -> bool:
    """A flow element, artifact or lane: compared on its own, not as part of its parent."""
    parent = node.getparent()
    if parent is None or node.get("id") is None or etree.QName(node).namespace != BPMN:
        return False
    container = etree.QName(parent).localname
    return container in CONTAINERS or container == "laneSet" and etree.QName(node).localname == "lane"


def _value(node: etree._Element, name: str, value: str) -> str:
    if name in QNAME_VALUES and ":" in value:
        prefix, local = value.split(":", 1)
        namespace: str | None = node.nsmap.get(prefix)
        return _qualified(f"{{{namespace}}}{local}") if namespace else value
    return value


def _collect(node: etree._Element, path: str, facets: dict[str, str], top: bool, key: str | None = None) -> None:
    for attribute, value in node.attrib.items():
        name = _qualified(attribute)
        if name == "id" and (top or etree.QName(node).namespace == BPMN):
            continue  # the element's key, or a modeler-generated id of a nested definition
        if attribute == key:
            continue  # already in the path
        facets[f"{path}{'/' if path else ''}{name}"] = _value(node, name, value)
    text = (node.text or "").strip()
    if text:
        facets[path or "text"] = text
    references = sorted((child.text or "").strip() for child in node if _local(child) == "flowNodeRef")
    if references:
        facets[f"{path}{'/' if path else ''}flowNodeRef"] = ", ".join(references)
    seen: dict[str, int] = {}
    for child in node:
        if not isinstance(child.tag, str) or _local(child) in SKIPPED | {"flowNodeRef"} or _is_element(child):
            continue
        if etree.QName(child).localname == "laneSet":
            continue
        label = _qualified(child.tag)
        key = next((k for k in KEYS if child.get(k) and etree.QName(child).namespace != BPMN), None)
        if key is not None:
            step = f"{label}[{child.get(key)}]"
        else:
            seen[label] = seen.get(label, 0) + 1
            step = f"{label}[{seen[label]}]" if seen[label] > 1 else label
        inner = path if label in WRAPPERS else (f"{path}/{step}" if path else step)
        count = len(facets)
        _collect(child, inner, facets, False, key)
        if len(facets) == count and inner != path:
            facets[inner] = PRESENT  # e.g. a "required" constraint: its being there is the meaning


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _elements(xml: str) -> dict[str, _Element]:
    """id → the element's type, name and facets, for every process and everything in it."""
    root = etree.fromstring(xml.encode("utf-8"), safe_xml_parser())
    found: dict[str, _Element] = {}
    for process in root.iter(f"{{{BPMN}}}process"):
        for node in [process, *process.iter()]:
            if node is not process and not (isinstance(node.tag, str) and _is_element(node)):
                continue
            facets: dict[str, str] = {}
            _collect(node, "", facets, True)
            found[str(node.get("id"))] = _Element(etree.QName(node).localname, node.get("name") or "", facets)
    return found


def _details(before: dict[str, str], after: dict[str, str]) -> tuple[FacetChange, ...]:
    return tuple(
        FacetChange(facet, before.get(facet), after.get(facet))
        for facet in sorted(before.keys() | after.keys())
        if before.get(facet) != after.get(facet)
    )


def diff_sources(old: dict[str, str], new: dict[str, str]) -> list[ElementChange]:
    """Compare two versions' BPMN sources (file name → XML), elements of every file."""
    before: dict[str, _Element] = {}
    after: dict[str, _Element] = {}
    for sources, target in ((old, before), (new, after)):
        for name, text in sources.items():
            if name.endswith(".bpmn"):
                target.update(_elements(text))
    changes = [ElementChange(i, after[i].kind, after[i].name, "added") for i in after.keys() - before.keys()]
    changes += [ElementChange(i, before[i].kind, before[i].name, "removed") for i in before.keys() - after.keys()]
    for i in before.keys() & after.keys():
        details = _details(before[i].facets, after[i].facets)
        if details or before[i].kind != after[i].kind:
            changes.append(ElementChange(i, after[i].kind, after[i].name, "changed", details))
    return sorted(changes, key=lambda c: (("added", "removed", "changed").index(c.change), c.element))
