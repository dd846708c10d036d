"""Diagrams drawn by other tools (the BPMN MIWG suite in ../shared/conformance): every file is
read without a crash, and whatever keeps it from running is reported per element."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.bpmn.building import check_files
from engine.domain.roles import role_aliases

CONFORMANCE = Path(__file__).resolve().parents[3] / "shared" / "conformance"
FILES = sorted(CONFORMANCE.glob("*/*.bpmn"))
ALIASES = role_aliases()

if not FILES and os.environ.get("CI"):  # CI always has shared/ beside the clone
    raise RuntimeError(f"no conformance files in {CONFORMANCE}")
pytestmark = pytest.mark.skipif(not FILES, reason="../shared/conformance is not beside this checkout")


def check(path: Path) -> tuple[list, list]:
    return check_files({path.name: path.read_bytes()}, ALIASES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_foreign_file_is_read_and_each_problem_names_its_element_and_line(path: Path) -> None:
    problems, built = check(path)
    errors = [p for p in problems if p.severity == "error"]
    assert bool(built) == (not errors)
    for problem in problems:
        assert problem.file == path.name
        assert problem.element and problem.line, problem
        assert "\n" not in problem.message and "Exception" not in problem.message, problem.message
        assert "<Element" not in problem.message, problem.message  # no lxml object text


def messages(name: str) -> list[str]:
    return [p.message for p in check(CONFORMANCE / name)[0]]


def test_a_collapsed_sub_process_without_steps_is_named() -> None:
    assert any(
        "sub-process 'Collapsed Sub-Process' has no start event" in m
        for m in messages("miwg-bpmn-io/A.3.0-export.bpmn")
    )


def test_non_executable_pools_and_data_stores_are_reported() -> None:
    found = messages("miwg-bpmn-io/C.4.0-export.bpmn")
    assert any("is not executable: set isExecutable" in m for m in found)
    assert any(m.startswith("data store 'Employee Details' is not supported") for m in found)


def test_a_business_rule_task_without_a_decision_table_is_reported() -> None:
    assert any(
        "business-rule task 'Vacation Approval' names no decision table" in m
        for m in messages("miwg-bpmn-io/C.8.0-export.bpmn")
    )


def test_tasks_that_split_without_a_gateway_are_reported() -> None:
    found = messages("miwg-bpmn-io/A.2.1-export.bpmn")
    assert sum("outgoing sequence flows: split with a parallel or exclusive gateway" in m for m in found) == 2


def test_a_pool_that_only_documents_a_partner_is_a_warning_and_the_rest_runs() -> None:
    problems, built = check(CONFORMANCE / "miwg-bpmn-io/A.4.0-export.bpmn")
    assert built
    assert [p.severity for p in problems] == ["warning"]
    assert "only documents a partner" in problems[0].message
