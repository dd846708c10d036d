"""The date functions process expressions may call; light enough to import in a worker process."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

from engine.domain import clock
from engine.domain.service_settings import SHIPPED_SETTINGS
from engine.domain.service_settings import ServiceSettings
from engine.domain.working_calendar import WorkingCalendar
from engine.domain.working_calendar import add_months as add_calendar_months


def calendar_helpers(
    calendar: WorkingCalendar, at: datetime | None = None, settings: ServiceSettings = SHIPPED_SETTINGS
) -> dict[str, Any]:
    """The functions process expressions may call (see docs/engine.md).

    ``at``: the moment ``now()`` answers — a worker process is given the server's clock, so a
    step reads one time wherever its code runs. ``settings``: the company's promises, which
    ``due`` and ``arrival_due`` read, so no diagram holds a company's number.
    """

    def now() -> datetime:
        return at if at is not None else clock.now()

    def add_working_hours(start: datetime, hours: float) -> datetime:
        return calendar.add_working_hours(_as_datetime(start), hours)

    def add_working_days(start: datetime, days: int) -> datetime:
        return calendar.add_working_days(_as_datetime(start), days)

    def add_hours(start: datetime, hours: float) -> datetime:
        """Clock hours (arrival deadlines run through nights and holidays)."""
        return _as_datetime(start) + timedelta(hours=float(hours))

    def add_days(start: datetime, days: int) -> datetime:
        """Calendar days; negative to count back (a notice a month before a date)."""
        return _as_datetime(start) + timedelta(days=int(days))

    def add_months(start: datetime, months: int) -> datetime:
        """Same day of a later month, or its last day when shorter (31 Jan + 1 month = 28 Feb)."""
        return add_calendar_months(_as_datetime(start), months)

    def due(
        name: str, start: datetime, paused_from: datetime | None = None, paused_to: datetime | None = None
    ) -> datetime | None:
        """When promise ``name`` of the company's settings, started at ``start``, runs out; None
        (no due time) when the company makes no such promise. A pause (the customer weighing a
        quote) pushes it back."""
        term = settings.term(str(name))
        return term.due_paused(_as_datetime(start), calendar, *_pause(paused_from, paused_to)) if term else None

    def before(name: str, end: datetime) -> datetime:
        """``end`` less the term ``name`` in calendar time (a notice a month before a contract ends)."""
        term = settings.term(str(name))
        if term is None:
            return _as_datetime(end)
        if term.unit == "months":
            return add_calendar_months(_as_datetime(end), -int(term.amount))
        days = term.amount if term.unit in ("days", "working_days") else term.amount / 24
        return _as_datetime(end) - timedelta(days=float(days))

    def arrival_due(
        start: datetime,
        distance_km: float | None = None,
        zone: str | None = None,
        paused_from: datetime | None = None,
        paused_to: datetime | None = None,
    ) -> datetime:
        """The on-site arrival deadline: by the zone the dispatcher named, else by distance;
        pushed back by a pause, as ``due``."""
        term = settings.arrival.term(distance_km, zone)
        return term.due_paused(_as_datetime(start), calendar, *_pause(paused_from, paused_to))

    def dispatch_at_registration() -> bool:
        """Whether the company dispatches straight after the warranty check (S0 八)."""
        return settings.dispatch_at_registration

    return {
        "now": now,
        "add_working_hours": add_working_hours,
        "add_working_days": add_working_days,
        "add_hours": add_hours,
        "add_days": add_days,
        "add_months": add_months,
        "due": due,
        "before": before,
        "arrival_due": arrival_due,
        "dispatch_at_registration": dispatch_at_registration,
    }


def _pause(paused_from: datetime | str | None, paused_to: datetime | str | None) -> tuple[datetime | None, ...]:
    return tuple(_as_datetime(moment) if moment else None for moment in (paused_from, paused_to))


def _as_datetime(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
