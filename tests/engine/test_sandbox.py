"""Every expression and script runs restricted; known escapes are refused with a clear error."""

from __future__ import annotations

import time

import pytest

from engine.bpmn import sandbox
from engine.domain.errors import SandboxViolation

LIMIT = sandbox.CpuLimit(0.5)

ESCAPES = {
    "subclasses_walk": "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close']",
    "format_attribute": "'{0.__class__.__base__}'.format(1)",
    "format_map": "'{x.__class__}'.format_map({'x': 1})",
    "dunder_import": "__import__('os').getuid()",
    "open_file": "open('/etc/hostname').read()",
    "eval_builtin": "eval('1')",
    "exec_builtin": "exec('x = 1')",
    "compile_builtin": "compile('1', 'x', 'eval')",
    "globals_builtin": "globals()",
    "vars_builtin": "vars()",
    "type_builtin": "type(1).__subclasses__()",
    "generator_frame": "(x for x in [1]).gi_frame.f_globals",
    "frame_back": "(x for x in [1]).gi_frame.f_back",
    "getattr_dunder": "getattr(1, '__class__')",
    "function_globals": "(lambda: 1).__globals__",
    "code_object": "(lambda: 1).__code__",
    "huge_power": "10 ** 10 ** 10",
    "pow_builtin": "pow(10, 10 ** 7)",
    "string_bomb": "'x' * (10 ** 9)",
    "list_bomb": "[0] * (10 ** 9)",
    "shift_bomb": "1 << (10 ** 9)",
    "percent_format_bomb": "'%0999999999d' % 1",
    "fstring_width_bomb": "f'{1:>999999999}'",
    "padding_bomb": "'x'.ljust(10 ** 9)",
    "range_bomb": "sum(range(10 ** 12))",
}


@pytest.mark.parametrize("source", ESCAPES.values(), ids=ESCAPES.keys())
def test_known_escape_is_rejected(source: str) -> None:
    with pytest.raises((SandboxViolation, NameError)) as caught:
        sandbox.evaluate(source, {}, {}, LIMIT)
    assert str(caught.value)


def test_rejection_messages_name_the_problem() -> None:
    with pytest.raises(SandboxViolation, match="__subclasses__"):
        sandbox.compile_expression("().__class__.__subclasses__()")
    with pytest.raises(SandboxViolation, match="too large"):
        sandbox.evaluate("10 ** 10 ** 10", {}, {}, LIMIT)
    with pytest.raises(NameError, match="open"):
        sandbox.evaluate("open('/etc/passwd')", {}, {}, LIMIT)


@pytest.mark.parametrize(
    "script", ["while True:\n    pass\n", "while True: pass", "x = [i for i in range(10**6) for j in range(10**6)]"]
)
def test_scripts_are_stopped_at_the_cpu_limit(script: str) -> None:
    started = time.monotonic()
    with pytest.raises(SandboxViolation, match="CPU time limit"):
        sandbox.execute(script, {}, {}, sandbox.CpuLimit(0.2))
    assert time.monotonic() - started < 5


def test_business_expressions_still_work() -> None:
    data = {"amount": 1200, "kind": "refund", "parts": [{"qty": 2, "price": 30}, {"qty": 1, "price": 15}]}
    assert sandbox.evaluate("amount > 1000 and kind == 'refund'", data, {}, LIMIT) is True
    assert sandbox.evaluate("sum(p['qty'] * p['price'] for p in parts)", data, {}, LIMIT) == 75
    assert sandbox.evaluate("f'{amount:>8}'", data, {}, LIMIT) == "    1200"
    assert sandbox.evaluate("2 ** 10", data, {}, LIMIT) == 1024
    assert sandbox.evaluate("'-' * 3", data, {}, LIMIT) == "---"


def test_scripts_write_plain_values_back_to_task_data() -> None:
    data = {"items": [3, 4], "label": "x"}
    script = "total = 0\nfor n in items:\n    total += n\nlabel += '!'\ndef helper():\n    return 1\n"
    sandbox.execute(script, data, {"now": lambda: 0}, LIMIT)
    assert data == {"items": [3, 4], "label": "x!", "total": 7, "n": 4}


def test_scripts_cannot_escape_through_attribute_writes() -> None:
    with pytest.raises(SandboxViolation, match="Imports are not allowed"):
        sandbox.execute("import os\n", {}, {}, LIMIT)
    with pytest.raises(SandboxViolation):
        sandbox.execute("x = 1\nx.__class__ = int\n", {}, {}, LIMIT)


def test_data_cannot_pose_as_a_guard_hook() -> None:
    """A value named like RestrictedPython's hooks (a DMN output, say) must not replace them."""
    data = {"_getattr_": "not a function", "_getiter_": None, "customer": "东方机械"}
    assert sandbox.evaluate("customer.upper()", data, {}, LIMIT) == "东方机械"
    assert sandbox.evaluate("[c for c in customer]", data, {}, LIMIT) == ["东", "方", "机", "械"]


def test_datetime_strptime_parses_dates_in_process_code() -> None:
    from datetime import datetime

    assert sandbox.evaluate("datetime.strptime(day, '%Y-%m-%d')", {"day": "2026-03-02"}, {}, LIMIT) == datetime(
        2026, 3, 2
    )
