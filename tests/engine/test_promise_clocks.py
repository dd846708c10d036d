"""Promise clocks of a case, each from the moment the policy names to the one that stops it,
against the company's term; times worked out by hand on the 08:30–12:00, 13:30–17:30 day."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from engine.domain.policy import SHIPPED
from engine.domain.promise_clocks import clock_states
from engine.domain.service_settings import SHIPPED_SETTINGS
from engine.domain.service_settings import ArrivalProfile
from engine.domain.service_settings import Term
from engine.domain.working_calendar import WorkingCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


# A fault called in on Monday 2 March 09:00, forwarded 09:10, the customer contacted 14:00,
# 120 km away: on site by Tuesday 09:00 (24 clock hours, S2 5.1.1.3).
FAULT = {
    "received_at": at(2, 9).isoformat(),
    "forwarded_at": at(2, 9, 10).isoformat(),
    "contacted_at": at(2, 14).isoformat(),
    "request_kind": "fault",
    "distance_km": 120,
}


def clocks(data, done=None, settings=SHIPPED_SETTINGS, ended=False):
    return {c.term: c for c in clock_states(SHIPPED.clocks, data, done or {}, settings, WorkingCalendar(), ended)}


def test_each_promise_runs_from_its_start_to_its_stop() -> None:
    found = clocks({**FAULT, "arrived_at": at(3, 8, 30).isoformat()}, {"service": at(3, 10)})
    # Forwarding: 4 working hours from 09:00 — 3 before noon, 1 from 13:30: due 14:30.
    assert (found["forward"].due_at, found["forward"].state(at(3, 12))) == (at(2, 14, 30), "kept")
    # Contact: 4 working hours from forwarding 09:10 — 2 h 50 before noon, 1 h 10 after: 14:40.
    assert (found["contact"].due_at, found["contact"].state(at(3, 12))) == (at(2, 14, 40), "kept")
    # Arrival kept at 08:30 although the repair ended at 10:00, after the deadline.
    assert (found["arrival"].due_at, found["arrival"].stopped_at) == (at(3, 9), at(3, 8, 30))
    assert found["arrival"].state(at(3, 12)) == "kept"
    # Resolution in all: 15 working days from the call (S2/11 3.12), no holiday in March 2026:
    # 3–6 March (4), 9–13 (9), 16–20 (14), Monday 23 March (15), at 09:00; still running.
    assert (found["resolution"].due_at, found["resolution"].state(at(3, 12))) == (at(23, 9), "running")
    # Not this case's promises: a consultation's answer, a complaint's first contact, dispatch
    # within an hour of the call (only a company that dispatches at registration makes it, S0),
    # and the fix, which the shipped settings do not promise (S4 does: 24 hours).
    assert set(found) == {"forward", "contact", "arrival", "resolution"}


def test_resolution_stops_when_the_service_ended() -> None:
    ended = clocks({**FAULT, "service_ended_at": at(24, 9).isoformat()})["resolution"]
    assert (ended.stopped_at, ended.state(at(30, 9))) == (at(24, 9), "broken")  # a day past 23 March 09:00


def test_a_company_that_dispatches_at_registration_promises_dispatch_from_the_call() -> None:
    s0 = replace(SHIPPED_SETTINGS.with_terms(dispatch=Term(1, "hours")), dispatch_at_registration=True)
    dispatch = clocks(FAULT, {"dispatch": at(2, 9, 50)}, s0)["dispatch"]
    assert (dispatch.due_at, dispatch.state(at(2, 12))) == (at(2, 10), "kept")  # 09:00 + 1 h, done 09:50


def test_a_late_arrival_breaks_the_promise_and_a_missing_one_is_overdue() -> None:
    assert clocks({**FAULT, "arrived_at": at(3, 9, 30).isoformat()})["arrival"].state(at(3, 12)) == "broken"
    running = clocks(FAULT)["arrival"]
    assert (running.state(at(3, 8, 59)), running.state(at(3, 9, 1))) == ("running", "overdue")


def test_a_promise_a_closed_case_never_reached_is_left_out() -> None:
    assert "arrival" not in clocks(FAULT, ended=True)  # solved by phone: nobody went on site


def test_a_company_that_promises_a_fix_gets_its_clock() -> None:
    s4 = SHIPPED_SETTINGS.with_terms(fix=Term(24, "hours"))
    # The engineer recorded the work done at 10:00 (submitting the form at noon): due 09:00.
    fix = clocks({**FAULT, "completed_at": at(3, 10).isoformat()}, {"service": at(3, 12)}, s4)["fix"]
    assert (fix.due_at, fix.stopped_at, fix.state(at(3, 12))) == (at(3, 9), at(3, 10), "broken")


def test_the_customer_weighing_a_quote_stops_the_clock_in_the_terms_own_time() -> None:
    # S0 city: on site within 6 working hours of the call, Monday 09:00: 3 h to noon, 3 from 13:30,
    # due 16:30. The quote went out 09:30 and was accepted 14:30: 2.5 + 1 = 3.5 working hours
    # of waiting push it to 17:30 (1 h) and Tuesday 08:30 + 2.5 h = 11:00 (S2 7.2.4).
    s0 = replace(SHIPPED_SETTINGS, arrival=ArrivalProfile(zones={"city": Term(6, "working_hours")}))
    quoted = {
        **FAULT,
        "service_zone": "city",
        "quote_sent_at": at(2, 9, 30).isoformat(),
        "quote_answered_at": at(2, 14, 30).isoformat(),
    }
    arrival = clocks(quoted, settings=s0)["arrival"]
    assert (arrival.due_at, arrival.paused) == (at(3, 11), timedelta(hours=5))
    # In clock time the wait counts whole: 120 km, 24 h from 09:00 plus 5 h: Tuesday 14:00.
    assert clocks({**quoted, "service_zone": ""})["arrival"].due_at == at(3, 14)


def test_the_clocks_skip_national_day_and_count_its_make_up_saturday() -> None:
    """A fault called on Wednesday 30 September 2026 at 16:00 and forwarded at once: 1–7 October
    are National Day, Saturday 10 October is a make-up working day (the PRC calendar)."""

    def october(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
        return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)

    call = {
        **FAULT,
        "received_at": october(30, 16, month=9).isoformat(),
        "forwarded_at": october(30, 16, month=9).isoformat(),
        "contacted_at": None,
    }
    found = clocks(call)
    # Contact, 4 working hours: 1.5 h on 30 September to 17:30, then Thursday 8 October from
    # 08:30, 2.5 h — 11:00.
    assert found["contact"].due_at == october(8, 11)
    # Resolution, 15 working days: 8, 9, 10 (the make-up Saturday), 12–16 (8), 19–23 (13), 26
    # (14), 27 October (15) — Tuesday 27 October at 16:00.
    assert found["resolution"].due_at == october(27, 16)
