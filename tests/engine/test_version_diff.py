"""Comparing two versions of a process: what was added, removed and changed (not moved)."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from engine.bpmn.version_diff import ElementChange
from engine.bpmn.version_diff import FacetChange
from engine.bpmn.version_diff import diff_sources
from engine.domain.errors import NotAllowed
from engine.services import processes
from tests import diagrams
from tests.processes.conftest import PROCESSES


def test_compare_lists_added_removed_and_changed_elements(ctx, deploy, make_user) -> None:
    owner = make_user("owner", "process_owner")
    deploy({"linear.bpmn": diagrams.linear()})
    changed = (
        diagrams.linear(condition="approved == False")  # a condition edited
        .replace(b'<bpmn:userTask id="rework" name="Rework"', b'<bpmn:userTask id="rework" name="Rework again"')
        .replace(b'<bpmn:endEvent id="end_rework"/>', b'<bpmn:endEvent id="end_rework"/><bpmn:endEvent id="spare"/>')
    )
    deploy({"linear.bpmn": changed})
    found = {(c.element, c.change) for c in processes.compare_versions(ctx, owner, "two_steps", 1, 2)}
    assert found == {("spare", "added"), ("f_yes", "changed"), ("rework", "changed")}
    back = {(c.element, c.change) for c in processes.compare_versions(ctx, owner, "two_steps", 2, 1)}
    assert ("spare", "removed") in back


def test_moving_shapes_is_not_a_change_and_only_owners_compare(ctx, deploy, make_user) -> None:
    owner = make_user("owner", "process_owner")
    source = (PROCESSES / "follow_up.bpmn").read_bytes()
    deploy({"follow_up.bpmn": source})
    moved = re.sub(rb'(bpmnElement="call"><dc:Bounds x=")(\d+)', rb"\g<1>999", source)
    assert moved != source
    deploy({"follow_up.bpmn": moved})
    assert processes.compare_versions(ctx, owner, "follow_up", 1, 2) == []
    with pytest.raises(NotAllowed):
        processes.compare_versions(ctx, make_user("desk", "service_desk"), "follow_up", 1, 2)


def resaved(source: str) -> str:
    """The file as another modeler writes it: other prefixes and indentation, an extra namespace,
    attributes in another order, new generated ids for nested definitions."""
    text = source.replace("bpmn:", "bpmn2:").replace(
        "xmlns:bpmn=", 'xmlns:bioc="http://bpmn.io/schema/bpmn/biocolor/1.0" xmlns:bpmn2='
    )
    text = re.sub(r'<bpmn2:userTask id="(\w+)" name="([^"]*)"', r'<bpmn2:userTask name="\2" id="\1"', text)
    text = text.replace('timerEventDefinition id="late_report_timer"', 'timerEventDefinition id="Timer_0x1"')
    root = etree.fromstring(text.encode("utf-8"))
    etree.indent(root, space="    ")
    return etree.tostring(root, encoding="unicode")


def test_a_file_saved_again_by_another_modeler_differs_only_where_its_meaning_changed() -> None:
    source = (PROCESSES / "onsite_repair.bpmn").read_text(encoding="utf-8")
    assert 'id="Timer_0x1"' in resaved(source)
    assert diff_sources({"a.bpmn": source}, {"a.bpmn": resaved(source)}) == []
    renamed = resaved(source).replace('name="报价"', 'name="核定报价"')
    assert diff_sources({"a.bpmn": source}, {"a.bpmn": renamed}) == [
        ElementChange("quote", "userTask", "核定报价", "changed", (FacetChange("name", "报价", "核定报价"),))
    ]


NOTE = (
    '<camunda:formField id="quote_note" label="报价说明" type="string"><camunda:properties>'
    '<camunda:property id="multiline" value="true"/></camunda:properties>'
)


def test_each_changed_facet_is_named_with_its_old_and_new_value() -> None:
    source = (PROCESSES / "onsite_repair.bpmn").read_text(encoding="utf-8")
    edited = (
        source.replace("due('quote', now())", "add_working_hours(now(), 4)")  # the quote's due date
        .replace(  # the quote note becomes required
            NOTE + "<camunda:validation>", NOTE + '<camunda:validation><camunda:constraint name="required"/>'
        )
        .replace("<bpmn:flowNodeRef>invoice</bpmn:flowNodeRef>", "")  # the invoice leaves the finance lane …
        .replace(
            "<bpmn:flowNodeRef>tell_no_service</bpmn:flowNodeRef>",
            "<bpmn:flowNodeRef>tell_no_service</bpmn:flowNodeRef><bpmn:flowNodeRef>invoice</bpmn:flowNodeRef>",
        )
    )
    changes = {c.element: c.details for c in diff_sources({"a.bpmn": source}, {"a.bpmn": edited})}
    assert changes == {
        "quote": (
            FacetChange("camunda:dueDate", "due('quote', now())", "add_working_hours(now(), 4)"),
            FacetChange("camunda:formField[quote_note]/camunda:constraint[required]", None, "✓"),
        ),
        "lane_finance": (
            FacetChange(
                "flowNodeRef",
                "bill_partner, end, gw_done, gw_invoice, gw_reimburse, invoice, quote, reimburse",
                "bill_partner, end, gw_done, gw_invoice, gw_reimburse, quote, reimburse",
            ),
        ),  # … for the service desk's
        "lane_service_desk": (
            FacetChange("flowNodeRef", "end_no_service, tell_no_service", "end_no_service, invoice, tell_no_service"),
        ),
    }
