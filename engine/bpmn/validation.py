"""Check uploaded BPMN/DMN files and report every problem with its element id and line.

SpiffWorkflow stops at the first semantic error, loses the line number, and does not look at
expressions until they run. This module reads the files itself first (XML, XSD, every
expression through the sandbox compiler, roles, our dialect's limits), then lets the
SpiffWorkflow parser add whatever it still finds.
"""

from __future__ import annotations

import ast
import codecs
import hashlib
import re
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from contextlib import suppress
from dataclasses import dataclass
from dataclasses import field
from functools import cache
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS

from engine.bpmn.parser import BPMN_NS
from engine.bpmn.parser import CAMUNDA
from engine.bpmn.parser import TASK_DUE
from engine.bpmn.parser import quote_iso_timers
from engine.bpmn.parser import timers_at_task_due
from engine.bpmn.sandbox import check_source
from engine.domain import form_rows
from engine.domain import forms
from engine.domain import task_rules
from engine.domain.errors import Problem
from engine.domain.service_settings import TERMS

HUMAN_TASKS = ("userTask", "manualTask")
UNSUPPORTED = {
    "complexGateway": "complex gateways are not supported; use exclusive or inclusive gateways",
}
FORM_TYPES = {
    "string",
    "long",
    "boolean",
    "date",
    "datetime",
    "enum",
    "decimal",
    "double",
    "textarea",
    "rows",
    "signature",
    "files",
}
DMN_OPERATORS = ("<", ">", "=", "!", " in ", "not ")


@dataclass
class SourceFile:
    """One parsed upload: its name, kind (bpmn/dmn), tree, and element id → line index."""

    name: str
    kind: str
    root: etree._Element
    lines: dict[str, int] = field(default_factory=dict)
    text: str = ""  # the characters, as UTF-8 text with a UTF-8 declaration
    raw: bytes = b""  # the bytes as uploaded (another encoding, a byte-order mark)


