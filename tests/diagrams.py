"""Small BPMN documents for engine tests, written out in full so each test shows its model."""

from __future__ import annotations

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'id="defs_{pid}" targetNamespace="http://aftercare.example/test">\n'
)


def definitions(
    pid: str, body: str, lanes: dict[str, list[str]] | None = None, name: str = "", starters: str | None = None
) -> bytes:
    """Wrap process elements in a definitions document; ``lanes`` maps lane name → node ids.

    Anyone in one of the lanes may start the process unless ``starters`` says otherwise.
    """
    starters = starters if starters is not None else ",".join(lanes or {})
    lane_xml = ""
    if lanes:
        lane_xml = (
            f'<bpmn:laneSet id="ls_{pid}">'
            + "".join(
                f'<bpmn:lane id="lane_{i}" name="{lane}">'
                + "".join(f"<bpmn:flowNodeRef>{node}</bpmn:flowNodeRef>" for node in nodes)
                + "</bpmn:lane>"
                for i, (lane, nodes) in enumerate(lanes.items())
            )
            + "</bpmn:laneSet>"
        )
    return (
        HEADER.format(pid=pid)
        + f'<bpmn:process id="{pid}" name="{name or pid}" isExecutable="true" '
        + f'camunda:candidateStarterGroups="{starters}">\n{lane_xml}\n{body}\n</bpmn:process>\n'
        + "</bpmn:definitions>\n"
    ).encode()


def start_event(fields: str = "") -> str:
    """The none start event ``start``, with a start form when ``fields`` are given."""
    if not fields:
        return '<bpmn:startEvent id="start"/>'
    return (
        '<bpmn:startEvent id="start"><bpmn:extensionElements><camunda:formData>'
        f"{fields}</camunda:formData></bpmn:extensionElements></bpmn:startEvent>"
    )


def flow(fid: str, source: str, target: str, condition: str | None = None) -> str:
    if condition is None:
        return f'<bpmn:sequenceFlow id="{fid}" sourceRef="{source}" targetRef="{target}"/>'
    return (
        f'<bpmn:sequenceFlow id="{fid}" sourceRef="{source}" targetRef="{target}">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>'
        "</bpmn:sequenceFlow>"
    )


def user_task(tid: str, name: str, fields: str = "", attrs: str = "") -> str:
    ext = (
        f"<bpmn:extensionElements><camunda:formData>{fields}</camunda:formData></bpmn:extensionElements>"
        if fields
        else ""
    )
    return f'<bpmn:userTask id="{tid}" name="{name}" {attrs}>{ext}</bpmn:userTask>'


def linear(pid: str = "two_steps", condition: str = "approved == True") -> bytes:
    """Register (service desk) → Decide (quality office) → gateway → Close or Rework."""
    body = "\n".join(
        [
            start_event('<camunda:formField id="channel" label="渠道" type="string"/>'),
            user_task(
                "register",
                "Register call",
                '<camunda:formField id="customer" label="客户" type="string">'
                '<camunda:validation><camunda:constraint name="required"/></camunda:validation></camunda:formField>',
                'camunda:dueDate="add_working_hours(now(), 4)"',
            ),
            user_task(
                "decide",
                "Decide",
                '<camunda:formField id="approved" label="批准" type="boolean"/>'
                '<camunda:formField id="amount" label="金额" type="decimal">'
                '<camunda:validation><camunda:constraint name="min" config="0"/></camunda:validation>'
                "</camunda:formField>",
            ),
            '<bpmn:exclusiveGateway id="gw" default="f_no"/>',
            user_task("close", "Close"),
            user_task("rework", "Rework"),
            '<bpmn:endEvent id="end_ok"/>',
            '<bpmn:endEvent id="end_rework"/>',
            flow("f1", "start", "register"),
            flow("f2", "register", "decide"),
            flow("f3", "decide", "gw"),
            flow("f_yes", "gw", "close", condition),
            flow("f_no", "gw", "rework"),
            flow("f4", "close", "end_ok"),
            flow("f5", "rework", "end_rework"),
        ]
    )
    lanes = {
        "service_desk": ["start", "register", "close", "rework", "end_ok", "end_rework"],
        "quality_office": ["decide", "gw"],
    }
    return definitions(pid, body, lanes)


