"""Case data is checked when a step writes it, and lists show a summary, never the whole of it (class 4)."""

from __future__ import annotations

import pytest

from engine.domain.errors import StepFailed
from engine.domain.jsonsafe import MAX_DEPTH
from engine.domain.jsonsafe import UnstorableData
from engine.domain.jsonsafe import storable
from engine.services import case_views
from engine.services import cases
from tests import diagrams
from tests.actors import SYSTEM

UNSTORABLE = {
    "nan": (float("nan"), "not a finite number"),
    "infinity": (float("inf"), "not a finite number"),
    "huge_integer": (10**10_000, "integer too large"),
    "deep_list": (None, f"deeper than {MAX_DEPTH}"),
    "a_range": (range(3), "a range is not data"),
    "too_much": ("x" * 1_100_000, "would exceed 1000 KB"),
}


def deep(levels: int) -> list:
    value: list = []
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize("name", sorted(UNSTORABLE))
def test_values_outside_the_bounds_are_refused_with_their_path(name: str) -> None:
    value, says = UNSTORABLE[name]
    if name == "deep_list":
        value = deep(5000)  # recursion would fail long before: the walk must not recurse
    with pytest.raises(UnstorableData, match=says) as refused:
        storable({"result": {"inner": value}})
    assert str(refused.value).startswith("data.result.inner")


def test_plain_data_passes_as_json() -> None:
    from datetime import date
    from decimal import Decimal

    given = {"amount": Decimal("12.50"), "on": date(2026, 3, 2), "parts": ("A", "B"), "ok": True, "n": 3}
    assert storable(given) == {"amount": "12.50", "on": "2026-03-02", "parts": ["A", "B"], "ok": True, "n": 3}


SCRIPTS = {
    "nan": ("result = float('nan')", "not a finite number"),
    "huge_integer": ("result = 10 ** 9999", "integer too large"),
    "a_range": ("result = range(3)", "not plain data"),
    "deep_list": ("result = []\nfor i in range(200):\n    result = [result]", "nested too deeply"),
    "too_much": ("result = ['x' * 900000, 'y' * 900000]", "would exceed 1000 KB"),
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_a_script_that_leaves_unstorable_data_fails_its_step_with_the_reason(ctx, deploy, make_user, name) -> None:
    script, says = SCRIPTS[name]
    deploy({"poison.bpmn": diagrams.script_process("poison", script)}, allow_scripts=True)
    office = make_user("qo", "quality_office")
    with pytest.raises(StepFailed, match=says):
        cases.start_case(ctx, office, "poison", {})
    found, total = case_views.list_cases(ctx, office)
    assert all(case.status != "running" for case in found)  # nothing half-stored keeps running


def test_lists_carry_a_summary_of_each_case_not_its_data(ctx, deploy, make_user) -> None:
    script = "customer = '东方机械'\nnotes = 'n' * 500000\nserial_number = 'SN-1'"
    deploy({"big.bpmn": diagrams.script_process("big", script)}, allow_scripts=True)
    office = make_user("qo", "quality_office")
    case = cases.start_case(ctx, office, "big", {})
    [listed], _total = case_views.list_cases(ctx, office)
    assert listed.data == {"customer": "东方机械", "serial_number": "SN-1"}
    assert len(cases.get_case(ctx, SYSTEM, case.id).data["notes"]) == 500000  # the case page has it all
