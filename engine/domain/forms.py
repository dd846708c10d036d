"""Task forms: the API shape of a camunda:formData form, and server-side validation.

SpiffWorkflow parses ``camunda:formData`` but never enforces it; every submitted value is
checked here before it reaches the process.

A yes/no field with the property ``choices`` = ``"批准|驳回"`` is a *decision*: it is shown as
two named choices, neither picked, and one must be picked (an unticked box would silently mean
"no"). Without it a yes/no field is a checkbox; a required one must be ticked (a checklist item).

A field of type ``datetime`` holds a moment (an arrival, a departure): people enter it in the
company's local time (a ``datetime-local`` input, or ISO 8601 with an offset through the API) and
it is stored in UTC as ISO 8601, so clocks and durations never depend on where it was typed.
With the default ``now`` it is filled in with the moment of submission when left blank (the
time a call came in, which the desk corrects when someone else took the call earlier).

A text field with the property ``user_role`` = ``engineer`` holds a user name: it is shown as
a list of the active people with that role and their open workload, and a name outside that
list is refused (engine/services/tasks.py checks it against the accounts).

A number field with the property ``total_of`` = ``labour_fee+parts.amount`` is computed: left
blank it is the sum of the named number fields and of a rows field's column (``rows.column``);
typed, it must agree. A field of type ``rows`` is a table of typed rows
(engine/domain/form_rows.py).

A field with the property ``required_unless`` = ``quote_accepted`` must be filled in when that
yes/no field is answered no: a refusal gives its reason.

A field of type ``signature`` is drawn by the customer on a phone: it arrives as a PNG data URL
(``data:image/png;base64,…``) and is cleaned to the image's bytes, which the completing service
stores as a file of the case and replaces by its reference and SHA-256
(engine/domain/signatures.py): the drawing never enters the process data.

A field of type ``files`` takes files with the answer (receipts behind a claim): each is checked
like a case attachment and cleaned to its name, type and bytes, which the completing service
stores as files of the case and replaces by their references (engine/domain/form_files.py).
"""

from __future__ import annotations

import re
from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from engine.domain import clock
from engine.domain import form_files
from engine.domain import form_rows
from engine.domain import signatures
from engine.domain.errors import InvalidData
from engine.domain.messages import Message

TYPE_NAMES = {
    "string": "text",
    "textarea": "longtext",
    "long": "integer",
    "decimal": "decimal",
    "double": "decimal",
    "boolean": "boolean",
    "date": "date",
    "datetime": "datetime",
    "enum": "enum",
    form_rows.ROWS: form_rows.ROWS,
    signatures.SIGNATURE: signatures.SIGNATURE,
    form_files.FILES: form_files.FILES,
}
DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")
NUMERIC = {"integer", "decimal"}
TRUE_WORDS = {"true", "on", "1", "yes"}
FALSE_WORDS = {"false", "off", "0", "no", ""}
# What a phone number and an e-mail address look like on every form that asks for them.
PHONE_PATTERN = r"^[0-9+()\- ]{5,30}$"
EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$"
CHOICES = "choices"
TOTAL_OF = "total_of"
USER_ROLE = "user_role"
REQUIRED_UNLESS = "required_unless"


def total_parts(text: str) -> list[str]:
    """The fields a total is the sum of, ``"a+b"``."""
    return [part.strip() for part in text.split("+") if part.strip()]


def choice_labels(text: str) -> tuple[str, str]:
    """The two names of a decision's choices, ``"yes name|no name"``; ValueError when malformed."""
    parts = [part.strip() for part in text.split("|")]
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"choices must be two names separated by '|', e.g. '批准|驳回', not '{text}'")
    return parts[0], parts[1]


