"""A bad upload lists every problem with element id and line, and deploys nothing."""

from __future__ import annotations

import pytest

from engine.bpmn.building import check_files
from engine.domain.errors import InvalidProcess
from engine.domain.roles import role_aliases
from engine.services import cases
from engine.services import tasks
from tests import diagrams
from tests.diagrams import definitions
from tests.diagrams import flow
from tests.diagrams import user_task

ROLES = role_aliases()


def problems_of(files: dict[str, bytes], **options: bool) -> list:
    problems, built = check_files(files, ROLES, **options)
    assert not built or not problems
    return problems


def line_of(document: bytes, needle: str) -> int:
    return next(number for number, text in enumerate(document.decode().splitlines(), 1) if needle in text)


def test_a_valid_diagram_has_no_problem_and_builds() -> None:
    problems, built = check_files({"a.bpmn": diagrams.linear()}, ROLES)
    assert problems == []
    assert [b.key for b in built] == ["two_steps"]
    assert len(built[0].sha256) == 64


def test_every_problem_is_listed_with_element_and_line() -> None:
    body = "\n".join(
        [
            '<bpmn:startEvent id="start"/>',
            user_task("t1", "Needs a role", attrs='camunda:dueDate="add_working_hours(now(),"'),
            '<bpmn:exclusiveGateway id="gw" default="f_b"/>',
            user_task("t2", "Lane ok"),
            user_task("t3", "Bad group", attrs='camunda:candidateGroups="astronaut"'),
            '<bpmn:endEvent id="end"/>',
            flow("f1", "start", "t1"),
            flow("f2", "t1", "gw"),
            flow("f_a", "gw", "t2", "amount >"),
            flow("f_b", "gw", "t3"),
            flow("f_c", "t2", "end"),
            flow("f_d", "t3", "nowhere"),
            flow("f_e", "t3", "end", "${approved}"),
        ]
    )
    doc = definitions("broken", body, {"quality_office": ["t2"]})
    problems = problems_of({"broken.bpmn": doc})
    by_element = {(p.element, p.message.split(" ")[0]) for p in problems}
    assert ("t1", "no") in by_element  # no role
    assert ("t1", "camunda:dueDate") in by_element
    assert ("f_a", "condition") in by_element
    assert ("t3", "candidate") in by_element
    assert ("f_d", "sequence") in by_element
    assert any(p.element == "f_e" and "JUEL" in p.message for p in problems)
    for problem in problems:
        assert problem.file == "broken.bpmn"
        assert isinstance(problem.line, int) and problem.line > 1
    assert next(p for p in problems if p.element == "f_a").line == line_of(doc, 'id="f_a"')


def test_sandbox_violations_are_reported_at_upload_not_at_run_time() -> None:
    doc = diagrams.linear(condition="().__class__.__base__.__subclasses__()")
    problems = problems_of({"a.bpmn": doc})
    assert [p.element for p in problems] == ["f_yes"]
    assert "__subclasses__" in problems[0].message


def test_xml_syntax_errors_carry_the_line() -> None:
    doc = diagrams.linear().replace(b'<bpmn:endEvent id="end_ok"/>', b"<bpmn:endEvent id=end_ok>")
    problems = problems_of({"a.bpmn": doc})
    assert len(problems) == 1
    assert problems[0].message.startswith("XML syntax error")
    assert problems[0].line == line_of(doc, "id=end_ok")


def test_schema_errors_are_all_listed() -> None:
    doc = diagrams.linear().replace(
        b'<bpmn:endEvent id="end_ok"/>', b'<bpmn:endEvent id="end_ok" bogus="1"/><bpmn:nonsense id="x1"/>'
    )
    problems = problems_of({"a.bpmn": doc})
    assert len([p for p in problems if p.message.startswith("schema")]) >= 2


def test_entities_are_refused_before_parsing() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>'
    problems = problems_of({"bomb.bpmn": bomb})
    assert "DOCTYPE" in problems[0].message
    external = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    assert "DOCTYPE" in problems_of({"e.bpmn": external})[0].message


