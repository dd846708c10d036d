"""Reporting periods: local calendar days, given as YYYY-MM-DD by people, compared in UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from engine.domain import clock
from engine.domain.errors import InvalidData
from engine.domain.messages import Message


def local_day(name: str, value: str | None, zone: ZoneInfo) -> datetime | None:
    """The start of a local calendar day given as YYYY-MM-DD (None when not given)."""
    if not value:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), time(0), tzinfo=zone)
    except ValueError:
        raise InvalidData({name: Message("must be a date (YYYY-MM-DD)")}) from None


@dataclass(frozen=True)
class Period:
    """From the start of ``first`` to the end of ``last`` (local days, both included)."""

    first: date
    last: date
    zone: ZoneInfo

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), tzinfo=self.zone)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=self.zone)

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


def period(first: str | None, last: str | None, zone: ZoneInfo, today: date) -> Period:
    """The period between two local dates; by default the month ``today`` is in, up to today."""
    start = local_day("from", first, zone)
    end = local_day("to", last, zone)
    begin = start.date() if start else today.replace(day=1)
    finish = end.date() if end else today
    if finish < begin:
        raise InvalidData({"to": Message("the period ends before it starts")})
    if (finish - begin).days > 3 * 366:
        raise InvalidData({"to": Message("choose a period of at most three years")})
    return Period(begin, finish, zone)


def local_today(timezone: str) -> date:
    return clock.today(ZoneInfo(timezone))


def reporting_period(timezone: str, first: str | None, last: str | None) -> Period:
    """The period people asked for, in the installation's time zone (default: this month)."""
    return period(first, last, ZoneInfo(timezone), local_today(timezone))


def recent_quarters(today: date, count: int = 4) -> list[tuple[str, date, date]]:
    """The quarter ``today`` is in and the ones before it, newest first: (label, first, last),
    for the quarterly cause analysis (S2 12.3)."""
    year, quarter = today.year, (today.month - 1) // 3
    found = []
    for _ in range(count):
        first = date(year, 3 * quarter + 1, 1)
        after = date(year + 1, 1, 1) if quarter == 3 else date(year, 3 * quarter + 4, 1)
        found.append((f"{year} Q{quarter + 1}", first, after - timedelta(days=1)))
        year, quarter = (year - 1, 3) if quarter == 0 else (year, quarter - 1)
    return found
