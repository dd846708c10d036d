"""The composition root of the engine: configuration, the database, and reference-data caches."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.config import EngineConfig
from engine.domain.fee_table import SHIPPED_FEES
from engine.domain.fee_table import FeeTable
from engine.domain.fee_table import fees_from_json
from engine.domain.service_settings import SHIPPED_SETTINGS
from engine.domain.service_settings import ServiceSettings
from engine.domain.service_settings import settings_from_json
from engine.domain.working_calendar import WorkingCalendar
from engine.store.audit_keys import load_audit_keys
from engine.store.db import make_engine
from engine.store.live_workflows import LiveWorkflows
from engine.store.uow import UnitOfWork

T = TypeVar("T")


REFERENCE_TTL_SECONDS = 30.0


class EngineContext:
    """Configuration, database, and short-lived caches of rarely changing reference rows.

    Roles, calendar overrides and the service settings are read on every action; they are cached for
    ``REFERENCE_TTL_SECONDS`` (and dropped at once when changed through this context), so another
    process sees a change within that time.
    """

    def __init__(self, config: EngineConfig, engine: Engine | None = None) -> None:
        self.config = config
        self.db: Engine = engine or make_engine(config.database_url)
        self._reference: dict[str, tuple[float, object]] = {}
        self.live_workflows = LiveWorkflows(keep=config.keep_live_workflows)
        self.audit_keys = load_audit_keys(config.audit_keys_file)

    def cached(self, key: str, load: Callable[[], T]) -> T:
        hit = self._reference.get(key)
        now = time.monotonic()
        if hit is not None and now - hit[0] < REFERENCE_TTL_SECONDS:
            return hit[1]  # type: ignore[return-value]  # one key always caches one type
        value = load()
        self._reference[key] = (now, value)
        return value

    def forget_reference_data(self) -> None:
        self._reference.clear()

    def uow(self, write: bool = False) -> UnitOfWork:
        return UnitOfWork(self.db, write=write)

    def calendar(self, connection: Connection | Session) -> WorkingCalendar:
        from engine.store.models import CalendarDay

        settings = self.settings(connection)

        def load() -> WorkingCalendar:
            rows = connection.execute(select(CalendarDay.day, CalendarDay.is_workday))
            overrides = {row.day: row.is_workday for row in rows}
            periods = settings.working_hours or self.config.working_periods
            return WorkingCalendar(self.config.timezone, periods, overrides, settings.six_day_week)

        return self.cached("calendar", load)

    def settings(self, connection: Connection | Session) -> ServiceSettings:
        """The service settings in force: the latest saved version, else the shipped defaults."""
        from engine.store.models import SettingsVersion

        def load() -> ServiceSettings:
            body = connection.execute(
                select(SettingsVersion.body).order_by(SettingsVersion.version.desc()).limit(1)
            ).scalar()
            return settings_from_json(body) if body else SHIPPED_SETTINGS

        return self.cached("settings", load)

    def fees(self, connection: Connection | Session) -> FeeTable:
        """The fee table in force: the latest saved version, else the shipped example rates."""
        from engine.store.models import FeeVersion

        def load() -> FeeTable:
            body = connection.execute(select(FeeVersion.body).order_by(FeeVersion.version.desc()).limit(1)).scalar()
            return fees_from_json(body) if body else SHIPPED_FEES

        return self.cached("fees", load)

    def dispose(self) -> None:
        self.live_workflows.clear()
        self.db.dispose()