def test_oversized_files_are_refused() -> None:
    problems, _ = check_files({"big.bpmn": b" " * 2048 + diagrams.linear()}, ROLES, max_bytes=1024)
    assert "limit is 1024" in problems[0].message


def test_script_tasks_need_an_administrator() -> None:
    doc = diagrams.script_process("scripted", "total = 1 + 2")
    assert "administrator" in problems_of({"s.bpmn": doc})[0].message
    assert problems_of({"s.bpmn": doc}, allow_scripts=True) == []


def test_spiff_semantic_errors_get_their_line_back() -> None:
    body = "\n".join(
        [
            '<bpmn:startEvent id="start"/>',
            user_task("t1", "Decide"),
            '<bpmn:exclusiveGateway id="gw"/>',
            '<bpmn:endEvent id="e1"/>',
            '<bpmn:endEvent id="e2"/>',
            flow("f1", "start", "t1"),
            flow("f2", "t1", "gw"),
            flow("f3", "gw", "e1", "x == 1"),
            flow("f4", "gw", "e2"),
        ]
    )
    doc = definitions("nodefault", body, {"quality_office": ["t1"]})
    problems = problems_of({"n.bpmn": doc})
    assert len(problems) == 1
    assert problems[0].element == "f4"
    assert problems[0].line == line_of(doc, 'id="f4"')


def test_deploying_a_bad_set_raises_with_all_problems(deploy) -> None:
    with pytest.raises(InvalidProcess) as caught:
        deploy({"a.bpmn": diagrams.linear(condition="amount >")})
    assert caught.value.problems[0].element == "f_yes"


def test_a_form_field_may_not_reuse_an_element_id() -> None:
    doc = diagrams.linear().replace(b'formField id="customer"', b'formField id="decide"')
    problems = problems_of({"a.bpmn": doc})
    assert [(p.element, "id of a diagram element" in p.message) for p in problems] == [("register", True)]


def test_iso_timer_literals_need_no_quotes() -> None:
    doc = diagrams.timer_escalation().replace(b"add_working_hours(now(), 8)", b"P3D")
    doc = doc.replace(b"timeDate", b"timeDuration")
    assert problems_of({"t.bpmn": doc}) == []


def test_a_timer_waiting_for_the_due_date_of_a_task_without_one_is_refused() -> None:
    doc = diagrams.timer_escalation().replace(b"add_working_hours(now(), 8)", b"task_due")
    problems = problems_of({"t.bpmn": doc})
    assert [p.message for p in problems] == [
        "the timer waits for the due date of 'Answer consultation', which has none"
    ]
    assert problems[0].line == line_of(doc, "task_due")


def test_a_dmn_output_named_like_a_sandbox_hook_is_refused() -> None:
    table = diagrams.arrival_deadline_dmn().replace(b'name="arrival_hours"', b'name="_getattr_"')
    problems = problems_of({"arrival.dmn": table, "a.bpmn": diagrams.linear()})
    assert [(p.element, p.file) for p in problems if "_getattr_" in p.message] == [("output_hours", "arrival.dmn")]


def test_the_condition_of_a_conditional_event_is_checked_like_any_condition() -> None:
    body = "\n".join(
        [
            '<bpmn:startEvent id="start"/>',
            '<bpmn:intermediateCatchEvent id="wait"><bpmn:conditionalEventDefinition id="cond">'
            '<bpmn:condition xsi:type="bpmn:tFormalExpression">__import__("os")</bpmn:condition>'
            "</bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>",
            '<bpmn:endEvent id="end"/>',
            flow("f1", "start", "wait"),
            flow("f2", "wait", "end"),
        ]
    )
    problems = problems_of({"c.bpmn": definitions("conditional", body, {"service_desk": ["start", "wait", "end"]})})
    assert [(p.element, p.line) for p in problems if "condition" in p.message] == [("cond", 6)]


