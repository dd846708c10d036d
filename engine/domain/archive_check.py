"""Warranty proposed from the product archive, and a different choice explained.

The warranty check used to be a hand-ticked box while the archive knew the unit's warranty
end. Now the step that checks it (``ArchiveCheck.step``) opens with the archive's answers
filled in — under warranty on the day of the call, covered by a maintenance contract, the
product's category — and whoever picks otherwise must say why (``reason_field``): the customer
may show a newer delivery note, a contract the archive lacks. The difference and the reason go
into the audit trail, and the approvals register lists them, so a quality manager sees every
case whose warranty was decided against the archive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from engine.domain.errors import InvalidData
from engine.domain.messages import Message

OVERRIDE = "archive_override"  # the audit event's key holding {field: {label, archive, chosen}}


@dataclass(frozen=True)
class ArchiveCheck:
    step: str  # the BPMN id of the user task that decides warranty and category
    reason_field: str  # the text field of that form that explains a choice against the archive
    # (form field, the archive's fact proposing it): warranty / contract / category
    fields: tuple[tuple[str, str], ...]
    day_field: str = "received_at"  # the moment whose day the archive is read on: the call

    def field_names(self) -> tuple[str, ...]:
        """The fields of the step the check reads (its deployment must keep them)."""
        return (self.reason_field, *(name for name, _ in self.fields))


def day_of_call(check: ArchiveCheck, data: Mapping[str, Any], zone: ZoneInfo, now: datetime) -> date:
    """The local day the call came in (today when the case does not say): warranty is judged
    on the day the customer called, not the day someone got round to the check."""
    raw = data.get(check.day_field)
    try:
        moment = datetime.fromisoformat(str(raw)) if raw else now
    except ValueError:
        moment = now
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()


def proposals(check: ArchiveCheck, facts: Mapping[str, Any]) -> dict[str, Any]:
    """The form values the archive proposes; a fact the archive lacks (None) proposes nothing."""
    return {field: facts[fact] for field, fact in check.fields if facts.get(fact) is not None}


def overrides(
    proposed: Mapping[str, Any], cleaned: Mapping[str, Any], form: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """Each proposed field the person answered otherwise, as the audit trail records it: the
    field's label and both answers as stored and as the form names them."""
    fields = {item["id"]: item for item in form.get("fields", [])}
    return {
        name: {
            "label": fields.get(name, {}).get("label", name),
            "archive": value,
            "chosen": cleaned[name],
            "archive_shown": shown(fields.get(name, {}), value),
            "chosen_shown": shown(fields.get(name, {}), cleaned[name]),
        }
        for name, value in proposed.items()
        if name in cleaned and cleaned[name] != value
    }


def require_reason(check: ArchiveCheck, differing: Mapping[str, Any], cleaned: Mapping[str, Any]) -> None:
    """A choice against the archive needs its reason; the form shows where and what the archive said."""
    if not differing or str(cleaned.get(check.reason_field) or "").strip():
        return
    errors: dict[str, Any] = {
        name: Message("the product archive says %(value)s", value=item["archive_shown"])
        for name, item in differing.items()
    }
    errors[check.reason_field] = Message("say why you differ from the product archive")
    raise InvalidData(errors)


def shown(field: Mapping[str, Any], value: Any) -> str:
    """A value as its form names it: a decision's choice, an option's name."""
    if isinstance(value, bool):
        return str(field.get("choices", {}).get("true" if value else "false") or ("是" if value else "否"))
    names = {option["id"]: option["name"] for option in field.get("options", [])}
    return str(names.get(value, value))
