"""Write BPMN 2.0 files (Camunda 7 profile) with diagram interchange from a short Python description.

The shipped processes are drafted here so that each one is a readable page of Python (lanes,
steps, forms, flows) and its layout follows from a grid: every node sits in a lane row and a
column, and edges are routed orthogonally between them. The output is an ordinary ``.bpmn``
file that opens in bpmn-js and Camunda Modeler; once a process owner edits a diagram in the
studio, that version is what runs, and these files remain the shipped defaults.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from xml.sax.saxutils import escape
from xml.sax.saxutils import quoteattr

COL_W = 170
ROW_H = 120
POOL_X = 100
LANE_X = 130
FIRST_X = 230
SIZES = {"task": (110, 80), "event": (36, 36), "gateway": (50, 50)}
TASK_TAGS = {"userTask", "scriptTask", "businessRuleTask", "callActivity", "manualTask"}
GATEWAY_TAGS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway"}

# English of the names and instructions drawn so far (Chinese → English), for the catalogue.
ENGLISH: dict[str, str] = {}
_BILINGUAL = re.compile(r"^(.*[\u3400-\u9fff）)？]) ([A-Za-z].*)$")


def chinese(name: str) -> str:
    """The Chinese of a name drawn as "中文 English"; the English goes to the catalogue."""
    match = _BILINGUAL.match(name)
    if match is None:
        return name
    ENGLISH[match.group(1)] = match.group(2)
    return match.group(1)


def instruction(doc: str | tuple[str, str]) -> str:
    """An instruction is (Chinese, English): the diagram carries the Chinese."""
    if isinstance(doc, tuple):
        ENGLISH[doc[0]] = doc[1]
        return doc[0]
    return doc


@dataclass(frozen=True)
class Field:
    """One ``camunda:formField``; ``options`` are (id, label) pairs for an enum."""

    id: str
    label: str
    type: str = "string"
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()
    min: str | None = None
    max: str | None = None
    minlength: int | None = None
    maxlength: int | None = None
    pattern: str | None = None
    default: str | None = None
    readonly: bool = False
    multiline: bool = False
    choices: str | None = None  # a decision's two choices, "yes name|no name"
    total_of: str | None = None  # the fields this one is the sum of, "a+b"
    user_role: str | None = None  # the field names a person with this role (a picker)
    required_unless: str | None = None  # required when this yes/no field is answered no
    columns: tuple[tuple[str, str], ...] = ()  # a rows field's (column id, "type|label|flags")
    max_rows: int | None = None

    def xml(self) -> str:
        attrs = f"id={quoteattr(self.id)} label={quoteattr(self.label)} type={quoteattr(self.type)}"
        if self.default is not None:
            attrs += f" defaultValue={quoteattr(self.default)}"
        inner = "".join(
            f"<camunda:value id={quoteattr(value)} name={quoteattr(name)}/>" for value, name in self.options
        )
        properties = [("multiline", "true")] if self.multiline else []
        properties += [("choices", self.choices)] if self.choices else []
        properties += [("total_of", self.total_of)] if self.total_of else []
        properties += [("user_role", self.user_role)] if self.user_role else []
        properties += [("required_unless", self.required_unless)] if self.required_unless else []
        properties += [(f"column.{column}", spec) for column, spec in self.columns]
        properties += [("max_rows", str(self.max_rows))] if self.max_rows else []
        if properties:
            inner += "<camunda:properties>"
            inner += "".join(f"<camunda:property id={quoteattr(k)} value={quoteattr(v)}/>" for k, v in properties)
            inner += "</camunda:properties>"
        constraints = [("required", None)] if self.required else []
        constraints += [("readonly", None)] if self.readonly else []
        for name in ("min", "max", "minlength", "maxlength", "pattern"):
            value = getattr(self, name)
            if value is not None:
                constraints.append((name, str(value)))
        if constraints:
            inner += "<camunda:validation>"
            for name, config in constraints:
                config_attr = f" config={quoteattr(config)}" if config is not None else ""
                inner += f"<camunda:constraint name={quoteattr(name)}{config_attr}/>"
            inner += "</camunda:validation>"
        return f"<camunda:formField {attrs}>{inner}</camunda:formField>" if inner else f"<camunda:formField {attrs}/>"


def choice(field_id: str, label: str, options: list[tuple[str, str]], **kwargs: object) -> Field:
    return Field(field_id, label, "enum", options=tuple(options), **kwargs)  # type: ignore[arg-type]


@dataclass
class Node:
    id: str
    tag: str
    name: str
    lane: str
    col: float
    row: float = 0
    attrs: dict[str, str] = field(default_factory=dict)
    documentation: str | tuple[str, str] = ""
    form: list[Field] = field(default_factory=list)
    body: str = ""  # extra child elements (event definitions, script)
    properties: dict[str, str] = field(default_factory=dict)  # camunda:properties of the task
    attached_to: str | None = None
    slot: int = 0  # position of a boundary event along its task's lower edge

    @property
    def kind(self) -> str:
        if self.tag in TASK_TAGS:
            return "task"
        return "gateway" if self.tag in GATEWAY_TAGS else "event"


@dataclass
class Flow:
    id: str
    source: str
    target: str
    condition: str | None = None
    name: str = ""


class Diagram:
    """One executable process in a pool with one lane per role (lane name = SPEC role id)."""

    def __init__(
        self,
        key: str,
        name: str,
        documentation: str,
        lanes: list[tuple[str, int]],
        starters: str | None = "service_desk",
        startable: bool = True,
    ) -> None:
        self.key, self.name, self.documentation = key, chinese(name), documentation
        self.lanes = lanes  # (role id, number of rows)
        self.starters, self.startable = starters, startable
        self.nodes: dict[str, Node] = {}
        self.flows: list[Flow] = []

    # -- nodes -------------------------------------------------------------------------------

    def close_columns(self, first: float, count: float = 1) -> None:
        """Move every node from column ``first`` on ``count`` columns left (a step was removed)."""
        for node in self.nodes.values():
            if node.col >= first:
                node.col -= count

    def _add(self, node: Node) -> Node:
        if node.id in self.nodes:
            raise ValueError(f"duplicate node id {node.id}")
        if node.lane not in dict(self.lanes):
            raise ValueError(f"{node.id}: unknown lane {node.lane}")
        node.name = chinese(node.name)
        node.documentation = instruction(node.documentation)
        self.nodes[node.id] = node
        return node

    def start(
        self, nid: str, name: str, lane: str, col: float, row: float = 0, form: list[Field] | None = None
    ) -> Node:
        return self._add(Node(nid, "startEvent", name, lane, col, row, form=form or []))

    def timer_start(self, nid: str, name: str, lane: str, col: float, time_date: str, row: float = 0) -> Node:
        return self._add(Node(nid, "startEvent", name, lane, col, row, body=_timer("timeDate", time_date, nid)))

    def end(self, nid: str, name: str, lane: str, col: float, row: float = 0) -> Node:
        return self._add(Node(nid, "endEvent", name, lane, col, row))

    def user(
        self,
        nid: str,
        name: str,
        lane: str,
        col: float,
        row: float = 0,
        form: list[Field] | None = None,
        due: str | None = None,
        doc: str | tuple[str, str] = "",
        groups: str | None = None,
        properties: dict[str, str] | None = None,
        approval: bool = False,
    ) -> Node:
        """``approval``: the task approves or confirms (the approvals register lists it)."""
        attrs = {"camunda:candidateGroups": groups or lane}
        properties = {**(properties or {}), **({"approval": "true"} if approval else {})}
        if due:
            attrs["camunda:dueDate"] = due
        node = Node(nid, "userTask", name, lane, col, row, attrs, doc, form or [], properties=properties)
        return self._add(node)

    def script(
        self, nid: str, name: str, lane: str, col: float, script: str, row: float = 0, doc: str | tuple[str, str] = ""
    ) -> Node:
        body = f"<bpmn:script>{escape(script)}</bpmn:script>"
        return self._add(Node(nid, "scriptTask", name, lane, col, row, {"scriptFormat": "python"}, doc, body=body))

    def rule(
        self, nid: str, name: str, lane: str, col: float, decision: str, row: float = 0, doc: str | tuple[str, str] = ""
    ) -> Node:
        attrs = {"camunda:decisionRef": decision}
        return self._add(Node(nid, "businessRuleTask", name, lane, col, row, attrs, doc))

    def call(
        self, nid: str, name: str, lane: str, col: float, process: str, row: float = 0, doc: str | tuple[str, str] = ""
    ) -> Node:
        return self._add(Node(nid, "callActivity", name, lane, col, row, {"calledElement": process}, doc))

    def xor(self, nid: str, name: str, lane: str, col: float, row: float = 0) -> Node:
        return self._add(Node(nid, "exclusiveGateway", name, lane, col, row))

    def parallel(self, nid: str, lane: str, col: float, row: float = 0, name: str = "") -> Node:
        return self._add(Node(nid, "parallelGateway", name, lane, col, row))

    def timer(self, nid: str, name: str, lane: str, col: float, time_date: str, row: float = 0) -> Node:
        body = _timer("timeDate", time_date, nid)
        return self._add(Node(nid, "intermediateCatchEvent", name, lane, col, row, body=body))

    def boundary_timer(
        self, nid: str, name: str, task: str, time_date: str, interrupting: bool = False, slot: int = 0
    ) -> Node:
        host = self.nodes[task]
        node = Node(nid, "boundaryEvent", name, host.lane, host.col, host.row, body=_timer("timeDate", time_date, nid))
        node.attrs = {"attachedToRef": task, "cancelActivity": "true" if interrupting else "false"}
        node.attached_to, node.slot = task, slot
        return self._add(node)

    # -- flows -------------------------------------------------------------------------------

    def flow(
        self, source: str, target: str, condition: str | None = None, name: str = "", fid: str | None = None
    ) -> Flow:
        for end in (source, target):
            if end not in self.nodes:
                raise ValueError(f"flow {source} -> {target}: unknown node {end}")
        flow = Flow(fid or f"f_{source}__{target}", source, target, condition, name)
        if any(f.id == flow.id for f in self.flows):
            raise ValueError(f"duplicate flow id {flow.id}")
        self.flows.append(flow)
        return flow

    def default(self, gateway: str, flow: Flow) -> None:
        self.nodes[gateway].attrs["default"] = flow.id

    # -- output ------------------------------------------------------------------------------

    def write(self, directory: Path) -> Path:
        path = directory / f"{self.key}.bpmn"
        path.write_text(self.xml(), encoding="utf-8")
        return path

    def xml(self) -> str:
        layout = _Layout(self)
        process_attrs = f'id="{self.key}" name={quoteattr(self.name)} isExecutable="true"'
        if self.starters:
            process_attrs += f" camunda:candidateStarterGroups={quoteattr(self.starters)}"
        if not self.startable:
            process_attrs += ' camunda:isStartableInTasklist="false"'
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
            'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
            'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
            'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'id="defs_{self.key}" targetNamespace="http://aftercare.example/processes" '
            'exporter="Aftercare tools/diagrams" exporterVersion="1">',
            f'  <bpmn:collaboration id="collab_{self.key}">',
            f'    <bpmn:participant id="pool_{self.key}" name={quoteattr(self.name)} processRef="{self.key}"/>',
            "  </bpmn:collaboration>",
            f"  <bpmn:process {process_attrs}>",
            f"    <bpmn:documentation>{escape(self.documentation)}</bpmn:documentation>",
            f'    <bpmn:laneSet id="lanes_{self.key}">',
        ]
        for role, _rows in self.lanes:
            refs = "".join(
                f"<bpmn:flowNodeRef>{n.id}</bpmn:flowNodeRef>" for n in self.nodes.values() if n.lane == role
            )
            lines.append(f'      <bpmn:lane id="lane_{role}" name="{role}">{refs}</bpmn:lane>')
        lines.append("    </bpmn:laneSet>")
        lines += [f"    {self._node_xml(node)}" for node in self.nodes.values()]
        lines += [f"    {_flow_xml(flow)}" for flow in self.flows]
        lines.append("  </bpmn:process>")
        lines += layout.xml()
        lines.append("</bpmn:definitions>")
        return "\n".join(lines) + "\n"

    def _node_xml(self, node: Node) -> str:
        attrs = f"id={quoteattr(node.id)}"
        if node.name:
            attrs += f" name={quoteattr(node.name)}"
        attrs += "".join(f" {key}={quoteattr(value)}" for key, value in node.attrs.items())
        inner = f"<bpmn:documentation>{escape(node.documentation)}</bpmn:documentation>" if node.documentation else ""
        extensions = ""
        if node.properties:
            extensions += (
                "<camunda:properties>"
                + "".join(
                    f"<camunda:property name={quoteattr(key)} value={quoteattr(value)}/>"
                    for key, value in node.properties.items()
                )
                + "</camunda:properties>"
            )
        if node.form:
            extensions += f"<camunda:formData>{''.join(f.xml() for f in node.form)}</camunda:formData>"
        if extensions:
            inner += f"<bpmn:extensionElements>{extensions}</bpmn:extensionElements>"
        inner += "".join(f"<bpmn:incoming>{f.id}</bpmn:incoming>" for f in self.flows if f.target == node.id)
        inner += "".join(f"<bpmn:outgoing>{f.id}</bpmn:outgoing>" for f in self.flows if f.source == node.id)
        inner += node.body
        return f"<bpmn:{node.tag} {attrs}>{inner}</bpmn:{node.tag}>"


def _timer(kind: str, expression: str, nid: str) -> str:
    return (
        f'<bpmn:timerEventDefinition id="{nid}_timer"><bpmn:{kind} xsi:type="bpmn:tFormalExpression">'
        f"{escape(expression)}</bpmn:{kind}></bpmn:timerEventDefinition>"
    )


def _flow_xml(flow: Flow) -> str:
    name = f" name={quoteattr(flow.name)}" if flow.name else ""
    head = f'<bpmn:sequenceFlow id="{flow.id}"{name} sourceRef="{flow.source}" targetRef="{flow.target}"'
    if flow.condition is None:
        return head + "/>"
    condition = (
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
        f"{escape(flow.condition)}</bpmn:conditionExpression>"
    )
    return f"{head}>{condition}</bpmn:sequenceFlow>"


Box = tuple[float, float, float, float]  # x, y, width, height


class _Layout:
    """Grid layout: lanes stacked top to bottom, nodes centred on (column, row) cells."""

    def __init__(self, diagram: Diagram) -> None:
        self.diagram = diagram
        self.lane_top: dict[str, float] = {}
        y = 80.0
        for role, rows in diagram.lanes:
            self.lane_top[role] = y
            y += rows * ROW_H
        self.bottom = y
        columns = max(node.col for node in diagram.nodes.values())
        self.right = FIRST_X + columns * COL_W + 120
        self.boxes = {node.id: self._box(node) for node in diagram.nodes.values()}
        self._check_overlaps()

    def _check_overlaps(self) -> None:
        placed = [(nid, box) for nid, box in self.boxes.items() if self.diagram.nodes[nid].attached_to is None]
        for index, (first, (x1, y1, w1, h1)) in enumerate(placed):
            for second, (x2, y2, w2, h2) in placed[index + 1 :]:
                if x1 < x2 + w2 and x2 < x1 + w1 and y1 < y2 + h2 and y2 < y1 + h1:
                    raise ValueError(f"{self.diagram.key}: {first} and {second} overlap")

    def _centre(self, lane: str, col: float, row: float) -> tuple[float, float]:
        return FIRST_X + col * COL_W, self.lane_top[lane] + ROW_H / 2 + row * ROW_H

    def _box(self, node: Node) -> Box:
        width, height = SIZES[node.kind]
        if node.attached_to is not None:
            hx, hy, hw, hh = self._box(self.diagram.nodes[node.attached_to])
            cx, cy = hx + hw - 22 - node.slot * 44, hy + hh
        else:
            cx, cy = self._centre(node.lane, node.col, node.row)
        return cx - width / 2, cy - height / 2, width, height

    def xml(self) -> list[str]:
        key = self.diagram.key
        out = [
            f'  <bpmndi:BPMNDiagram id="diagram_{key}">',
            f'    <bpmndi:BPMNPlane id="plane_{key}" bpmnElement="collab_{key}">',
            f'      <bpmndi:BPMNShape id="pool_{key}_di" bpmnElement="pool_{key}" isHorizontal="true">'
            f"{_bounds(POOL_X, 80, self.right - POOL_X, self.bottom - 80)}</bpmndi:BPMNShape>",
        ]
        for role, rows in self.diagram.lanes:
            box = (LANE_X, self.lane_top[role], self.right - LANE_X, rows * ROW_H)
            out.append(
                f'      <bpmndi:BPMNShape id="lane_{role}_di" bpmnElement="lane_{role}" isHorizontal="true">'
                f"{_bounds(*box)}</bpmndi:BPMNShape>"
            )
        for node in self.diagram.nodes.values():
            extra = ' isMarkerVisible="true"' if node.tag == "exclusiveGateway" else ""
            label = ""
            if node.kind != "task" and node.name:
                x, y, w, h = self.boxes[node.id]
                label = f"<bpmndi:BPMNLabel>{_bounds(x + w / 2 - 45, y + h + 4, 90, 27)}</bpmndi:BPMNLabel>"
            out.append(
                f'      <bpmndi:BPMNShape id="{node.id}_di" bpmnElement="{node.id}"{extra}>'
                f"{_bounds(*self.boxes[node.id])}{label}</bpmndi:BPMNShape>"
            )
        for flow in self.diagram.flows:
            points = self.route(flow)
            waypoints = "".join(f'<di:waypoint x="{x:.0f}" y="{y:.0f}"/>' for x, y in points)
            label = ""
            if flow.name:
                (x0, y0), (x1, y1) = points[0], points[1]
                lx, ly = ((x0 + x1) / 2 + 4, min(y0, y1) - 22) if y0 == y1 else (x0 + 6, (y0 + y1) / 2 - 10)
                label = f"<bpmndi:BPMNLabel>{_bounds(lx, ly, 80, 20)}</bpmndi:BPMNLabel>"
            out.append(
                f'      <bpmndi:BPMNEdge id="{flow.id}_di" bpmnElement="{flow.id}">{waypoints}{label}</bpmndi:BPMNEdge>'
            )
        out += ["    </bpmndi:BPMNPlane>", "  </bpmndi:BPMNDiagram>"]
        return out

    def route(self, flow: Flow) -> list[tuple[float, float]]:
        sx, sy, sw, sh = self.boxes[flow.source]
        tx, ty, tw, th = self.boxes[flow.target]
        scx, scy, tcx, tcy = sx + sw / 2, sy + sh / 2, tx + tw / 2, ty + th / 2
        source = self.diagram.nodes[flow.source]
        if source.attached_to is not None:  # boundary event: leave downwards
            if abs(tcx - scx) < 1:
                return [(scx, sy + sh), (tcx, ty)]
            return [(scx, sy + sh), (scx, tcy), (tx if tcx > scx else tx + tw, tcy)]
        if tcx > scx + 1:  # forwards
            if abs(tcy - scy) < 1:
                return [(sx + sw, scy), (tx, tcy)]
            if source.kind == "gateway":
                return [(scx, sy if tcy < scy else sy + sh), (scx, tcy), (tx, tcy)]
            middle = (sx + sw + tx) / 2
            return [(sx + sw, scy), (middle, scy), (middle, tcy), (tx, tcy)]
        if abs(tcx - scx) <= 1:  # same column
            return [(scx, sy + sh), (tcx, ty)] if tcy > scy else [(scx, sy), (tcx, ty + th)]
        # backwards: a loop, drawn above both nodes
        top = min(sy, ty) - 25
        return [(scx, sy), (scx, top), (tcx, top), (tcx, ty)]


def _bounds(x: float, y: float, width: float, height: float) -> str:
    return f'<dc:Bounds x="{x:.0f}" y="{y:.0f}" width="{width:.0f}" height="{height:.0f}"/>'