def test_the_payload_expression_of_a_message_event_is_checked() -> None:
    body = "\n".join(
        [
            '<bpmn:startEvent id="start"/>',
            '<bpmn:intermediateThrowEvent id="tell"><bpmn:messageEventDefinition id="msg" '
            'camunda:expression="__import__(&quot;os&quot;).getuid()"/></bpmn:intermediateThrowEvent>',
            '<bpmn:endEvent id="end"/>',
            flow("f1", "start", "tell"),
            flow("f2", "tell", "end"),
        ]
    )
    problems = problems_of({"m.bpmn": definitions("messaging", body, {"service_desk": ["start", "tell", "end"]})})
    assert [p.element for p in problems if "message payload" in p.message] == ["msg"]


def decide_with(field_xml: str, task_properties: str = "") -> bytes:
    """The linear diagram with the Decide task's form (and task properties) replaced."""
    doc = diagrams.linear()
    start = doc.index(b'<bpmn:userTask id="decide"')
    end = doc.index(b"</bpmn:userTask>", start)
    extensions = f"<camunda:properties>{task_properties}</camunda:properties>" if task_properties else ""
    task = (
        f'<bpmn:userTask id="decide" name="Decide"><bpmn:extensionElements>{extensions}'
        f"<camunda:formData>{field_xml}</camunda:formData></bpmn:extensionElements>"
    )
    return doc[:start] + task.encode() + doc[end:]


def choices(value: str, kind: str = "boolean") -> str:
    return (
        f'<camunda:formField id="approved" label="审批结论" type="{kind}"><camunda:properties>'
        f'<camunda:property id="choices" value="{value}"/></camunda:properties></camunda:formField>'
    )


def test_a_decision_names_exactly_two_choices_on_a_yes_no_field() -> None:
    assert problems_of({"a.bpmn": decide_with(choices("批准|驳回"))}) == []
    for bad in ("批准", "批准|驳回|待定", "批准| "):
        messages = [p.message for p in problems_of({"a.bpmn": decide_with(choices(bad))})]
        expected = f"choices must be two names separated by '|', e.g. '批准|驳回', not '{bad}'"
        assert messages == [f"form field 'approved': {expected}"]
    wrong_kind = [p.message for p in problems_of({"a.bpmn": decide_with(choices("a|b", "string"))})]
    assert wrong_kind == ["form field 'approved': choices belong on a boolean field, not string"]


def test_a_total_names_other_number_fields_of_its_form() -> None:
    parts = (
        '<camunda:formField id="labour" label="服务费" type="decimal"/>'
        '<camunda:formField id="note" label="说明" type="string"/>'
    )
    total = (
        '<camunda:formField id="approved" label="合计" type="decimal"><camunda:properties>'
        '<camunda:property id="total_of" value="{}"/></camunda:properties></camunda:formField>'
    )
    assert problems_of({"a.bpmn": decide_with(parts + total.format("labour"))}) == []
    messages = [p.message for p in problems_of({"a.bpmn": decide_with(parts + total.format("labour+note+missing"))})]
    assert messages == [
        "form field 'approved': total_of names 'note', no other number field of this form",
        "form field 'approved': total_of names 'missing', no other number field of this form",
    ]


def test_the_facts_of_a_decision_are_field_names() -> None:
    good = '<camunda:property name="facts" value="customer, amount"/>'
    assert problems_of({"a.bpmn": decide_with(choices("批准|驳回"), good)}) == []
    bad = '<camunda:property name="facts" value="customer,amount-total"/>'
    messages = [p.message for p in problems_of({"a.bpmn": decide_with(choices("批准|驳回"), bad)})]
    assert messages == ["facts must name form fields (letters, digits, _), not 'amount-total'"]


def _rows_field(*properties: tuple[str, str], field_id: str = "parts") -> str:
    listed = "".join(f'<camunda:property id="{name}" value="{value}"/>' for name, value in properties)
    return (
        f'<camunda:formField id="{field_id}" label="配件" type="rows">'
        f"<camunda:properties>{listed}</camunda:properties></camunda:formField>"
    )


