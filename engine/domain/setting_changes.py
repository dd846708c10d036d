"""What a saved version of a setting changed against the one before: the history pages' rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class SavedVersion:
    version: int
    saved_at: datetime
    saved_by: str
    note: str
    changes: list[tuple[str, Any, Any]]  # (setting, before, after) against the version before


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Each setting whose value differs, as (flat name, before, after)."""
    old, new = flat(before), flat(after)
    pairs = [(key, old.get(key), new.get(key)) for key in sorted(old.keys() | new.keys())]
    return [pair for pair in pairs if pair[1] != pair[2]]


def flat(body: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"terms": {"forward": {"amount": 4, …}}}`` as ``{"terms.forward": "4 working_hours"}``."""
    found: dict[str, Any] = {}
    for key, value in body.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and set(value) >= {"amount", "unit"}:
            limit = f" up to {value['up_to_km']} km" if value.get("up_to_km") is not None else ""
            found[name] = f"{value['amount']} {value['unit']}{limit}"
        elif isinstance(value, dict):
            found.update(flat(value, name + "."))
        elif isinstance(value, list):
            found.update(flat({str(index + 1): item for index, item in enumerate(value)}, name + "."))
        else:
            found[name] = value
    return found
