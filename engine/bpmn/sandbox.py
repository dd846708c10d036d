"""Run process expressions and scripts under RestrictedPython with CPU and size limits.

SpiffWorkflow evaluates every condition, timer, DMN cell and script with plain ``eval``; the
recipe its docs suggest (``safe_globals`` passed to ``eval``) is escapable because the source is
never compiled restricted. Here every source goes through ``compile_restricted_*`` with a policy
that also rewrites the operators that can build huge values (``**``, ``*``, ``<<``, ``%``) into
guarded calls, and running code is traced opcode by opcode against a CPU-time budget.
"""

from __future__ import annotations

import ast
import builtins
import math
import operator
import sys
import time
from collections.abc import Callable
from collections.abc import Mapping
from datetime import date
from datetime import datetime
from datetime import timedelta
from functools import lru_cache
from types import CodeType
from types import FrameType
from typing import Any

from RestrictedPython.compile import compile_restricted_eval
from RestrictedPython.compile import compile_restricted_exec
from RestrictedPython.Guards import full_write_guard
from RestrictedPython.Guards import guarded_iter_unpack_sequence
from RestrictedPython.Guards import guarded_unpack_sequence
from RestrictedPython.Guards import safer_getattr
from RestrictedPython.transformer import RestrictingNodeTransformer

from engine.domain.errors import SandboxViolation

FILENAME = "<aftercare-sandbox>"
MAX_SEQUENCE = 1_000_000
MAX_INT_BITS = 100_000
MAX_FORMAT_WIDTH = 1000
BLOCKED_METHODS = frozenset({"format", "format_map", "ljust", "rjust", "center", "zfill", "expandtabs"})

_GUARDED_OPS: dict[type[ast.operator], str] = {
    ast.Pow: "_pow_",
    ast.Mult: "_mul_",
    ast.LShift: "_lshift_",
    ast.Mod: "_mod_",
}


class SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy plus guarded size-amplifying operators and format widths."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        guard = _GUARDED_OPS.get(type(node.op))
        if guard is None:
            return node
        func = ast.copy_location(ast.Name(guard, ast.Load()), node)
        call = ast.Call(func=func, args=[node.left, node.right], keywords=[])
        return ast.copy_location(call, node)

    def visit_Import(self, node: ast.Import) -> ast.AST:
        self.error(node, "Imports are not allowed in process code.")
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        self.error(node, "Imports are not allowed in process code.")
        return node

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        spec = node.format_spec
        if spec is not None:
            parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
            for part in parts:
                if not isinstance(part, ast.Constant):
                    self.error(node, "Format specifications must be literal text.")
                    continue
                widths = [int(n) for n in _digits(str(part.value))]
                if any(width > MAX_FORMAT_WIDTH for width in widths):
                    self.error(node, f"Format widths above {MAX_FORMAT_WIDTH} are not allowed.")
        return self.node_contents_visit(node)


def _digits(text: str) -> list[str]:
    runs, current = [], ""
    for char in text:
        if char.isdigit():
            current += char
        elif current:
            runs.append(current)
            current = ""
    return runs + ([current] if current else [])


def _pow(base: Any, exponent: Any) -> Any:
    is_int_power = isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1
    if is_int_power and base.bit_length() * exponent > MAX_INT_BITS:
        raise SandboxViolation(f"{base} ** {exponent} is too large to compute")
    return base**exponent


def _mul(left: Any, right: Any) -> Any:
    for seq, count in ((left, right), (right, left)):
        repeats = isinstance(seq, (str, bytes, list, tuple)) and isinstance(count, int)
        if repeats and len(seq) * count > MAX_SEQUENCE:
            raise SandboxViolation(f"a sequence of {len(seq) * count} items is too large")
    both_int = isinstance(left, int) and isinstance(right, int)
    if both_int and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise SandboxViolation("the product is too large to compute")
    return left * right


def _lshift(left: Any, right: Any) -> Any:
    if isinstance(right, int) and right > MAX_INT_BITS:
        raise SandboxViolation(f"shifting by {right} bits is too large")
    return left << right


