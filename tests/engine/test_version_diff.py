"""Comparing two versions of a process: what was added, removed and changed (not moved)."""

from __future__ import annotations

import re

import pytest

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
