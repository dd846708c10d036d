"""Form values as the process receives them: a date-time typed in local time is a moment in UTC."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from engine.domain.errors import InvalidData
from engine.domain.forms import clean_form_data
from engine.domain.forms import form_field

SHANGHAI = ZoneInfo("Asia/Shanghai")  # UTC+8 all year, no daylight saving
ARRIVAL = {"fields": [form_field("arrived_at", "datetime", "到达时间", None, {"required": None}, {}, [])]}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2026-03-03T14:30", "2026-03-03T06:30:00+00:00"),  # the browser's datetime-local, 14:30 in Shanghai
        ("2026-03-03 14:30", "2026-03-03T06:30:00+00:00"),
        ("2026-03-03T01:15", "2026-03-02T17:15:00+00:00"),  # early morning: the day before in UTC
        ("2026-03-03T14:30:00+00:00", "2026-03-03T14:30:00+00:00"),  # an API client's moment with offset
        ("2026-03-03T14:30:00+09:00", "2026-03-03T05:30:00+00:00"),
    ],
)
def test_a_date_time_is_stored_as_the_moment_in_utc(typed: str, stored: str) -> None:
    assert clean_form_data(ARRIVAL, {"arrived_at": typed}, SHANGHAI) == {"arrived_at": stored}


@pytest.mark.parametrize("typed", ["2026-03-03", "14:30", "tomorrow", "2026-02-30T10:00"])
def test_a_date_without_a_time_or_no_date_at_all_is_refused(typed: str) -> None:
    with pytest.raises(InvalidData) as refused:
        clean_form_data(ARRIVAL, {"arrived_at": typed}, SHANGHAI)
    assert refused.value.errors["arrived_at"].msgid == "must be a date and time (YYYY-MM-DD HH:MM)"


def test_a_required_date_time_left_empty_is_refused() -> None:
    with pytest.raises(InvalidData) as refused:
        clean_form_data(ARRIVAL, {"arrived_at": " "}, SHANGHAI)
    assert refused.value.errors["arrived_at"].msgid == "this field is required"
