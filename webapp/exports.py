"""Tables as downloads: CSV that Excel opens in Chinese, and XLSX workbooks (openpyxl)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Font
from werkzeug.wrappers import Response

Sheet = tuple[str, Sequence[str], Sequence[Sequence[Any]]]  # title, header, rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes, content_type: str, filename: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def csv_download(header: Sequence[str], rows: Sequence[Sequence[Any]], filename: str) -> Response:
    """UTF-8 with a byte-order mark, which Excel needs to read Chinese text."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return _download(("\ufeff" + text.getvalue()).encode("utf-8"), "text/csv; charset=utf-8", filename)


def workbook(sheets: Sequence[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(["" if value is None else value for value in row])
        for column in sheet.columns:
            width = max(len(str(cell.value or "")) for cell in column)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_download(sheets: Sequence[Sheet], filename: str) -> Response:
    return _download(workbook(sheets), XLSX, filename)
