"""HTML to PDF (WeasyPrint), and the numbers of printed forms.

WeasyPrint's fetcher is allowed no scheme but inline ``data:`` images: a form
template (an administrator may edit one) cannot make the server read a file or call the
network. Fonts come from the system through Pango: Noto CJK where installed (Debian's
fonts-noto-cjk), else WenQuanYi.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.engine import Connection

from engine.store.counters import next_count
from engine.store.db import table_of
from engine.store.db import utcnow
from engine.store.models import PrintedDocument

DOCUMENTS = table_of(PrintedDocument)


def inline_only() -> Any:
    """WeasyPrint's own fetcher, allowed the ``data:`` scheme only (others raise ValueError,
    which WeasyPrint reports as a warning and leaves the resource out)."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def pdf_of(html: str) -> bytes:
    """The PDF of ``html``; imported on first use (WeasyPrint and Pango load in ~0.3 s)."""
    from weasyprint import HTML

    return bytes(HTML(string=html, url_fetcher=inline_only()).write_pdf())


def document_number(connection: Connection, case_id: int, form_key: str, prefix: str, year: int, by: str) -> str:
    """The form's number on this case: given on its first print (``BG-2026-0001``, counted per
    prefix and local year), kept on every reprint; each print is counted."""
    now = utcnow()
    row = connection.execute(
        select(DOCUMENTS.c.id, DOCUMENTS.c.number).where(
            DOCUMENTS.c.case_id == case_id, DOCUMENTS.c.form_key == form_key
        )
    ).first()
    if row is not None:
        connection.execute(
            update(DOCUMENTS).where(DOCUMENTS.c.id == row.id).values(last_printed_at=now, prints=DOCUMENTS.c.prints + 1)
        )
        return str(row.number)
    last = next_count(connection, f"F:{prefix}", year)  # printed forms count apart from case numbers
    number = f"{prefix}-{year}-{last:04d}"
    connection.execute(
        insert(DOCUMENTS).values(
            case_id=case_id,
            form_key=form_key,
            number=number,
            first_printed_at=now,
            first_printed_by=by,
            last_printed_at=now,
            prints=1,
        )
    )
    return number


def printed_numbers(connection: Connection, case_id: int) -> dict[str, str]:
    """form key → number of the forms of the case printed so far."""
    rows = connection.execute(select(DOCUMENTS.c.form_key, DOCUMENTS.c.number).where(DOCUMENTS.c.case_id == case_id))
    return {key: number for key, number in rows.tuples()}
