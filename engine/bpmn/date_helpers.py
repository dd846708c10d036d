"""The date functions process expressions may call; light enough to import in a worker process."""

from __future__ import annotations

from calendar import monthrange
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

from engine.domain.working_calendar import WorkingCalendar


def calendar_helpers(calendar: WorkingCalendar, at: datetime | None = None) -> dict[str, Any]:
    """The functions process expressions may call (see docs/engine.md).

    ``at``: the moment ``now()`` answers — a worker process is given the server's clock, so a
    step reads one time wherever its code runs.
    """

    def now() -> datetime:
        return at if at is not None else datetime.now(UTC)

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
        moment = _as_datetime(start)
        index = moment.month - 1 + int(months)
        year, month = moment.year + index // 12, index % 12 + 1
        return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))

    return {
        "now": now,
        "add_working_hours": add_working_hours,
        "add_working_days": add_working_days,
        "add_hours": add_hours,
        "add_days": add_days,
        "add_months": add_months,
    }


def _as_datetime(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
