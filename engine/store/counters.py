"""Readable numbers counted per prefix and year (cases ``SR-2026-000042``, printed forms
``BG-2026-0001``): the next count, taken inside the caller's write transaction."""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlalchemy import insert
from sqlalchemy import update
from sqlalchemy.engine import Connection

from engine.store.db import table_of
from engine.store.driver_sql import Prepared
from engine.store.models import CaseCounter

COUNTERS = table_of(CaseCounter)
NEXT_COUNT = Prepared(
    update(COUNTERS)
    .where(COUNTERS.c.prefix == bindparam("b_prefix"), COUNTERS.c.year == bindparam("b_year"))
    .values(last=COUNTERS.c.last + 1)
    .returning(COUNTERS.c.last)
)


def next_count(connection: Connection, prefix: str, year: int) -> int:
    rows = NEXT_COUNT.rows(connection, {"b_prefix": prefix, "b_year": year})
    if rows:
        return int(rows[0]["last"])
    connection.execute(insert(COUNTERS).values(prefix=prefix, year=year, last=1))
    return 1
