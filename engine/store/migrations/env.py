"""Alembic environment: migrations run against the URL given in the Alembic config."""

from __future__ import annotations

from alembic import context

import engine.store.models  # noqa: F401 - registers every table on Base.metadata
from engine.store.db import Base
from engine.store.db import make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        context.configure(connection=connectable, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    db = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with db.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild a table by copying it and dropping the original; with
            # foreign keys on, dropping ``cases`` would cascade to every work item and audit
            # event. The pragma only takes effect outside a transaction.
            dbapi = connection.connection.dbapi_connection
            assert dbapi is not None  # a checked-out connection always has one
            dbapi.execute("PRAGMA foreign_keys=OFF")
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left rows without their parent: {broken[:5]}")
    db.dispose()


run_migrations_online()
