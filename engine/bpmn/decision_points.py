"""Which human tasks of a diagram set are approvals: the approvals register reads these.

A process owner marks an approval or confirmation with the task property ``approval`` =
``true``; routing choices (which way to repair, is it a consultation) are not approvals. In a
file that marks none (a diagram drawn elsewhere), every user task whose form answers the
conditions of the gateway right after it counts. The answer fields are the task's form fields
named in those conditions; a comment is the field ``<answer>_comment`` or a text field whose
id says note/comment/reason. The amount an approval is about is the task's own decimal field
``amount`` or ``*_amount``, else the first such field among the facts it declares; a decision
with neither is about no money.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from dataclasses import field

from lxml import etree

from engine.bpmn.parser import BPMN_NS
from engine.bpmn.parser import CAMUNDA
from engine.bpmn.validation import safe_xml_parser
from engine.bpmn.validation import task_properties
from engine.domain.forms import CHOICES
from engine.domain.forms import choice_labels
from engine.domain.policy import SHIPPED
from engine.domain.task_rules import facts_of
from engine.domain.task_rules import rules_of

COMMENT_WORDS = SHIPPED.comment_words
APPROVAL = "approval"


@dataclass(frozen=True)
class FieldInfo:
    id: str
    label: str
    kind: str
    options: dict[str, str] = field(default_factory=dict)  # option id → name; "true"/"false" for a decision


@dataclass(frozen=True)
class DecisionPoint:
    process: str  # the process (diagram) the task belongs to
    bpmn_id: str
    name: str
    answers: list[FieldInfo]
    comment: str | None
    amount: str | None  # the task's own amount field
    amount_fact: str | None  # else the earlier amount field the decision rests on
    rules: dict[str, object]


def _b(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


def _names_in(expression: str) -> set[str]:
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _fields(task: etree._Element) -> list[FieldInfo]:
    found = []
    for node in task.iter(f"{CAMUNDA}formField"):
        options = {value.get("id") or "": value.get("name") or "" for value in node.iter(f"{CAMUNDA}value")}
        for prop in node.iter(f"{CAMUNDA}property"):
            if prop.get("id") == CHOICES:
                with suppress(ValueError):  # refused at deployment; then the answer stays yes/no
                    options = dict(zip(("true", "false"), choice_labels(prop.get("value") or ""), strict=True))
        found.append(FieldInfo(node.get("id") or "", node.get("label") or "", node.get("type") or "string", options))
    return found


def _is_amount(name: str) -> bool:
    return name == "amount" or name.endswith("_amount")


def _marked(task: etree._Element) -> bool:
    return str(task_properties(task).get(APPROVAL) or "").strip().lower() == "true"


def _conditions_after(
    task: etree._Element, elements: Mapping[str, etree._Element], flows: Mapping[str, etree._Element]
) -> set[str]:
    """Names in the conditions of the gateways the task leads to, through any gateways that
    only join or fork (parallel approvals meet before the gateway that reads them)."""
    names: set[str] = set()
    seen: set[str] = set()
    frontier = [flows[o.text] for o in task.findall(_b("outgoing")) if o.text in flows]
    while frontier:
        target = elements.get(frontier.pop().get("targetRef") or "")
        if target is None or target.get("id") in seen or not etree.QName(target).localname.endswith("Gateway"):
            continue
        seen.add(target.get("id") or "")
        for o in target.findall(_b("outgoing")):
            flow = flows.get(o.text or "")
            if flow is None:
                continue
            condition = flow.find(_b("conditionExpression"))
            if condition is not None and condition.text:
                names |= _names_in(condition.text)
            frontier.append(flow)
    return names


def points_of_file(text: str) -> list[DecisionPoint]:
    root = etree.fromstring(text.encode("utf-8"), safe_xml_parser())
    points = []
    marked = any(_marked(task) for task in root.iter(_b("userTask")))
    for process in root.iter(_b("process")):
        elements = {el.get("id"): el for el in process.iter() if isinstance(el.tag, str) and el.get("id")}
        flows = {flow.get("id"): flow for flow in process.iter(_b("sequenceFlow"))}
        for task in process.iter(_b("userTask")):
            if marked and not _marked(task):
                continue
            conditions = _conditions_after(task, elements, flows)
            fields = _fields(task)
            answers = [f for f in fields if f.id in conditions]
            if not answers:
                continue
            ids = {f.id for f in fields}
            comment = next((f"{a.id}_comment" for a in answers if f"{a.id}_comment" in ids), None) or next(
                (f.id for f in fields if f.kind == "string" and any(w in f.id for w in COMMENT_WORDS)), None
            )
            amount = next((f.id for f in fields if f.kind == "decimal" and _is_amount(f.id)), None)
            properties = task_properties(task)
            amount_fact = None if amount else next((name for name in facts_of(properties) if _is_amount(name)), None)
            points.append(
                DecisionPoint(
                    process.get("id") or "",
                    task.get("id") or "",
                    task.get("name") or task.get("id") or "",
                    answers,
                    comment,
                    amount,
                    amount_fact,
                    rules_of(properties),
                )
            )
    return points


def decision_points(sources: Mapping[str, str]) -> dict[tuple[str, str], DecisionPoint]:
    """Every decision point of a version's files, by (BPMN id, task name) as audit events name them."""
    return {
        (point.bpmn_id, point.name): point
        for name, text in sorted(sources.items())
        if name.endswith(".bpmn")
        for point in points_of_file(text)
    }