def _mod(left: Any, right: Any) -> Any:
    if isinstance(left, (str, bytes)):
        raise SandboxViolation("%-formatting of text is not available; use an f-string")
    return left % right


_INPLACE = {
    "+=": operator.add,
    "-=": operator.sub,
    "*=": _mul,
    "/=": operator.truediv,
    "//=": operator.floordiv,
    "%=": _mod,
    "**=": _pow,
    "<<=": _lshift,
    ">>=": operator.rshift,
    "|=": operator.or_,
    "&=": operator.and_,
    "^=": operator.xor,
}


def _inplacevar(op: str, target: Any, value: Any) -> Any:
    try:
        return _INPLACE[op](target, value)
    except KeyError:
        raise SandboxViolation(f"operator {op} is not available") from None


def _getattr(obj: Any, name: str, default: Any = None) -> Any:
    if name in BLOCKED_METHODS and isinstance(obj, (str, bytes, type)):
        raise SandboxViolation(f"{type(obj).__name__}.{name} is not available in process code")
    return safer_getattr(obj, name, default)  # type: ignore[no-untyped-call]  # RestrictedPython has no types


def _range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_SEQUENCE:
        raise SandboxViolation(f"range of {len(result)} items is too large")
    return result


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


_SAFE_BUILTIN_NAMES = [
    "abs",
    "all",
    "any",
    "bool",
    "dict",
    "divmod",
    "enumerate",
    "filter",
    "float",
    "frozenset",
    "int",
    "isinstance",
    "len",
    "list",
    "map",
    "max",
    "min",
    "reversed",
    "round",
    "set",
    "sorted",
    "str",
    "sum",
    "tuple",
    "zip",
    "ValueError",
    "KeyError",
    "TypeError",
]

# Imports C code does on its own (``datetime.strptime`` loads ``_strptime``); process code itself
# cannot import: RestrictedPython refuses import statements and names starting with "_".
_INTERNAL_IMPORTS = frozenset({"_strptime"})


def _internal_import(name: str, *args: Any, **kwargs: Any) -> Any:
    if name not in _INTERNAL_IMPORTS:
        raise SandboxViolation(f"importing {name} is not available in process code")
    return builtins.__import__(name, *args, **kwargs)


BUILTINS: dict[str, Any] = {name: getattr(builtins, name) for name in _SAFE_BUILTIN_NAMES}
BUILTINS.update({"None": None, "True": True, "False": False, "range": _range, "pow": _pow})
BUILTINS["__import__"] = _internal_import

GUARDS: dict[str, Any] = {
    "__builtins__": BUILTINS,
    "_getattr_": _getattr,
    "_getitem_": operator.getitem,
    "_getiter_": iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
    "_apply_": _apply,
    "_pow_": _pow,
    "_mul_": _mul,
    "_lshift_": _lshift,
    "_mod_": _mod,
    "math": math,
    "date": date,
    "datetime": datetime,
    "timedelta": timedelta,
}


# The names RestrictedPython's compiled code calls (``_getattr_``, ``_write_`` …) and the builtins.
_HOOKS = {name: value for name, value in GUARDS.items() if name.startswith("_")}


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> CodeType:
    """Compile an expression restricted, or raise SandboxViolation listing every problem."""
    result = compile_restricted_eval(source.strip(), FILENAME, policy=SandboxPolicy)
    if result.errors or result.code is None:
        raise SandboxViolation("; ".join(result.errors) or "could not compile expression")
    return result.code


@lru_cache(maxsize=1024)
def compile_script(source: str) -> CodeType:
    """Compile a script restricted, or raise SandboxViolation listing every problem."""
    result = compile_restricted_exec(source, FILENAME, policy=SandboxPolicy)
    if result.errors or result.code is None:
        raise SandboxViolation("; ".join(result.errors) or "could not compile script")
    return result.code


