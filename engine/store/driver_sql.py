"""Core statements compiled once per dialect and run straight on the DBAPI cursor.

Completing a task runs the same handful of statements every time. Through SQLAlchemy's
execution machinery each cost ≈25 µs of Python before SQLite spent ≈2 µs on it (measured
once), which made the library, not the database, the largest cost of a durable step
(docs/performance.md).
``Prepared`` keeps SQLAlchemy for what it is good at (the SQL text per dialect, and the types'
own bind and result processing, so values round-trip exactly as through the ORM) and skips
the per-call work. It runs inside the caller's transaction, on the same connection.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from typing import Any
from typing import cast

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any] | None


class _Compiled:
    def __init__(self, statement: ClauseElement, dialect: Dialect, keys: tuple[str, ...] | None) -> None:
        compiled = cast(
            SQLCompiler, statement.compile(dialect=dialect, column_keys=list(keys) if keys is not None else None)
        )
        self.sql = compiled.string
        self.positional = compiled.positional
        self.order: Sequence[str] = compiled.positiontup or ()
        found = {name: bind.type.dialect_impl(dialect).bind_processor(dialect) for name, bind in compiled.binds.items()}
        self.processors: dict[str, Callable[[Any], Any]] = {name: p for name, p in found.items() if p is not None}
        # Values the statement carries itself (a LIMIT, a literal in a WHERE).
        self.defaults = {name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required}
        self.columns = [
            (column.key, column.type.dialect_impl(dialect).result_processor(dialect, None))
            for column in statement.exported_columns  # type: ignore[attr-defined]  # declared on Select and DML, not on ClauseElement
        ]

    def parameters(self, values: dict[str, Any]) -> Any:
        processed = {**self.defaults, **values}
        for name, process in self.processors.items():
            if name in processed:
                processed[name] = process(processed[name])
        if self.positional:
            return tuple(processed[name] for name in self.order)
        return processed

    def row(self, raw: Sequence[Any]) -> dict[str, Any]:
        pairs = zip(self.columns, raw, strict=True)
        return {key: (process(value) if process else value) for (key, process), value in pairs}


class Prepared:
    """One statement; an INSERT without values takes its columns from the keys of the rows."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self.by_keys = bool(getattr(statement, "is_insert", False))
        self._compiled: dict[tuple[str, tuple[str, ...] | None], _Compiled] = {}

    def _for(self, connection: Connection, values: dict[str, Any]) -> _Compiled:
        keys = tuple(sorted(values)) if self.by_keys else None
        dialect = connection.dialect
        compiled = self._compiled.get((dialect.name, keys))
        if compiled is None:
            if keys is not None:
                _refuse_skipped_defaults(self.statement, keys)
            compiled = self._compiled[(dialect.name, keys)] = _Compiled(self.statement, dialect, keys)
        return compiled

    def rows(self, connection: Connection, values: dict[str, Any]) -> list[dict[str, Any]]:
        compiled = self._for(connection, values)
        cursor = connection.connection.cursor()
        try:
            cursor.execute(compiled.sql, compiled.parameters(values))
            return [compiled.row(raw) for raw in cursor.fetchall()] if compiled.columns else []
        finally:
            cursor.close()

    def first(self, connection: Connection, values: dict[str, Any]) -> dict[str, Any] | None:
        rows = self.rows(connection, values)
        return rows[0] if rows else None

    def execute(self, connection: Connection, values: dict[str, Any]) -> int:
        """Run once; return the number of rows changed."""
        compiled = self._for(connection, values)
        cursor = connection.connection.cursor()
        try:
            cursor.execute(compiled.sql, compiled.parameters(values))
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def execute_many(self, connection: Connection, rows: list[dict[str, Any]]) -> None:
        """Run for each row; every row must have the same keys."""
        compiled = self._for(connection, rows[0])
        cursor = connection.connection.cursor()
        try:
            cursor.executemany(compiled.sql, [compiled.parameters(row) for row in rows])
        finally:
            cursor.close()


def _refuse_skipped_defaults(statement: ClauseElement, keys: tuple[str, ...]) -> None:
    """An INSERT on the raw cursor skips SQLAlchemy's Python-side column defaults (and its events):
    a column with ``default=`` that the row does not name would silently be stored as NULL."""
    table = getattr(statement, "table", None)
    if table is None:
        return
    skipped = sorted(
        column.name
        for column in table.columns
        if column.default is not None and not column.primary_key and column.name not in keys
    )
    if skipped:
        raise TypeError(
            f"INSERT into {table.name} leaves out {', '.join(skipped)}, whose Python defaults it would skip"
        )
