"""Product lists that are broken or built to exhaust the server are refused quickly, with a reason."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from engine.domain.errors import InvalidData
from engine.domain.errors import InvalidRows
from engine.domain.product_import import MAX_COLUMNS
from engine.domain.product_import import read_table
from engine.services import products
from tests.actors import SYSTEM

HEADER = "serial_number,model,category,customer\n"


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "name, data",
    [
        ("units.xlsx", b"not a zip at all"),
        ("units.xlsx", workbook([["serial_number"], ["SN-1"]])[:300]),  # cut off in the middle
        ("units.csv", (HEADER + "SN-1,M," + "x" * 200_000 + ",C\n").encode()),  # a field past csv's limit
        ("units.csv", b"\xff\xfe not utf-8"),
    ],
    ids=["not-a-zip", "cut-off-workbook", "field-past-csv-limit", "not-utf-8"],  # the same on every xdist worker
)
def test_an_unreadable_file_is_a_clear_refusal(ctx, name: str, data: bytes) -> None:
    with pytest.raises(InvalidData, match="could not be read"):
        products.import_units(ctx, SYSTEM, name, data)


def test_a_sheet_that_declares_a_far_last_cell_is_read_only_up_to_the_columns_we_know() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["serial_number", "model", "category", "customer"])
    sheet.append(["SN-1", "M1", "own", "东方机械"])
    sheet.cell(row=2, column=16_000, value="far away")  # rows would be padded to 16 000 cells
    out = io.BytesIO()
    book.save(out)
    rows = read_table("units.xlsx", out.getvalue())
    assert len(rows) == 1 and len(rows[0]) <= MAX_COLUMNS and rows[0]["serial_number"] == "SN-1"


def test_a_workbook_that_would_unpack_to_gigabytes_is_refused_before_it_is_parsed(ctx) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (70 * 1024 * 1024) + b"/>")
    assert len(out.getvalue()) < 200_000  # small on the wire
    with pytest.raises(InvalidData, match="unpacks to more than"):
        products.import_units(ctx, SYSTEM, "bomb.xlsx", out.getvalue())


def test_an_overlong_cell_is_named_with_its_row_and_column(ctx) -> None:
    data = (HEADER.strip() + ",notes\n" + "SN-1,M1,own,东方机械," + "n" * 3000 + "\n").encode()
    with pytest.raises(InvalidRows) as refused:
        products.import_units(ctx, SYSTEM, "units.csv", data)
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "notes")]