def check_source(source: str, mode: str) -> str | None:
    """Return the sandbox's complaint about ``source``, or None when it compiles."""
    try:
        (compile_expression if mode == "eval" else compile_script)(source)
    except SandboxViolation as err:
        return str(err)
    except SyntaxError as err:
        return f"SyntaxError: {err.msg} (line {err.lineno})"
    return None


class CpuLimit:
    """Raise SandboxViolation once sandboxed frames have used more CPU than allowed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def run(self, func: Callable[[], Any]) -> Any:
        deadline = time.thread_time() + self.seconds
        counter = 0

        def local(frame: FrameType, event: str, arg: Any) -> Any:
            nonlocal counter
            counter += 1
            if counter & 0xFF == 0 and time.thread_time() > deadline:
                raise SandboxViolation(f"CPU time limit of {self.seconds} s exceeded")
            return local

        def global_trace(frame: FrameType, event: str, arg: Any) -> Any:
            if frame.f_code.co_filename != FILENAME:
                return None
            frame.f_trace_opcodes = True
            if time.thread_time() > deadline:
                raise SandboxViolation(f"CPU time limit of {self.seconds} s exceeded")
            return local

        previous = sys.gettrace()
        sys.settrace(global_trace)
        try:
            return func()
        finally:
            sys.settrace(previous)


def evaluate(source: str, data: Mapping[str, Any], helpers: Mapping[str, Any], limit: CpuLimit) -> Any:
    """Evaluate an expression against task data; data names shadow helpers."""
    code = compile_expression(source)
    scope = {**GUARDS, **helpers, **data, **_HOOKS}  # data may shadow names, never the guard hooks
    return limit.run(lambda: eval(code, scope))  # noqa: S307 - restricted code object


def execute(source: str, data: dict[str, Any], helpers: Mapping[str, Any], limit: CpuLimit) -> None:
    """Run a script; the variables it leaves (not functions or guards) become task data."""
    code = compile_script(source)
    reserved = {**GUARDS, **helpers}
    scope = {**reserved, **data, **_HOOKS}  # data may shadow names, never the guard hooks
    limit.run(lambda: exec(code, scope))  # noqa: S102 - restricted code object
    for key in list(data):
        if key not in scope:
            del data[key]
    for key, value in scope.items():
        if key.startswith("_") or callable(value) or reserved.get(key) is value:
            continue
        data[key] = value


# -- which expressions may run in the server process ------------------------------------------
#
# An expression whose every step has a bounded cost cannot stall the server: names, small
# constants, comparisons, boolean logic, arithmetic that cannot amplify (no *, **, <<), item
# access, and calls of the date helpers, whose arguments the working calendar bounds. Everything
# else — scripts, comprehensions, other calls — runs in a bounded worker process.

BOUNDED_CALLS = frozenset(
    {"now", "add_working_hours", "add_working_days", "add_hours", "add_days", "add_months"}
    | {"due", "before", "arrival_due", "dispatch_at_registration", "len", "abs", "bool"}
)
_BOUNDED_NODES = (
    ast.Expression,
    ast.Name,
    ast.Load,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.Is,
    ast.IsNot,
    ast.In,
    ast.NotIn,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Div,
    ast.FloorDiv,
    ast.IfExp,
    ast.Subscript,
    ast.Tuple,
    ast.List,
    ast.Constant,
    ast.Call,
)
MAX_INLINE_TEXT = 1000
MAX_INLINE_INT_BITS = 64


@lru_cache(maxsize=4096)
def is_bounded(source: str) -> bool:
    """Whether ``source`` is an expression the server process may evaluate itself."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if not isinstance(node, _BOUNDED_NODES):
            return False
        if isinstance(node, ast.Call):
            named = isinstance(node.func, ast.Name) and node.func.id in BOUNDED_CALLS
            if not named or node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
                return False
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            return False
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, (str, bytes)) and len(value) > MAX_INLINE_TEXT:
                return False
            if isinstance(value, int) and value.bit_length() > MAX_INLINE_INT_BITS:
                return False
    return True
