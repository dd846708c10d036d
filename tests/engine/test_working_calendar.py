"""Working time per S2 7.1.3 / 7.2.7: business hours, PRC holidays and make-up workdays."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from engine.bpmn.script_engine import calendar_helpers
from engine.domain.config import parse_working_periods
from engine.domain.working_calendar import WorkingCalendar
from engine.services import calendar_days
from tests.actors import SYSTEM

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


def test_spring_festival_2026_is_off_and_its_saturdays_are_workdays(calendar: WorkingCalendar) -> None:
    assert not calendar.is_workday(date(2026, 2, 16))  # Spring Festival eve week
    assert not calendar.is_workday(date(2026, 2, 23))  # last day of the break (a Monday)
    assert calendar.is_workday(date(2026, 2, 14))  # make-up Saturday before the break
    assert calendar.is_workday(date(2026, 2, 28))  # make-up Saturday after the break
    assert not calendar.is_workday(date(2026, 2, 7))  # an ordinary Saturday


def test_hours_within_one_morning(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_hours(local(2026, 3, 2, 9, 0), 2) == local(2026, 3, 2, 11, 0).astimezone(UTC)


def test_lunch_break_does_not_count(calendar: WorkingCalendar) -> None:
    # 11:00 + 2 h: one hour before lunch, one after 13:30
    assert calendar.add_working_hours(local(2026, 3, 2, 11, 0), 2) == local(2026, 3, 2, 14, 30)


def test_four_hours_from_friday_afternoon_end_on_monday(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_hours(local(2026, 3, 6, 16, 30), 4) == local(2026, 3, 9, 11, 30)


def test_forwarding_deadline_across_the_spring_festival(calendar: WorkingCalendar) -> None:
    """Friday 13 Feb 16:00 + 4 working hours: 1.5 h that day, then the make-up Saturday 14 Feb."""
    assert calendar.add_working_hours(local(2026, 2, 13, 16, 0), 4) == local(2026, 2, 14, 11, 0)


def test_hours_started_inside_the_break_resume_after_it(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_hours(local(2026, 2, 18, 10, 0), 1) == local(2026, 2, 24, 9, 30)


def test_working_days_skip_the_break_and_use_the_makeup_saturday(calendar: WorkingCalendar) -> None:
    # Friday 13 Feb + 1 working day = Saturday 14 Feb (make-up); + 2 = Tuesday 24 Feb
    assert calendar.add_working_days(local(2026, 2, 13, 10, 0), 1) == local(2026, 2, 14, 10, 0)
    assert calendar.add_working_days(local(2026, 2, 13, 10, 0), 2) == local(2026, 2, 24, 10, 0)


def test_trip_report_due_three_working_days_later(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(local(2026, 3, 5, 15, 0), 3) == local(2026, 3, 10, 15, 0)


def test_overrides_beat_the_package(calendar: WorkingCalendar) -> None:
    company = WorkingCalendar(overrides={date(2026, 3, 9): False})
    assert calendar.add_working_hours(local(2026, 3, 6, 17, 0), 1) == local(2026, 3, 9, 9, 0)
    assert company.add_working_hours(local(2026, 3, 6, 17, 0), 1) == local(2026, 3, 10, 9, 0)


def test_unknown_years_fall_back_to_weekdays_and_are_reported(calendar: WorkingCalendar) -> None:
    assert calendar.is_workday(date(2031, 1, 6))  # a Monday the package does not know
    assert not calendar.is_workday(date(2031, 1, 4))
    assert calendar.missing_years(date(2026, 11, 22)) == [2027]
    assert calendar.missing_years(date(2026, 3, 1)) == [2027]
    assert WorkingCalendar(overrides={date(2027, 1, 1): False}).missing_years(date(2026, 11, 22)) == []


def test_configured_hours_replace_the_default() -> None:
    shifts = WorkingCalendar(periods=parse_working_periods("09:00-18:00"))
    assert shifts.add_working_hours(local(2026, 3, 2, 17, 0), 2) == local(2026, 3, 3, 10, 0)


@pytest.mark.parametrize("text", ["12:00-08:00", "08:00-12:00,11:00-13:00", "8-12"])
def test_bad_working_hours_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_working_periods(text)


def test_naive_datetimes_are_refused(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="aware"):
        calendar.add_working_hours(datetime(2026, 3, 2, 9, 0), 1)


def test_database_overrides_reach_the_calendar_and_silence_the_warning(ctx) -> None:
    assert calendar_days.calendar_warnings(ctx, SYSTEM, date(2026, 11, 22))
    calendar_days.set_day(ctx, SYSTEM, date(2027, 1, 1), False, "New Year")
    assert calendar_days.calendar_warnings(ctx, SYSTEM, date(2026, 11, 22)) == []
    with ctx.uow() as uow:
        assert not ctx.calendar(uow.session).is_workday(date(2027, 1, 1))


def test_clock_and_calendar_helpers_for_expressions() -> None:
    helpers = calendar_helpers(WorkingCalendar())
    start = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
    assert helpers["add_hours"](start, 72) == datetime(2026, 2, 3, 9, 0, tzinfo=UTC)  # through the weekend
    assert helpers["add_days"]("2027-05-01T00:00:00+00:00", -30) == datetime(2027, 4, 1, tzinfo=UTC)
    assert helpers["add_months"](start, 1) == datetime(2026, 2, 28, 9, 0, tzinfo=UTC)  # no 31 February
    assert helpers["add_months"](start, 13) == datetime(2027, 2, 28, 9, 0, tzinfo=UTC)


def test_working_hours_between_skip_lunch_nights_and_weekends(calendar: WorkingCalendar) -> None:
    # Working hours 08:30–12:00 and 13:30–17:30 (the default): Friday 6 March 2026 16:00 →
    # Monday 9 March 10:00 is 1.5 h on Friday and 1.5 h on Monday.
    friday, monday = local(2026, 3, 6, 16), local(2026, 3, 9, 10)
    assert calendar.working_hours_between(friday, monday) == pytest.approx(3.0)
    assert calendar.working_hours_between(local(2026, 3, 9, 11), local(2026, 3, 9, 14)) == pytest.approx(1.5)
    assert calendar.working_hours_between(local(2026, 3, 7, 9), local(2026, 3, 8, 18)) == 0  # the weekend
    assert calendar.working_hours_between(monday, friday) == 0
    # Round trip with add_working_hours: 4 working hours later is 4 working hours between.
    later = calendar.add_working_hours(friday, 4)
    assert calendar.working_hours_between(friday, later) == pytest.approx(4)


def test_each_begun_working_day_of_lateness_counts(calendar: WorkingCalendar) -> None:
    due = local(2026, 3, 6, 10)  # a Friday
    assert calendar.working_days_late(due, local(2026, 3, 6, 9)) == 0
    assert calendar.working_days_late(due, local(2026, 3, 6, 11)) == 1
    assert calendar.working_days_late(due, local(2026, 3, 9, 10)) == 1  # Monday, same clock time
    assert calendar.working_days_late(due, local(2026, 3, 9, 11)) == 2
    assert calendar.working_days_late(due, local(2026, 3, 11, 9)) == 3
