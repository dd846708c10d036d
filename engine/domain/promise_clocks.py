"""Promise clocks: each promise of a case measured from its start to its stop, as the policy
states it, against the company's term (engine/domain/service_settings.py).

A clock starts at a moment recorded on the case (the call's ``received_at``, the forwarding's
``forwarded_at``) and stops at another (the engineer's ``arrived_at``) or when a step is done.
Which moments those are is company policy (``Policy.clocks``); how long each may take is the
company's setting. A clock whose start is not yet recorded has not started.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import Any

from engine.domain.service_settings import ServiceSettings
from engine.domain.service_settings import Term
from engine.domain.working_calendar import WorkingCalendar

ARRIVAL = "arrival"  # the clock whose term is the arrival profile (by zone or distance)
DONE = "done:"  # a stop written "done:<step>": when that step was completed


@dataclass(frozen=True)
class Clock:
    """One promise of a process: ``term`` names the setting (or ``arrival``)."""

    term: str
    start: str  # a datetime field of the case data
    stop: str  # a datetime field, or "done:<step id>"
    clause: str
    when: tuple[str, str] | None = None  # (field, value): the clock applies to such cases only
    setting: str | None = None  # a yes/no service setting: the promise is made only when it is on
    # (from, to): datetime fields between which the clock stands still — the customer weighing
    # a quote is not the company's time (S2 7.2.4: service is arranged once the customer agrees)
    pause: tuple[str, str] | None = None


@dataclass(frozen=True)
class ClockState:
    term: str
    clause: str
    started_at: datetime
    due_at: datetime
    stopped_at: datetime | None  # None: still running
    paused: timedelta = timedelta(0)  # how long the clock stood still (already in ``due_at``)

    @property
    def paused_hours(self) -> float:
        return round(self.paused.total_seconds() / 3600, 1)

    def state(self, now: datetime) -> str:
        """kept, broken (stopped late), running, or overdue (running past its due time)."""
        if self.stopped_at is not None:
            return "kept" if self.stopped_at <= self.due_at else "broken"
        return "running" if now <= self.due_at else "overdue"


def clock_states(
    clocks: tuple[Clock, ...],
    data: Mapping[str, Any],
    done: Mapping[str, datetime],
    settings: ServiceSettings,
    calendar: WorkingCalendar,
    ended: bool = False,
) -> list[ClockState]:
    """The clocks of one case that have started, in declaration order; ``done`` is when each
    step was first completed. Left out: a promise the company does not make (no term), one that
    does not apply to the case, and one a case ``ended`` without reaching (never at stake)."""
    states = []
    for clock in clocks:
        started = moment_of(data.get(clock.start))
        term = _term(clock, data, settings)
        applies = (clock.when is None or data.get(clock.when[0]) == clock.when[1]) and (
            clock.setting is None or bool(getattr(settings, clock.setting))
        )
        if started is None or term is None or not applies:
            continue
        if clock.stop.startswith(DONE):
            stopped = done.get(clock.stop.removeprefix(DONE))
        else:
            stopped = moment_of(data.get(clock.stop))
        if stopped is None and ended:
            continue
        paused_from, paused_to = (moment_of(data.get(name)) for name in clock.pause or ("", ""))
        due = term.due_paused(started, calendar, paused_from, paused_to)
        pause = paused_to - paused_from if paused_from and paused_to and paused_to > paused_from else timedelta(0)
        states.append(ClockState(clock.term, clock.clause, started, due, stopped, pause))
    return states


def _term(clock: Clock, data: Mapping[str, Any], settings: ServiceSettings) -> Term | None:
    if clock.term == ARRIVAL:
        if "distance_km" not in data and "service_zone" not in data:
            return None  # not dispatched yet: the zone or distance is unknown
        return settings.arrival.term(data.get("distance_km"), data.get("service_zone"))
    return settings.term(clock.term)


def moment_of(value: object) -> datetime | None:
    """A moment recorded in the case data (ISO text, as forms store it), or None."""
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
