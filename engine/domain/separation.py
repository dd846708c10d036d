"""Separation of duties declared on a task with ``camunda:properties``:

- ``separation.not_same_as`` = ``task_id[,task_id…]``: not the person who completed one of these
  tasks in the same case (four eyes: who issues a notice does not approve it);
- ``separation.not_initiator`` = ``true``: not the person who opened the case.

The rules travel with the open work item, so completing a task checks them with one small
query and without loading the workflow.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PREFIX = "separation."
NOT_SAME_AS = "separation.not_same_as"
NOT_INITIATOR = "separation.not_initiator"
KNOWN = (NOT_SAME_AS, NOT_INITIATOR)


def rules_of(properties: Mapping[str, Any]) -> dict[str, Any]:
    """The separation rules among a task's properties ({} when none)."""
    rules: dict[str, Any] = {}
    others = [part.strip() for part in str(properties.get(NOT_SAME_AS) or "").split(",") if part.strip()]
    if others:
        rules["not_same_as"] = others
    if str(properties.get(NOT_INITIATOR) or "").strip().lower() == "true":
        rules["not_initiator"] = True
    return rules


def problems(properties: Mapping[str, str], task_ids: set[str]) -> list[str]:
    """What is wrong with a task's separation properties (for upload validation)."""
    found = []
    for name, value in properties.items():
        if not name.startswith(PREFIX):
            continue
        if name not in KNOWN:
            found.append(f"unknown separation rule '{name}'; known: {', '.join(KNOWN)}")
        elif name == NOT_INITIATOR and str(value).strip().lower() not in ("true", "false"):
            found.append(f"{NOT_INITIATOR} must be true or false, not '{value}'")
        elif name == NOT_SAME_AS:
            for other in (part.strip() for part in str(value).split(",")):
                if other and other not in task_ids:
                    found.append(f"{NOT_SAME_AS} names '{other}', which is no user task of this process")
    return found


def describe(rules: Mapping[str, Any] | None, names: Mapping[str, str]) -> str:
    """The rules in words, for the approvals register (task ids shown by their names)."""
    if not rules:
        return ""
    parts = [f"≠ {names.get(other, other)}" for other in rules.get("not_same_as", [])]
    if rules.get("not_initiator"):
        parts.append("≠ initiator")
    return "; ".join(parts)