def form_field(
    field_id: str,
    camunda_type: str,
    label: str,
    default: str | None,
    constraints: dict[str, str | None],
    properties: dict[str, str],
    options: list[tuple[str, str]],
) -> dict[str, Any]:
    """Describe one field as the API's FORM.fields item; absent keys mean no constraint."""
    kind = TYPE_NAMES.get(camunda_type or "string", "text")
    if kind == "text" and properties.get("multiline") == "true":
        kind = "longtext"
    field: dict[str, Any] = {"id": field_id, "type": kind, "label": label or field_id}
    field["required"] = "required" in constraints
    if "readonly" in constraints:
        field["readonly"] = True
    for name in ("min", "max"):
        if constraints.get(name) not in (None, ""):
            field[name] = _number(str(constraints[name]), kind)
    for name in ("minlength", "maxlength"):
        if constraints.get(name) not in (None, ""):
            field[name] = int(str(constraints[name]))
    if constraints.get("pattern"):
        field["pattern"] = constraints["pattern"]
    if default not in (None, ""):
        field["default"] = default
    if kind == "boolean" and properties.get(CHOICES):
        yes, no = choice_labels(properties[CHOICES])
        field["choices"] = {"true": yes, "false": no}
        field["required"] = True
    if properties.get(REQUIRED_UNLESS):
        field[REQUIRED_UNLESS] = properties[REQUIRED_UNLESS].strip()
    if kind == "text" and properties.get(USER_ROLE):
        field["user_role"] = properties[USER_ROLE].strip()
    if kind in NUMERIC and properties.get(TOTAL_OF):
        field["total_of"] = total_parts(properties[TOTAL_OF])
    if kind == "enum":
        field["options"] = [{"id": oid, "name": name or oid} for oid, name in options]
    if kind == form_rows.ROWS:
        field["columns"] = form_rows.columns_of(properties)
        field["max_rows"] = form_rows.max_rows_of(properties)
    return field


def _number(text: str, kind: str) -> int | float:
    return int(text) if kind == "integer" else float(text)


NOW = "now"  # the default of a date-time filled in with the moment of submission


def clean_form_data(
    form: dict[str, Any], data: dict[str, Any], zone: ZoneInfo = DEFAULT_ZONE, now: datetime | None = None
) -> dict[str, Any]:
    """Validate ``data`` against ``form``; return typed values or raise InvalidData per field.

    Keys that are not fields of the form are refused, so a request cannot smuggle
    variables into the process that no form asked for. ``zone``: the company's local time, in
    which a date-time without an offset was typed; ``now``: the moment of submission.
    """
    fields = {field["id"]: field for field in form.get("fields", [])}
    data = form_rows.fold_flat_rows(form, data)
    errors: dict[str, Any] = {key: Message("not a field of this form") for key in data if key not in fields}
    cleaned: dict[str, Any] = {}
    for field_id, field in fields.items():
        if field.get("readonly"):
            continue
        raw = data.get(field_id)
        if field["type"] == form_rows.ROWS:
            rows = form_rows.clean_rows(field, raw, lambda column, cell: _cell(column, cell, zone), errors)
            if rows is not None:
                cleaned[field_id] = rows
            continue
        try:
            value = _convert(field, raw, zone)
        except ValueError as err:
            errors[field_id] = err.args[0]
            continue
        if value is None and field["type"] == "datetime" and field.get("default") == NOW:
            value = (now or clock.now()).astimezone(UTC).isoformat(timespec="seconds")
        if value is None:
            if field.get("required"):
                errors[field_id] = Message("this field is required")
            elif field["type"] == "boolean":
                cleaned[field_id] = False
            continue
        message = _check(field, value)
        if message:
            errors[field_id] = message
        else:
            cleaned[field_id] = value
    for field_id, field in fields.items():
        if "total_of" in field and field_id not in errors:
            _check_total(field, fields, cleaned, errors)
        answer = field.get(REQUIRED_UNLESS)
        if answer and cleaned.get(answer) is False and cleaned.get(field_id) in (None, "") and field_id not in errors:
            errors[field_id] = Message("give your reason when the answer is no")
    if errors:
        raise InvalidData(errors)
    return cleaned