PARTS = (
    ("column.part_no", "text|零件号|required"),
    ("column.qty", "integer|数量|required"),
    ("column.unit_price", "decimal|单价"),
    ("column.amount", "decimal|金额|=qty*unit_price"),
)


def test_a_rows_field_declares_typed_columns_and_a_total_may_sum_one() -> None:
    total = (
        '<camunda:formField id="parts_total" label="配件合计" type="decimal"><camunda:properties>'
        '<camunda:property id="total_of" value="parts.amount"/></camunda:properties></camunda:formField>'
    )
    assert problems_of({"a.bpmn": decide_with(_rows_field(*PARTS, ("max_rows", "20")) + total)}) == []
    wrong_total = total.replace("parts.amount", "parts.part_no")
    messages = [p.message for p in problems_of({"a.bpmn": decide_with(_rows_field(*PARTS) + wrong_total)})]
    assert messages == ["form field 'parts_total': total_of names 'parts.part_no', no other number field of this form"]


@pytest.mark.parametrize(
    ("properties", "message"),
    [
        ((), "a rows field needs at least one column property 'column.<id>' = 'type|label'"),
        (
            (("column.qty", "money|数量"),),
            "column 'qty' has unknown type 'money' (one of text, integer, decimal, date, enum)",
        ),
        (
            (("column.qty", "integer|数量|optional"),),
            "column 'qty': unknown flag 'optional' (required, =a*b or options=…)",
        ),
        (
            (("column.a", "text|名称"), ("column.b", "decimal|金额|=a*a")),
            "column 'b' multiplies 'a', no other number column",
        ),
        ((("column.a", "text|名称|=a"),), "column 'a' is computed, so it must be a number column"),
        ((("column.a", "text|名称"), ("max_rows", "0")), "max_rows must be a whole number from 1 to 500, not '0'"),
    ],
)
def test_a_bad_rows_field_is_refused_with_the_column_named(properties, message) -> None:
    messages = [p.message for p in problems_of({"a.bpmn": decide_with(_rows_field(*properties))})]
    assert messages == [f"rows field 'parts': {message}"]


def test_a_reason_required_on_refusal_names_a_yes_no_field_of_its_form() -> None:
    reason = (
        '<camunda:formField id="reason" label="理由" type="string"><camunda:properties>'
        '<camunda:property id="required_unless" value="{}"/></camunda:properties></camunda:formField>'
    )
    note = '<camunda:formField id="note" label="说明" type="string"/>'
    assert problems_of({"a.bpmn": decide_with(choices("批准|驳回") + reason.format("approved"))}) == []
    messages = [
        p.message for p in problems_of({"a.bpmn": decide_with(choices("批准|驳回") + note + reason.format("note"))})
    ]
    assert messages == ["form field 'reason': required_unless names 'note', no yes/no field of this form"]


def test_a_form_option_named_like_a_task_does_not_shadow_the_task(deploy, ctx, make_user) -> None:
    """A cause option ``service`` on the task ``service`` once made the engine take the option
    for the task and refuse the whole file."""
    option = (
        b'<camunda:formField id="kind" label="k" type="enum"><camunda:value id="decide" name="d"/></camunda:formField>'
    )
    doc = diagrams.linear().replace(b'<camunda:formField id="approved"', option + b'<camunda:formField id="approved"')
    assert problems_of({"a.bpmn": doc}) == []
    deploy({"a.bpmn": doc})
    desk = make_user("desk_opt", "service_desk")
    office = make_user("office_opt", "quality_office")
    case = cases.start_case(ctx, desk, "two_steps", {"channel": "phone"})
    item = next(t for t in tasks.list_tasks(ctx, desk) if t.case_id == case.id)
    tasks.complete_task(ctx, desk, item.id, {"customer": "示例"})
    assert [t.bpmn_id for t in tasks.list_tasks(ctx, office) if t.case_id == case.id] == ["decide"]
