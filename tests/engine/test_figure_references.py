"""The dashboard's figures read steps and fields of the diagrams: a deployment that would lose
one is refused, naming the step, its file and the figure."""

from __future__ import annotations

import re

import pytest

from engine.domain.errors import InvalidProcess
from engine.services import processes
from tests.actors import SYSTEM
from tests.processes.conftest import PROCESSES

SHIPPED = {p.name: p.read_bytes() for p in PROCESSES.iterdir() if p.is_file()}


def renamed_step(source: bytes, old: str, new: str) -> bytes:
    """The step's id changed everywhere the file names it, as a modeler does."""
    text = source.decode()
    for pattern in ('id="{}"', 'sourceRef="{}"', 'targetRef="{}"', 'bpmnElement="{}"', "<bpmn:flowNodeRef>{}<"):
        text = text.replace(pattern.format(old), pattern.format(new))
    return text.encode()


def test_renaming_the_dispatch_step_is_refused_naming_the_step_and_the_figure(ctx) -> None:
    processes.deploy_files(ctx, SYSTEM, SHIPPED)
    changed = renamed_step(SHIPPED["onsite_repair.bpmn"], "dispatch", "assign")
    assert b'id="assign"' in changed and b'id="dispatch"' not in changed
    checked = processes.validate_upload(ctx, SYSTEM, {"onsite_repair.bpmn": changed})
    assert not checked.executable
    [problem] = [p for p in checked.problems if "quality dashboard" in p.message]
    assert (problem.element, problem.file) == ("dispatch", "onsite_repair.bpmn")
    assert "field 'engineer' of step 'dispatch'" in problem.message and "engineers' ratings" in problem.message
    with pytest.raises(InvalidProcess):
        processes.deploy_files(ctx, SYSTEM, {"onsite_repair.bpmn": changed}, ["service_request"])


def test_renaming_a_rated_question_is_refused_but_renaming_a_label_is_not(ctx) -> None:
    processes.deploy_files(ctx, SYSTEM, SHIPPED)
    survey = SHIPPED["satisfaction_survey.bpmn"]
    question = survey.replace(b'formField id="rating_skill"', b'formField id="rating_technique"')
    checked = processes.validate_upload(ctx, SYSTEM, {"satisfaction_survey.bpmn": question})
    assert [(p.element, p.file) for p in checked.problems] == [("rate", "satisfaction_survey.bpmn")]
    label = re.sub(rb'(formField id="rating_skill" label=")[^"]*', "\\g<1>专业能力".encode(), survey)
    assert label != survey
    assert processes.validate_upload(ctx, SYSTEM, {"satisfaction_survey.bpmn": label}).executable


def test_a_set_that_never_had_the_figures_steps_deploys(ctx, deploy) -> None:
    from tests import diagrams

    assert deploy({"linear.bpmn": diagrams.linear()})[0].created  # nothing to lose
