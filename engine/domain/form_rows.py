"""Repeating rows in a task form: parts issued, expense lines, returned materials.

A form field of type ``rows`` holds a list of rows with typed columns. Its columns are
properties of the field, one per column, in order::

    column.part_no    = text|零件号|required
    column.qty        = integer|数量|required
    column.unit_price = decimal|单价
    column.amount     = decimal|金额|=qty*unit_price
    column.kind       = enum|类别|required|options=labour:工时,parts:配件
    max_rows          = 20

A column is ``type|label`` with optional flags: ``required``; ``=a*b`` for a value computed
as the product of other number columns of the row (left blank it is filled in; typed, it must
agree); for an ``enum`` column ``options=id:name,…``, the choices it is picked from. A number
field elsewhere on the form sums a column with ``total_of`` = ``parts.amount``
(engine/domain/forms.py), so a total is never typed twice.

Rows arrive as a JSON list of objects (the API) or as flat keys ``<field>-<n>-<column>`` (an
HTML form, n from 0); blank rows are dropped. A cell's error is reported under its flat key,
which is also the name of its input on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from engine.domain.messages import Message

ROWS = "rows"
COLUMN = "column."
MAX_ROWS = "max_rows"
DEFAULT_MAX_ROWS = 50
LIMIT_ROWS = 500  # no form may ask for more rows than this
COLUMN_TYPES = ("text", "integer", "decimal", "date", "enum")
NUMBER_COLUMNS = ("integer", "decimal")
REQUIRED_FLAG = "required"
OPTIONS_FLAG = "options="
MAX_CELL_CHARS = 500
CENT = Decimal("0.01")

# convert(column, raw) → the typed value, None when blank; ValueError(message) when malformed
Convert = Callable[[dict[str, Any], Any], Any]


def columns_of(properties: dict[str, str]) -> list[dict[str, Any]]:
    """The columns a rows field's properties declare, in order; ValueError names a bad one."""
    columns = []
    for key, value in properties.items():
        if not key.startswith(COLUMN):
            continue
        column_id = key[len(COLUMN) :]
        parts = [part.strip() for part in (value or "").split("|")]
        kind = parts[0] or "text"
        if not column_id.isidentifier():
            raise ValueError(f"column '{column_id}' must be a Python identifier")
        if kind not in COLUMN_TYPES:
            raise ValueError(f"column '{column_id}' has unknown type '{kind}' (one of {', '.join(COLUMN_TYPES)})")
        column: dict[str, Any] = {"id": column_id, "type": kind, "label": (parts[1:2] or [""])[0] or column_id}
        column["required"] = REQUIRED_FLAG in parts[2:]
        if kind == "text":
            column["maxlength"] = MAX_CELL_CHARS
        for flag in parts[2:]:
            if flag.startswith("="):
                column["product_of"] = [name.strip() for name in flag[1:].split("*") if name.strip()]
            elif flag.startswith(OPTIONS_FLAG):
                column["options"] = _options(column_id, flag[len(OPTIONS_FLAG) :])
            elif flag and flag != REQUIRED_FLAG:
                raise ValueError(f"column '{column_id}': unknown flag '{flag}' (required, =a*b or options=…)")
        if kind == "enum" and not column.get("options"):
            raise ValueError(f"column '{column_id}' is a choice: give its options=id:name,…")
        columns.append(column)
    if not columns:
        raise ValueError("a rows field needs at least one column property 'column.<id>' = 'type|label'")
    _check_products(columns)
    return columns


def _options(column_id: str, text: str) -> list[dict[str, str]]:
    options = []
    for part in text.split(","):
        option_id, _colon, name = part.partition(":")
        if not option_id.strip().isidentifier():
            raise ValueError(f"column '{column_id}': option '{part}' must be id:name with an identifier id")
        options.append({"id": option_id.strip(), "name": name.strip() or option_id.strip()})
    return options


