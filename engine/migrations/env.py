"""Alembic environment: migrations run against the URL given in the Alembic config."""

from __future__ import annotations

from alembic import context

import engine.models  # noqa: F401 - registers every table on Base.metadata
from engine.db import Base
from engine.db import make_engine

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
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    db.dispose()


run_migrations_online()
