"""One transaction per use case: commit explicitly, roll back on leaving the block.

The transaction lives on a plain ``Connection``; an ORM ``Session`` joins it only when a
service asks for one. The busiest actions (completing a task, starting a case) use Core
statements on the connection alone, and an ORM session would cost them more than their SQL
(docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from engine.store.db import WRITE_OPTION


class UnitOfWork:
    connection: Connection

    def __init__(self, engine: Engine, write: bool = False) -> None:
        self.engine = engine
        self.write = write
        self._session: Session | None = None
        self._after_commit: list[Callable[[], None]] = []

    def __enter__(self) -> UnitOfWork:
        self.connection = self.engine.connect()
        if self.write:
            self.connection.execution_options(**{WRITE_OPTION: True})
        self.transaction = self.connection.begin()
        return self

    @property
    def session(self) -> Session:
        """An ORM session inside this unit's transaction (it never commits on its own)."""
        if self._session is None:
            self._session = Session(bind=self.connection, expire_on_commit=False, join_transaction_mode="rollback_only")
        return self._session

    def after_commit(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` once the transaction has committed (never when it rolls back).

        Caches of what was written register here, so an entry can never describe a change the
        database did not keep, and no caller has to remember to fill the cache itself.
        """
        self._after_commit.append(hook)

    def commit(self) -> None:
        if self._session is not None:
            self._session.flush()
        self.transaction.commit()
        hooks, self._after_commit = self._after_commit, []
        for hook in hooks:
            hook()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        err: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._session is not None:
                self._session.close()
            if self.transaction.is_active:
                self.transaction.rollback()
        finally:
            self.connection.close()
