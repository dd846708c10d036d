"""The composition root of the engine: configuration plus a session factory."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from engine.config import EngineConfig
from engine.db import make_engine
from engine.db import make_session_factory
from engine.uow import UnitOfWork
from engine.working_calendar import WorkingCalendar


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user (with roles), or the system (timer worker, CLI)."""

    user_id: int | None
    username: str
    roles: frozenset[str] = frozenset()

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(None, f"system:{name}")


class EngineContext:
    def __init__(self, config: EngineConfig, engine: Engine | None = None) -> None:
        self.config = config
        self.db: Engine = engine or make_engine(config.database_url)
        self.session_factory: sessionmaker[Session] = make_session_factory(self.db)

    def uow(self, write: bool = False) -> UnitOfWork:
        return UnitOfWork(self.session_factory, write=write)

    def calendar(self, session: Session) -> WorkingCalendar:
        from engine.models import CalendarDay

        overrides = {row.day: row.is_workday for row in session.scalars(select(CalendarDay))}
        return WorkingCalendar(self.config.timezone, self.config.working_periods, overrides)

    def dispose(self) -> None:
        self.db.dispose()
