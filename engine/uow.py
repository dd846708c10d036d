"""One transaction per use case: commit explicitly, roll back on leaving the block."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from engine.db import WRITE_OPTION


class UnitOfWork:
    session: Session

    def __init__(self, session_factory: sessionmaker[Session], write: bool = False) -> None:
        self.session_factory = session_factory
        self.write = write

    def __enter__(self) -> UnitOfWork:
        self.session = self.session_factory()
        if self.write:
            self.session.connection(execution_options={WRITE_OPTION: True})
        return self

    def commit(self) -> None:
        self.session.commit()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        err: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.info.clear()
        self.session.close()