def timer_escalation(pid: str = "escalating") -> bytes:
    """A task with a non-interrupting boundary timer that opens an escalation task."""
    body = "\n".join(
        [
            '<bpmn:startEvent id="start"/>',
            user_task("answer", "Answer consultation"),
            '<bpmn:boundaryEvent id="late" attachedToRef="answer" cancelActivity="false">'
            "<bpmn:timerEventDefinition><bpmn:timeDate>add_working_hours(now(), 8)</bpmn:timeDate>"
            "</bpmn:timerEventDefinition></bpmn:boundaryEvent>",
            user_task("escalate", "Chase the late answer", attrs='camunda:candidateGroups="quality_manager"'),
            '<bpmn:endEvent id="end"/>',
            '<bpmn:endEvent id="end_escalated"/>',
            flow("f1", "start", "answer"),
            flow("f2", "answer", "end"),
            flow("f3", "late", "escalate"),
            flow("f4", "escalate", "end_escalated"),
        ]
    )
    return definitions(
        pid,
        body,
        {"quality_office": ["start", "answer", "end", "late"], "quality_manager": ["escalate", "end_escalated"]},
    )


def script_process(pid: str, script: str) -> bytes:
    body = "\n".join(
        [
            start_event('<camunda:formField id="qty" label="数量" type="long"/>'),
            f'<bpmn:scriptTask id="calc" name="Calculate"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>',
            user_task("review", "Review"),
            '<bpmn:endEvent id="end"/>',
            flow("f1", "start", "calc"),
            flow("f2", "calc", "review"),
            flow("f3", "review", "end"),
        ]
    )
    return definitions(pid, body, {"quality_office": ["start", "calc", "review", "end"]})


def endless_loop(pid: str = "endless") -> bytes:
    """An automatic loop with no human step: it would grow the task tree forever."""
    body = "\n".join(
        [
            '<bpmn:startEvent id="start"/>',
            '<bpmn:exclusiveGateway id="merge"/>',
            '<bpmn:intermediateThrowEvent id="spin" name="Spin"/>',
            '<bpmn:exclusiveGateway id="again" default="f_back"/>',
            user_task("never", "Never reached"),
            '<bpmn:endEvent id="end"/>',
            flow("f1", "start", "merge"),
            flow("f2", "merge", "spin"),
            flow("f3", "spin", "again"),
            flow("f_out", "again", "never", "False"),
            flow("f_back", "again", "merge"),
            flow("f4", "never", "end"),
        ]
    )
    return definitions(pid, body, {"quality_office": ["start", "merge", "spin", "again", "never", "end"]})


def arrival_deadline_dmn() -> bytes:
    """Arrival deadline by distance (S2 5.1.1.3): ≤300 km 24 h, ≤1000 km 48 h, beyond 72 h."""
    rules = [("&lt;= 300", "24"), ("&lt;= 1000", "48"), ("-", "72")]
    rule_xml = "".join(
        f'<rule id="rule_{i}"><inputEntry id="in_{i}"><text>{test}</text></inputEntry>'
        f'<outputEntry id="out_{i}"><text>{hours}</text></outputEntry></rule>'
        for i, (test, hours) in enumerate(rules)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="dmn_arrival" '
        'name="Arrival" namespace="http://aftercare.example/dmn">\n'
        '<decision id="arrival_hours" name="Arrival deadline"><decisionTable id="table_arrival" hitPolicy="FIRST">'
        '<input id="input_distance" label="Distance (km)"><inputExpression id="expr_distance" typeRef="number">'
        "<text>distance_km</text></inputExpression></input>"
        '<output id="output_hours" name="arrival_hours" typeRef="number"/>'
        f"{rule_xml}</decisionTable></decision>\n</definitions>\n"
    ).encode()


def dispatch_with_rule(pid: str = "dispatching") -> bytes:
    body = "\n".join(
        [
            start_event('<camunda:formField id="distance_km" label="距离" type="long"/>'),
            '<bpmn:businessRuleTask id="deadline" name="Arrival deadline" camunda:decisionRef="arrival_hours"/>',
            user_task("go", "Go on site", attrs='camunda:dueDate="add_working_hours(now(), arrival_hours)"'),
            '<bpmn:endEvent id="end"/>',
            flow("f1", "start", "deadline"),
            flow("f2", "deadline", "go"),
            flow("f3", "go", "end"),
        ]
    )
    return definitions(pid, body, {"engineer": ["start", "deadline", "go", "end"]})