def b(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


def safe_xml_parser() -> etree.XMLParser:
    """No entities, no DTD, no network: for every XML that comes from outside."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False
    )


@cache
def _bpmn_validator() -> BpmnValidator:
    return BpmnValidator()


@cache
def _dmn_validator(namespace: str) -> BpmnValidator:
    return BpmnValidator(DMN_SCHEMAS[namespace])


def read_file(name: str, data: bytes, max_bytes: int, problems: list[Problem]) -> SourceFile | None:
    """Parse one upload safely; on failure add the problem and return None."""
    if len(data) > max_bytes:
        problems.append(Problem(f"file is {len(data)} bytes; the limit is {max_bytes}", file=name))
        return None
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        problems.append(Problem("DOCTYPE and ENTITY declarations are not allowed", file=name))
        return None
    try:
        root = etree.fromstring(data, safe_xml_parser())
    except etree.XMLSyntaxError as err:
        problems.append(Problem(f"XML syntax error: {err.msg}", line=err.lineno, file=name))
        return None
    namespace = etree.QName(root).namespace or ""
    if root.tag == b("definitions"):
        kind = "bpmn"
    elif etree.QName(root).localname == "definitions" and namespace in DMN_SCHEMAS:
        kind = "dmn"
    else:
        problems.append(Problem("not a BPMN 2.0 or DMN file", line=root.sourceline, file=name))
        return None
    text = _decoded(data, root.getroottree().docinfo.encoding)
    if text is None:
        problems.append(Problem("the file's characters cannot be read in the encoding it declares", file=name))
        return None
    if "<!DOCTYPE" in text[:4096] or "<!ENTITY" in text:
        problems.append(Problem("DOCTYPE and ENTITY declarations are not allowed", file=name))
        return None
    lines = {el.get("id"): el.sourceline for el in root.iter() if el.get("id")}
    return SourceFile(name, kind, root, lines, text, data)


_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_DECLARED_ENCODING = re.compile(r"""^(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")


def _decoded(data: bytes, declared: str | None) -> str | None:
    """The file as text, by its byte-order mark or else its XML declaration (UTF-8 without
    either), with the declaration rewritten to UTF-8: every stored source is UTF-8 text, so
    a GBK or UTF-16 upload is kept as the characters it holds, never as mojibake."""
    codec = next((name for bom, name in _BOMS if data.startswith(bom)), None) or declared or "utf-8"
    try:
        text = data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return None
    return _DECLARED_ENCODING.sub(r"\1\2UTF-8\2", text.lstrip("\ufeff"), count=1)


def xsd_problems(source: SourceFile) -> list[Problem]:
    if source.kind == "bpmn":
        validator = _bpmn_validator()
        validator.preprocess(source.root)
    else:
        validator = _dmn_validator(etree.QName(source.root).namespace or "")
    schema = validator.validator
    if schema.validate(source.root):
        return []
    by_line = {line: element for element, line in source.lines.items()}
    return [
        Problem(f"schema: {err.message}", element=by_line.get(err.line), line=err.line, file=source.name)
        for err in schema.error_log
    ]


def _expression_problem(text: str | None, mode: str, what: str) -> str | None:
    if text is None or not text.strip():
        return None
    if "${" in text or "#{" in text:
        return f"{what} uses a JUEL expression ({text.strip()}); write a Python expression"
    complaint = check_source(text, mode)
    if complaint:
        return f"{what} is not a valid expression: {complaint}"
    return _term_problem(text, mode, what)


TERM_CALLS = ("due", "before")


def _term_problem(text: str, mode: str, what: str) -> str | None:
    """A promise named in ``due('…', start)`` must be one of the service settings (a typo would
    otherwise stop the case when the step opens). A name built as ``'complaint_' + complexity``
    must start like at least one of them."""
    for node in ast.walk(ast.parse(text.strip(), mode=mode)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in TERM_CALLS):
            continue
        if not node.args:
            return f"{what}: {node.func.id}() needs the name of a promise of the service settings"
        name = node.args[0]
        if isinstance(name, ast.Constant) and isinstance(name.value, str) and name.value not in TERMS:
            return f"{what}: no promise is named '{name.value}' in the service settings (known: {', '.join(TERMS)})"
        prefix = name.left if isinstance(name, ast.BinOp) else None
        start = prefix.value if isinstance(prefix, ast.Constant) and isinstance(prefix.value, str) else None
        if start is not None and not any(term.startswith(start) for term in TERMS):
            return f"{what}: no promise of the service settings starts with '{start}'"
    return None


def _owner_of(node: etree._Element) -> etree._Element:
    """The nearest diagram element (ancestor-or-self with an id, not an extension element)."""
    current: Any = node
    while current is not None and (not current.get("id") or str(current.tag).startswith(CAMUNDA)):
        current = current.getparent()
    return current if current is not None else node


def script_texts(root: etree._Element) -> Iterator[str]:
    """The scripts of a BPMN tree, stripped (how approved scripts are recognised)."""
    for task in root.iter(b("scriptTask")):
        script = task.find(b("script"))
        yield (script.text or "").strip() if script is not None else ""


def script_hash(text: str) -> str:
    """How a deployed script is remembered as approved: the SHA-256 of its stripped text."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def task_properties(task: etree._Element) -> dict[str, str]:
    """A task's own ``camunda:properties`` (not those of its form fields)."""
    return {
        node.get("name") or "": node.get("value") or ""
        for node in task.findall(f"{b('extensionElements')}/{CAMUNDA}properties/{CAMUNDA}property")
    }


def is_executable(process: etree._Element) -> bool:
    return bool(process.get("isExecutable", "true") == "true")


def _label(node: etree._Element) -> str:
    """An element's name on one line (names drawn in other tools often hold line breaks)."""
    return " ".join((node.get("name") or node.get("id") or "").split())


def _structure_problems(process: etree._Element, problem: Any) -> Iterator[Problem]:
    """What a process drawn by another tool often has and our engine cannot run."""
    for tag in ("dataStoreReference", "dataStore"):
        for node in process.iter(b(tag)):
            yield problem(
                f"data store '{_label(node)}' is not supported: "
                "case data lives in the form fields of its tasks; remove the data store",
                node,
            )
    for node in process.iter(b("ioSpecification")):
        yield problem(
            "task data inputs and outputs (ioSpecification) are not supported: pass data through form fields", node
        )
    for sub in process.iter(b("subProcess"), b("transaction")):
        starts = sub.findall(b("startEvent"))
        if sub.get("triggeredByEvent") == "true":
            continue
        if not starts:
            yield problem(
                f"sub-process '{_label(sub)}' has no start event: "
                "draw its steps inside it (a collapsed sub-process is only a picture) or make it a call activity",
                sub,
            )
        elif len(starts) > 1:
            yield problem(f"sub-process '{_label(sub)}' has {len(starts)} start events", sub)
    if not process.findall(b("startEvent")):
        yield problem("the process has no start event", process)
    for task in process.iter(b("businessRuleTask")):
        if not (task.get(f"{CAMUNDA}decisionRef") or "").strip():
            yield problem(
                f"business-rule task '{_label(task)}' names no decision table: "
                "set camunda:decisionRef to the id of a decision in an uploaded DMN file",
                task,
            )
    for tag in ("serviceTask", "sendTask"):
        for task in process.iter(b(tag)):
            if task.get(f"{CAMUNDA}class") or task.get(f"{CAMUNDA}expression") or task.get(f"{CAMUNDA}type"):
                yield problem(f"{tag} '{_label(task)}' uses a Java/JUEL implementation", task)
            elif tag == "serviceTask":
                yield problem(
                    f"service task '{_label(task)}' has no implementation in Aftercare: "
                    "use a user task (or a script task, written by an administrator)",
                    task,
                )
    for timer in process.iter(b("timerEventDefinition")):
        if not any(timer.find(b(tag)) is not None for tag in ("timeDate", "timeDuration", "timeCycle")):
            yield problem("the timer has no date, duration or cycle", timer)
        date = timer.find(b("timeDate"))
        if date is not None and (date.text or "").strip() == TASK_DUE:
            event = timer.getparent()
            host = process.find(f".//*[@id='{event.get('attachedToRef')}']") if event is not None else None
            if etree.QName(event).localname != "boundaryEvent" or host is None:
                yield problem(f"'{TASK_DUE}' is the due date of the task a boundary timer sits on", timer)
            elif not host.get(f"{CAMUNDA}dueDate"):
                yield problem(f"the timer waits for the due date of '{_label(host)}', which has none", timer)
    for node in process.iter():
        if not isinstance(node.tag, str) or node.tag in GATEWAYS or etree.QName(node).namespace != BPMN_NS:
            continue
        outgoing = node.findall(b("outgoing"))
        if len(outgoing) > 1 and etree.QName(node).localname not in NO_FLOW_NODES:
            yield problem(
                f"'{_label(node)}' has {len(outgoing)} outgoing sequence flows: "
                "split with a parallel or exclusive gateway",
                node,
            )


GATEWAYS = {b(tag) for tag in ("exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway")}
NO_FLOW_NODES = {"process", "lane", "laneSet"}


def bpmn_problems(
    source: SourceFile,
    role_aliases: Mapping[str, str],
    allow_scripts: bool,
    approved_scripts: AbstractSet[str] = frozenset(),
    set_executable: bool = True,
) -> Iterator[Problem]:
    """Our dialect's checks over one BPMN file.

    Only executable processes are checked: other pools merely document a partner. When nothing
    in the uploaded set is executable, every process is checked and each is reported, so the
    owner sees at once everything that keeps the diagram from running.

    Without ``allow_scripts`` (an administrator's upload) a script task is accepted only when
    its script is one an administrator already deployed (``approved_scripts``, by hash): owners may
    redeploy a set that contains scripts, but not write or change one.
    """
    root = source.root
    participants = {p.get("processRef"): p for p in root.iter(b("participant")) if p.get("processRef")}

    def problem(message: str, node: etree._Element, severity: str = "error") -> Problem:
        owner = participants.get(node.get("id"), node) if node.tag == b("process") else _owner_of(node)
        return Problem(message, element=owner.get("id"), line=owner.sourceline, file=source.name, severity=severity)

    diagram_ids = {el.get("id") for el in root.iter() if el.get("id") and str(el.tag).startswith(f"{{{BPMN_NS}}}")}
    for process in root.iter(b("process")):
        label = _label(process)
        if not is_executable(process):
            if set_executable:
                yield problem(f"process '{label}' is not executable: it only documents a partner", process, "warning")
                continue
            yield problem(f"process '{label}' is not executable: set isExecutable=\"true\" to run it", process)
        yield from _process_problems(process, role_aliases, allow_scripts, approved_scripts, problem, diagram_ids)
    ids = set(source.lines)
    for flow in root.iter(b("sequenceFlow")):
        for end in ("sourceRef", "targetRef"):
            if flow.get(end) not in ids:
                yield problem(f"sequence flow {end} '{flow.get(end)}' names no element", flow)


def _process_problems(
    process: etree._Element,
    role_aliases: Mapping[str, str],
    allow_scripts: bool,
    approved_scripts: AbstractSet[str],
    problem: Any,
    diagram_ids: set[str],
) -> Iterator[Problem]:
    for group in (process.get(f"{CAMUNDA}candidateStarterGroups") or "").split(","):
        if group.strip() and group.strip() not in role_aliases:
            yield problem(f"candidate starter group '{group.strip()}' is not a known role", process)
    for event in process.findall(b("startEvent")):
        yield from _form_problems(event, problem, diagram_ids, role_aliases)
    lane_of = {
        ref.text.strip(): lane.get("name") or lane.get("id")
        for lane in process.iter(b("lane"))
        for ref in lane.findall(b("flowNodeRef"))
        if ref.text
    }
    human_ids = {task.get("id") for tag in HUMAN_TASKS for task in process.iter(b(tag))}
    for tag in HUMAN_TASKS:
        for task in process.iter(b(tag)):
            yield from _role_problems(task, lane_of, role_aliases, problem)
            due = bool((task.get(f"{CAMUNDA}dueDate") or "").strip())
            for rule_problem in task_rules.problems(task_properties(task), human_ids - {task.get("id")}, due):
                yield problem(rule_problem, task)
            for attr, what in (("dueDate", "camunda:dueDate"), ("assignee", "camunda:assignee")):
                message = _expression_problem(task.get(f"{CAMUNDA}{attr}"), "eval", what)
                if message:
                    yield problem(message, task)
            yield from _form_problems(task, problem, diagram_ids, role_aliases)
    yield from _structure_problems(process, problem)
    # Sequence-flow conditions and the conditions of conditional events alike.
    for node in [*process.iter(b("conditionExpression")), *process.iter(b("condition"))]:
        message = _expression_problem(node.text, "eval", "condition")
        if message:
            yield problem(message, node)
    # A message event's payload (camunda:expression) is evaluated when the message is sent.
    for node in process.iter(b("messageEventDefinition")):
        message = _expression_problem(node.get(f"{CAMUNDA}expression"), "eval", "message payload")
        if message:
            yield problem(message, node)
    for tag in ("timeDuration", "timeDate", "timeCycle", "loopCardinality", "completionCondition"):
        for node in process.iter(b(tag)):
            message = _expression_problem(node.text, "eval", tag)
            if message:
                yield problem(message, node)
    for task, text in zip(process.iter(b("scriptTask")), script_texts(process), strict=True):
        if not allow_scripts and script_hash(text) not in approved_scripts:
            yield problem("script tasks may only be written or changed by an administrator", task)
        message = _expression_problem(text, "exec", "script")
        if message:
            yield problem(message, task)
    for tag, message in UNSUPPORTED.items():
        for node in process.iter(b(tag)):
            yield problem(message, node)


def reference_problems(sources: list[SourceFile]) -> Iterator[Problem]:
    """Decision tables and called processes must be in the uploaded set."""
    decisions = {
        node.get("id")
        for source in sources
        if source.kind == "dmn"
        for node in source.root.iter(f"{{{etree.QName(source.root).namespace}}}decision")
    }
    processes = {p.get("id") for s in sources if s.kind == "bpmn" for p in s.root.iter(b("process"))}
    for source in sources:
        if source.kind != "bpmn":
            continue
        for task in source.root.iter(b("businessRuleTask")):
            ref = (task.get(f"{CAMUNDA}decisionRef") or "").strip()
            if ref and ref not in decisions:
                yield Problem(
                    f"decision '{ref}' is not in the uploaded DMN files", task.get("id"), task.sourceline, source.name
                )
        for call in source.root.iter(b("callActivity")):
            called = (call.get("calledElement") or "").strip()
            if not called:
                yield Problem(
                    "the call activity names no process (calledElement)", call.get("id"), call.sourceline, source.name
                )
            elif called not in processes:
                yield Problem(
                    f"calls process '{called}', which is not in the uploaded files",
                    call.get("id"),
                    call.sourceline,
                    source.name,
                )


def _role_problems(
    task: Any, lane_of: Mapping[str, str], aliases: Mapping[str, str], problem: Any
) -> Iterator[Problem]:
    groups = [g.strip() for g in (task.get(f"{CAMUNDA}candidateGroups") or "").split(",") if g.strip()]
    for group in groups:
        if group not in aliases:
            yield problem(f"candidate group '{group}' is not a known role", task)
    lane = lane_of.get(task.get("id"))
    if not groups and lane is None and not task.get(f"{CAMUNDA}assignee"):
        yield problem(
            "no role can do this task: put it in a lane named after a role, or set camunda:candidateGroups", task
        )
    elif not groups and lane is not None and lane not in aliases:
        yield problem(f"lane '{lane}' is not a known role", task)


def _form_problems(
    task: Any, problem: Any, element_ids: set[str], role_aliases: Mapping[str, str]
) -> Iterator[Problem]:
    seen: set[str] = set()
    for form_field in task.iter(f"{CAMUNDA}formField"):
        field_id = form_field.get("id") or ""
        if not field_id.isidentifier() or field_id.startswith("_"):
            yield problem(f"form field id '{field_id}' must be a Python identifier", form_field)
        if field_id in element_ids:
            yield problem(f"form field '{field_id}' has the id of a diagram element; rename the field", form_field)
        if field_id in seen:
            yield problem(f"form field '{field_id}' appears twice", form_field)
        seen.add(field_id)
        kind = form_field.get("type") or "string"
        if kind not in FORM_TYPES:
            yield problem(f"form field '{field_id}' has unknown type '{kind}'", form_field)
        if kind == "enum" and form_field.find(f"{CAMUNDA}value") is None:
            yield problem(f"enum field '{field_id}' has no values", form_field)
        choices = _field_property(form_field, forms.CHOICES)
        if choices is not None:
            if kind != "boolean":
                yield problem(f"form field '{field_id}': choices belong on a boolean field, not {kind}", form_field)
            try:
                forms.choice_labels(choices)
            except ValueError as err:
                yield problem(f"form field '{field_id}': {err}", form_field)
        if kind == form_rows.ROWS:
            properties = _field_properties(form_field)
            try:
                form_rows.columns_of(properties)
                form_rows.max_rows_of(properties)
            except ValueError as err:
                yield problem(f"rows field '{field_id}': {err}", form_field)
        user_role = _field_property(form_field, forms.USER_ROLE)
        if user_role is not None and user_role.strip() not in set(role_aliases.values()):
            yield problem(f"form field '{field_id}': user_role '{user_role}' is not a role id", form_field)
        total_of = _field_property(form_field, forms.TOTAL_OF)
        if total_of is not None:
            yield from _total_problems(task, form_field, field_id, kind, total_of, problem)
        answer = _field_property(form_field, forms.REQUIRED_UNLESS)
        if answer is not None:
            booleans = {other.get("id") for other in task.iter(f"{CAMUNDA}formField") if other.get("type") == "boolean"}
            if answer.strip() not in booleans - {field_id}:
                message = f"form field '{field_id}': required_unless names '{answer}', no yes/no field of this form"
                yield problem(message, form_field)


def _total_problems(
    task: Any, form_field: etree._Element, field_id: str, kind: str, total_of: str, problem: Any
) -> Iterator[Problem]:
    if kind not in ("long", "decimal", "double"):
        yield problem(f"form field '{field_id}': total_of belongs on a number field, not {kind}", form_field)
    numbers = {
        other.get("id")
        for other in task.iter(f"{CAMUNDA}formField")
        if (other.get("type") or "string") in ("long", "decimal", "double")
    } | _row_number_columns(task)
    parts = forms.total_parts(total_of)
    if not parts:
        yield problem(f"form field '{field_id}': total_of must name fields joined by '+'", form_field)
    for part in parts:
        if part == field_id or part not in numbers:
            message = f"form field '{field_id}': total_of names '{part}', no other number field of this form"
            yield problem(message, form_field)


def _row_number_columns(task: Any) -> set[str]:
    """``rows.column`` for every number column of the task's rows fields."""
    found = set()
    for other in task.iter(f"{CAMUNDA}formField"):
        if other.get("type") != form_rows.ROWS:
            continue
        with suppress(ValueError):  # a bad rows field has its own problem
            for column in form_rows.columns_of(_field_properties(other)):
                if column["type"] in form_rows.NUMBER_COLUMNS:
                    found.add(f"{other.get('id')}.{column['id']}")
    return found


def _field_properties(form_field: etree._Element) -> dict[str, str]:
    return {
        node.get("id") or "": node.get("value") or ""
        for node in form_field.findall(f"{CAMUNDA}properties/{CAMUNDA}property")
    }


def _field_property(form_field: etree._Element, name: str) -> str | None:
    return _field_properties(form_field).get(name)


def dmn_problems(source: SourceFile) -> Iterator[Problem]:
    """Every DMN cell must be a sandbox-valid Python expression (or unary test)."""
    ns = etree.QName(source.root).namespace
    for tag, unary in (("inputExpression", False), ("inputEntry", True), ("outputEntry", False)):
        for node in source.root.iter(f"{{{ns}}}{tag}"):
            text_node = node.find(f"{{{ns}}}text")
            text = (text_node.text or "").strip() if text_node is not None else ""
            if not text or text == "-":
                continue
            if unary and text.startswith(DMN_OPERATORS):
                text = f"x {text}"
            message = _expression_problem(text, "eval", f"DMN {tag}")
            if message:
                owner = _owner_of(node)
                yield Problem(message, element=owner.get("id"), line=node.sourceline, file=source.name)
    # Outputs become case data: a name like ``_getattr_`` would pose as one of the sandbox's hooks.
    for node in source.root.iter(f"{{{ns}}}output"):
        name = node.get("name") or ""
        if name.startswith("_") or not name.isidentifier():
            message = f"DMN output name '{name}' must be a name that does not start with '_'"
            yield Problem(message, element=node.get("id"), line=node.sourceline, file=source.name)


def prepare_for_parser(source: SourceFile) -> None:
    if source.kind == "bpmn":
        timers_at_task_due(source.root)
        quote_iso_timers(source.root)