def _check_total(
    field: dict[str, Any], fields: dict[str, Any], cleaned: dict[str, Any], errors: dict[str, Any]
) -> None:
    """A total left blank is computed from its parts; one typed must equal their sum."""
    parts = field["total_of"]
    if any(part.partition(".")[0] not in cleaned for part in parts):
        return  # a part is missing or wrong: its own message says so
    total = sum((_part_value(part, cleaned) for part in parts), Decimal(0))
    given = cleaned.get(field["id"])
    if given is None:
        cleaned[field["id"]] = total if field["type"] == "decimal" else int(total)
    elif Decimal(str(given)) != total:
        labels = " + ".join(_part_label(part, fields) for part in parts)
        errors[field["id"]] = Message("must equal %(parts)s = %(total)s", parts=labels, total=total)


def _part_value(part: str, cleaned: dict[str, Any]) -> Decimal:
    name, _, column = part.partition(".")
    return form_rows.column_sum(cleaned[name], column) if column else Decimal(str(cleaned[name]))


def _part_label(part: str, fields: dict[str, Any]) -> str:
    name, _, column = part.partition(".")
    if not column:
        return str(fields[name]["label"])
    labels = {item["id"]: item["label"] for item in fields[name].get("columns", [])}
    return f"{fields[name]['label']}·{labels.get(column, column)}"


def _cell(column: dict[str, Any], raw: Any, zone: ZoneInfo) -> Any:
    """One cell of a rows field, typed and checked like a field of its own."""
    value = _convert(column, raw, zone)
    message = None if value is None else _check(column, value)
    if message:
        raise ValueError(message)
    return value


def moment(text: str, zone: ZoneInfo) -> str:
    """``text`` (local time, or ISO 8601 with an offset) as UTC ISO 8601; ValueError if it is none."""
    value = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _convert(field: dict[str, Any], raw: Any, zone: ZoneInfo = DEFAULT_ZONE) -> Any:
    kind = field["type"]
    if raw is None or (isinstance(raw, str) and raw.strip() == "" and kind != "boolean"):
        return None
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            if "choices" in field:
                return False if word else None
            return None if field.get("required") else False
        raise ValueError(Message("must be yes or no"))
    if kind == "integer":
        if isinstance(raw, bool) or not re.fullmatch(r"[+-]?\d{1,18}", str(raw).strip()):
            raise ValueError(Message("must be a whole number"))
        return int(str(raw).strip())
    if kind == "decimal":
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValueError(Message("must be a number")) from None
        if not value.is_finite():
            raise ValueError(Message("must be a number"))
        return value
    if kind == "date":
        try:
            return date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            raise ValueError(Message("must be a date (YYYY-MM-DD)")) from None
    if kind == signatures.SIGNATURE:
        return signatures.drawing(raw)
    if kind == form_files.FILES:
        return form_files.uploads(raw)
    if kind == "datetime":
        try:
            if len(str(raw).strip()) < len("2026-01-01T00:00"):
                raise ValueError
            return moment(str(raw), zone)
        except ValueError:
            raise ValueError(Message("must be a date and time (YYYY-MM-DD HH:MM)")) from None
    if not isinstance(raw, (str, int, float)):
        raise ValueError(Message("must be text"))
    text = str(raw).strip()
    if "\x00" in text:
        raise ValueError(Message("must not contain NUL characters"))
    return text


def _check(field: dict[str, Any], value: Any) -> Message | None:
    kind = field["type"]
    if kind == "enum" and value not in {o["id"] for o in field.get("options", [])}:
        return Message("choose one of the listed options")
    if kind in NUMERIC:
        if "min" in field and value < field["min"]:
            return Message("must be at least %(min)s", min=field["min"])
        if "max" in field and value > field["max"]:
            return Message("must be at most %(max)s", max=field["max"])
    if kind in {"text", "longtext"}:
        if "minlength" in field and len(value) < field["minlength"]:
            return Message("must have at least %(count)s characters", count=field["minlength"])
        if "maxlength" in field and len(value) > field["maxlength"]:
            return Message("must have at most %(count)s characters", count=field["maxlength"])
        if "pattern" in field and not re.fullmatch(field["pattern"], value):
            return Message("does not have the expected format")
    return None
