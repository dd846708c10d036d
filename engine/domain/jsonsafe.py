"""Make process data storable in JSON columns and hashable in the audit chain.

``storable`` is the gate every step's data passes before it is written: plain JSON types only,
finite numbers, integers that fit 64 bits, at most ``MAX_DEPTH`` levels and ``MAX_BYTES`` in all.
A value that a DMN table, a script or a form produced outside those bounds (a ``range``, NaN,
a 5 000-deep list, a 10 000-digit integer, hundreds of megabytes) would otherwise break the
JSON column, poison the case for every later action, and swell every page that lists it.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID


def json_safe(value: Any) -> Any:
    """Return ``value`` with dates, decimals and UUIDs as text and tuples/sets as lists."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_safe(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


MAX_DEPTH = 32
MAX_BYTES = 1_000_000
INT_RANGE = (-(2**63), 2**63 - 1)


class UnstorableData(ValueError):
    """A value of case data that cannot be stored; the message names where it is."""


def storable(value: Any, max_bytes: int = MAX_BYTES) -> Any:
    """``value`` as JSON data, or UnstorableData naming the first problem and its path.

    Walks the value with an explicit stack, so a deeply nested one is refused rather than
    exhausting Python's recursion limit.
    """
    size = 0
    root: list[Any] = [None]
    stack: list[tuple[Any, list[Any] | dict[str, Any], Any, str, int]] = [(value, root, 0, "data", 0)]
    while stack:
        item, parent, key, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise UnstorableData(f"{path}: nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, bool) or item is None:
            converted: Any = item
            size += 5
        elif isinstance(item, int):
            if not INT_RANGE[0] <= item <= INT_RANGE[1]:
                raise UnstorableData(f"{path}: an integer too large to store")
            converted = item
            size += 20
        elif isinstance(item, float):
            if item != item or item in (float("inf"), float("-inf")):
                raise UnstorableData(f"{path}: not a finite number")
            converted = item
            size += 24
        elif isinstance(item, str):
            converted = item
            size += len(item) + 2
        elif isinstance(item, (datetime, date)):
            converted = item.isoformat()
            size += 32
        elif isinstance(item, (Decimal, UUID)):
            if isinstance(item, Decimal) and not item.is_finite():
                raise UnstorableData(f"{path}: not a finite number")
            converted = str(item)
            size += len(converted) + 2
        elif isinstance(item, dict):
            converted = {}
            for child_key, child in item.items():
                name = str(child_key)
                size += len(name) + 4
                stack.append((child, converted, name, f"{path}.{name}", depth + 1))
        elif isinstance(item, (list, tuple, set, frozenset)):
            converted = [None] * len(item)
            for index, child in enumerate(item):
                stack.append((child, converted, index, f"{path}[{index}]", depth + 1))
        else:
            raise UnstorableData(f"{path}: a {type(item).__name__} is not data")
        if size > max_bytes:
            raise UnstorableData(f"{path}: the case data would exceed {max_bytes // 1000} KB")
        parent[key] = converted
    return root[0]