def named_cells(columns: list[dict[str, Any]], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` with each choice cell shown by its option's name (the record, a printed form)."""
    names = {c["id"]: {o["id"]: o["name"] for o in c["options"]} for c in columns if c.get("options")}
    if not names:
        return rows
    return [
        {key: names[key].get(str(value), value) if key in names else value for key, value in row.items()}
        for row in rows
    ]


def _check_products(columns: list[dict[str, Any]]) -> None:
    kinds = {column["id"]: column["type"] for column in columns}
    for column in columns:
        factors = column.get("product_of")
        if factors is None:
            continue
        if column["type"] not in NUMBER_COLUMNS:
            raise ValueError(f"column '{column['id']}' is computed, so it must be a number column")
        if not factors:
            raise ValueError(f"column '{column['id']}': '=' must name columns joined by '*'")
        for factor in factors:
            if factor == column["id"] or kinds.get(factor) not in NUMBER_COLUMNS:
                raise ValueError(f"column '{column['id']}' multiplies '{factor}', no other number column")


def max_rows_of(properties: dict[str, str]) -> int:
    text = (properties.get(MAX_ROWS) or "").strip()
    if not text:
        return DEFAULT_MAX_ROWS
    if not text.isdigit() or not 1 <= int(text) <= LIMIT_ROWS:
        raise ValueError(f"max_rows must be a whole number from 1 to {LIMIT_ROWS}, not '{text}'")
    return int(text)


def cell_key(field_id: str, index: int, column_id: str) -> str:
    """The flat name of one cell: the input's name on the page, the key of its error."""
    return f"{field_id}-{index}-{column_id}"


def fold_flat_rows(form: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with each rows field's flat cell keys gathered into its list of rows."""
    rows_fields = {field["id"] for field in form.get("fields", []) if field["type"] == ROWS}
    if not rows_fields:
        return data
    folded: dict[str, Any] = {}
    gathered: dict[str, dict[int, dict[str, Any]]] = {}
    for key, value in data.items():
        match = re.fullmatch(r"([A-Za-z_]\w*)-(\d{1,3})-([A-Za-z_]\w*)", key)
        if match and match.group(1) in rows_fields and match.group(1) not in data:
            gathered.setdefault(match.group(1), {}).setdefault(int(match.group(2)), {})[match.group(3)] = value
        else:
            folded[key] = value
    for field_id, rows in gathered.items():
        folded[field_id] = [rows[index] for index in sorted(rows)]
    return folded


def clean_rows(
    field: dict[str, Any], raw: Any, convert: Convert, errors: dict[str, Any]
) -> list[dict[str, Any]] | None:
    """The typed rows of ``raw`` (blank rows dropped); messages go into ``errors`` by cell key."""
    field_id = field["id"]
    if raw is None or raw == "":
        raw = []
    if not isinstance(raw, list) or not all(isinstance(row, dict) for row in raw):
        errors[field_id] = Message("must be a list of rows")
        return None
    columns = {column["id"]: column for column in field["columns"]}
    # Blank rows (offered by the page, left empty) are dropped; the others keep their number,
    # so an error lands on the input it is about.
    rows = [
        (index, row)
        for index, row in enumerate(raw)
        if any(value is not None and str(value).strip() for value in row.values())
    ]
    if len(rows) > field.get("max_rows", DEFAULT_MAX_ROWS):
        errors[field_id] = Message("at most %(count)s rows", count=field.get("max_rows", DEFAULT_MAX_ROWS))
        return None
    cleaned: list[dict[str, Any]] = []
    failed = False
    for index, row in rows:
        typed: dict[str, Any] = {}
        for key in row:
            if key not in columns:
                errors[cell_key(field_id, index, str(key))] = Message("not a column of this table")
                failed = True
        for column_id, column in columns.items():
            try:
                value = convert(column, row.get(column_id))
            except ValueError as err:
                errors[cell_key(field_id, index, column_id)] = err.args[0]
                failed = True
                continue
            if value is not None:
                typed[column_id] = value
        failed = not _complete_row(field_id, index, columns, typed, errors) or failed
        cleaned.append(typed)
    if failed:
        return None
    if field.get("required") and not cleaned:
        errors[field_id] = Message("add at least one row")
        return None
    return cleaned


def _complete_row(
    field_id: str, index: int, columns: dict[str, dict[str, Any]], typed: dict[str, Any], errors: dict[str, Any]
) -> bool:
    """Compute the row's products and check its required cells; False when a cell is wrong."""
    good = True
    for column_id, column in columns.items():
        factors = column.get("product_of")
        if factors and all(factor in typed for factor in factors):
            product = Decimal(1)
            for factor in factors:
                product *= Decimal(str(typed[factor]))
            if product == product.quantize(CENT):
                product = product.quantize(CENT)  # money reads as money: 1.3 × 200 = 260.00
            given = typed.get(column_id)
            if given is None:
                typed[column_id] = product if column["type"] == "decimal" else int(product)
            elif Decimal(str(given)) != product:
                labels = " × ".join(columns[factor]["label"] for factor in factors)
                errors[cell_key(field_id, index, column_id)] = Message(
                    "must equal %(parts)s = %(total)s", parts=labels, total=product
                )
                good = False
        if column["required"] and column_id not in typed and cell_key(field_id, index, column_id) not in errors:
            errors[cell_key(field_id, index, column_id)] = Message("this field is required")
            good = False
    return good


def cell_number(value: Any) -> Decimal:
    """A number cell of stored rows as a Decimal; a blank cell counts as 0."""
    return Decimal(str(value if value not in (None, "") else 0))


def column_sum(rows: list[dict[str, Any]], column_id: str) -> Decimal:
    """A column's total over the rows (a blank cell counts nothing)."""
    return sum((Decimal(str(row[column_id])) for row in rows if row.get(column_id) is not None), Decimal(0))


def rows_to_show(field: dict[str, Any], values: dict[str, Any], blank: int = 1) -> list[dict[str, Any]]:
    """The rows a form shows: those typed (a list, or flat keys of a re-shown form) and
    ``blank`` empty ones to fill in, within the field's ``max_rows``."""
    typed = values.get(field["id"])
    if not isinstance(typed, list):
        typed = fold_flat_rows({"fields": [field]}, values).get(field["id"])
    rows = [row for row in typed if isinstance(row, dict)] if isinstance(typed, list) else []
    limit = field.get("max_rows", DEFAULT_MAX_ROWS)
    return (rows + [{} for _ in range(blank)])[: max(limit, len(rows))]
