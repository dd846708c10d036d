"""Read a product list (CSV or XLSX) into rows, and check each row before anything is stored.

Columns (header row, any order): serial_number, model, category, customer, delivered_on,
warranty_end, contract_end, parts, notes. ``parts`` lists key parts with their batch: ``part:batch; part:batch``.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from datetime import date
from datetime import datetime
from itertools import islice
from typing import Any

from openpyxl import load_workbook

from engine.domain.errors import InvalidData
from engine.domain.errors import RowProblem
from engine.domain.messages import Message

COLUMNS = (
    "serial_number",
    "model",
    "category",
    "customer",
    "delivered_on",
    "warranty_end",
    "contract_end",
    "parts",
    "notes",
)
REQUIRED = ("serial_number", "model", "category", "customer")
CATEGORIES = ("own", "partner", "agent", "competitor")
CATEGORY_NAMES = {
    "own": Message("own product"),
    "partner": Message("partner product"),
    "agent": Message("agency product"),
    "competitor": Message("competitor's product"),
}
MAX_ROWS = 20_000


MAX_COLUMNS = 32  # the nine columns, with room for a spreadsheet's extra ones
MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # an .xlsx is a zip: refuse one that would unpack beyond this
MAX_CELL_CHARS = 2000
# Everything that a malformed, truncated or hostile file can raise while being read.
UNREADABLE = (ValueError, KeyError, OSError, EOFError, UnicodeDecodeError, zipfile.BadZipFile, zlib.error, csv.Error)


def read_table(name: str, data: bytes) -> list[dict[str, Any]]:
    """The rows of a .csv (UTF-8, with or without BOM) or .xlsx file, keyed by the header.

    Bounded before anything large is read: one row more than allowed at most, at most
    ``MAX_COLUMNS`` columns (a sheet may declare a last cell far to the right, and every row
    would be padded up to it), an .xlsx only when its parts unpack to at most
    ``MAX_UNPACKED_BYTES``. XLSX parts are parsed by openpyxl through defusedxml (no entities,
    no network). Raises one of ``UNREADABLE`` for a file that cannot be read.
    """
    if name.lower().endswith(".xlsx"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ValueError(f"the workbook unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB")
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        rows = sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True)
        values = [list(row) for row in islice(rows, MAX_ROWS + 2)]
    else:
        reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
        values = [row[:MAX_COLUMNS] for row in islice(reader, MAX_ROWS + 2)]
    if not values:
        return []
    header = [str(cell or "").strip() for cell in values[0]]
    return [dict(zip(header, row, strict=False)) for row in values[1 : MAX_ROWS + 2]]


def read_upload(name: str, data: bytes) -> list[dict[str, Any]]:
    """The rows of an uploaded table, or InvalidData on the file field: not a .csv/.xlsx, or
    unreadable (the product archive and the customer master import through this)."""
    if not name.lower().endswith((".csv", ".xlsx")):
        raise InvalidData({"file": Message("choose a .csv or .xlsx file")})
    try:
        return read_table(name, data)
    except UNREADABLE as err:
        raise InvalidData({"file": Message("the file could not be read: %(error)s", error=str(err))}) from None


def parse_date(value: Any) -> date | None:
    """A cell as a date: empty → None, a spreadsheet date, or ISO text; ValueError otherwise."""
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
        for column, limit in (
            ("serial_number", 80),
            ("model", 200),
            ("customer", 200),
            ("notes", MAX_CELL_CHARS),
            ("parts", MAX_CELL_CHARS),
        ):
            if len(texts[column]) > limit:
                problems.append(RowProblem(number, column, f"at most {limit} characters"))
        if texts["serial_number"] in seen:
            problems.append(RowProblem(number, "serial_number", f"repeats row {seen[texts['serial_number']]}"))
        seen[texts["serial_number"]] = number
        item: dict[str, Any] = {column: texts[column] for column in ("serial_number", "model", "category", "customer")}
        item["notes"] = texts["notes"] or None
        for column in ("delivered_on", "warranty_end", "contract_end"):
            try:
                item[column] = parse_date(values[column])
            except ValueError:
                problems.append(RowProblem(number, column, "must be a date (YYYY-MM-DD)"))
        try:
            item["parts"] = _parts(values["parts"])
        except ValueError as err:
            problems.append(RowProblem(number, "parts", f"{err}; write part:batch; part:batch"))
        clean.append(item)
    return clean, problems
