"""Working time: business hours, PRC public holidays with make-up workdays, admin overrides.

Deadlines in the policy are counted in working hours and working days (S2 7.1.3, 7.2.7), so
all due dates go through this one calendar.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Mapping
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from engine.domain.config import DEFAULT_WORKING_PERIODS

MAX_SEARCH_DAYS = 3660


class WorkingCalendar:
    """Answers "is this a working day" and adds working time to an instant."""

    def __init__(
        self,
        timezone: str = "Asia/Shanghai",
        periods: tuple[tuple[time, time], ...] = DEFAULT_WORKING_PERIODS,
        overrides: Mapping[date, bool] | None = None,
        six_day_week: bool = False,
    ) -> None:
        self.zone = ZoneInfo(timezone)
        self.periods = periods
        self.overrides = dict(overrides or {})
        self.six_day_week = six_day_week

    def adjusted(self, periods: tuple[tuple[time, time], ...], six_day_week: bool) -> WorkingCalendar:
        """The same holidays and overrides with other working hours or week: a site's own shifts."""
        if periods == self.periods and six_day_week == self.six_day_week:
            return self
        calendar = WorkingCalendar(periods=periods, six_day_week=six_day_week)
        calendar.zone, calendar.overrides = self.zone, self.overrides
        return calendar

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            return day.weekday() < (6 if self.six_day_week else 5)
        # A six-day week works Saturdays, except those inside a public holiday (which have a name).
        return not holiday or (self.six_day_week and day.weekday() == 5 and name is None)

    def knows_year(self, year: int) -> bool:
        """True when the holiday package or an override covers ``year``."""
        if any(day.year == year for day in self.overrides):
            return True
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def missing_years(self, today: date) -> list[int]:
        """Years (this one and the next) for which no holiday data is known."""
        return [year for year in (today.year, today.year + 1) if not self.knows_year(year)]

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """Return the instant ``hours`` of working time after ``start`` (aware, UTC)."""
        if hours < 0:
            raise ValueError("hours must not be negative")
        remaining = timedelta(hours=hours)
        cursor = self._local(start)
        for _ in range(MAX_SEARCH_DAYS):
            if self.is_workday(cursor.date()):
                for begin, end in self.periods:
                    period_start = datetime.combine(cursor.date(), begin, self.zone)
                    period_end = datetime.combine(cursor.date(), end, self.zone)
                    if cursor >= period_end:
                        continue
                    segment_start = max(cursor, period_start)
                    available = period_end - segment_start
                    if remaining <= available:
                        return (segment_start + remaining).astimezone(UTC)
                    remaining -= available
                    cursor = period_end
            next_day = cursor.date() + timedelta(days=1)
            cursor = datetime.combine(next_day, time(0), self.zone)
        raise ValueError("no working time found within ten years; check the calendar")

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Return the same local clock time ``days`` working days after ``start`` (aware, UTC)."""
        if days < 0:
            raise ValueError("days must not be negative")
        local = self._local(start)
        day, counted = local.date(), 0
        for _ in range(MAX_SEARCH_DAYS):
            if counted == days:
                return datetime.combine(day, local.timetz()).astimezone(UTC)
            day += timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        raise ValueError("no working day found within ten years; check the calendar")

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """The working time from ``start`` to ``end`` in hours (0 when ``end`` is not later)."""
        first, last = self._local(start), self._local(end)
        total = timedelta()
        day = first.date()
        for _ in range(MAX_SEARCH_DAYS):
            if day > last.date():
                break
            if self.is_workday(day):
                for begin, finish in self.periods:
                    lower = max(first, datetime.combine(day, begin, self.zone))
                    upper = min(last, datetime.combine(day, finish, self.zone))
                    if upper > lower:
                        total += upper - lower
            day += timedelta(days=1)
        return total.total_seconds() / 3600

    def working_days_late(self, due: datetime, done: datetime) -> int:
        """How many working days ``done`` is after ``due``, each begun day counting as one
        (S2 7.2.7: every late day of an expense audit is recorded)."""
        days = 0
        while days < MAX_SEARCH_DAYS and self.add_working_days(due, days) < done:
            days += 1
        return days

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise ValueError("working-time arithmetic needs an aware datetime")
        return moment.astimezone(self.zone)


def add_months(start: datetime, months: int) -> datetime:
    """Same day of a later month, or its last day when shorter (31 Jan + 1 month = 28 Feb); the
    policy's "one month" is a calendar month, not a count of working days (S2/11 3.12)."""
    index = start.month - 1 + int(months)
    year, month = start.year + index // 12, index % 12 + 1
    return start.replace(year=year, month=month, day=min(start.day, monthrange(year, month)[1]))
