"""Read a product list (CSV or XLSX) into rows, and check each row before anything is stored.

Columns (header row, any order): serial_number, model, category, customer, delivered_on,
warranty_end, parts, notes. ``parts`` lists key parts with their batch: ``part:batch; part:batch``.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from datetime import datetime
from itertools import islice
from typing import Any

from openpyxl import load_workbook

from engine.domain.errors import RowProblem

COLUMNS = ("serial_number", "model", "category", "customer", "delivered_on", "warranty_end", "parts", "notes")
REQUIRED = ("serial_number", "model", "category", "customer")
CATEGORIES = ("own", "partner", "agent", "competitor")
MAX_ROWS = 20_000


def read_table(name: str, data: bytes) -> list[dict[str, Any]]:
    """The rows of a .csv (UTF-8, with or without BOM) or .xlsx file, keyed by the header; one
    row more than allowed at most, so a huge file is refused without reading all of it. XLSX
    parts are parsed by openpyxl through defusedxml (no entities, no network)."""
    if name.lower().endswith(".xlsx"):
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        values = [list(row) for row in islice(sheet.iter_rows(values_only=True), MAX_ROWS + 2)]
    else:
        values = list(islice(csv.reader(io.StringIO(data.decode("utf-8-sig"))), MAX_ROWS + 2))
    if not values:
        return []
    header = [str(cell or "").strip() for cell in values[0]]
    return [dict(zip(header, row, strict=False)) for row in values[1 : MAX_ROWS + 2]]


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def _parts(text: Any) -> list[dict[str, str]]:
    parts = []
    for chunk in str(text or "").replace("；", ";").split(";"):
        if not chunk.strip():
            continue
        part, _, batch = chunk.replace("：", ":").partition(":")
        if not part.strip():
            raise ValueError(f"'{chunk.strip()}' names no part")
        parts.append({"part": part.strip(), "batch": batch.strip()})
    return parts


def check_rows(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[RowProblem]]:
    """Clean rows ready to store, and every problem (row numbers count the header as 1)."""
    problems: list[RowProblem] = []
    if not rows:
        return [], [RowProblem(1, None, "the file has no rows")]
    missing = [column for column in REQUIRED if column not in rows[0]]
    if missing:
        return [], [RowProblem(1, column, "column missing from the header") for column in missing]
    if len(rows) > MAX_ROWS:
        problems.append(RowProblem(MAX_ROWS + 2, None, f"at most {MAX_ROWS} rows at once"))
    clean: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[:MAX_ROWS], start=2):
        if all(value in (None, "") for value in row.values()):
            continue
        values = {column: ("" if row.get(column) is None else row.get(column)) for column in COLUMNS}
        texts = {column: str(value).strip() for column, value in values.items()}
        for column in REQUIRED:
            if not texts[column]:
                problems.append(RowProblem(number, column, "required"))
        if texts["category"] and texts["category"] not in CATEGORIES:
            problems.append(RowProblem(number, "category", f"must be one of {', '.join(CATEGORIES)}"))
        for column, limit in (("serial_number", 80), ("model", 200), ("customer", 200)):
            if len(texts[column]) > limit:
                problems.append(RowProblem(number, column, f"at most {limit} characters"))
        if texts["serial_number"] in seen:
            problems.append(RowProblem(number, "serial_number", f"repeats row {seen[texts['serial_number']]}"))
        seen[texts["serial_number"]] = number
        item: dict[str, Any] = {column: texts[column] for column in ("serial_number", "model", "category", "customer")}
        item["notes"] = texts["notes"] or None
        for column in ("delivered_on", "warranty_end"):
            try:
                item[column] = _date(values[column])
            except ValueError:
                problems.append(RowProblem(number, column, "must be a date (YYYY-MM-DD)"))
        try:
            item["parts"] = _parts(values["parts"])
        except ValueError as err:
            problems.append(RowProblem(number, "parts", f"{err}; write part:batch; part:batch"))
        clean.append(item)
    return clean, problems
