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

from engine.domain.messages import Message
from engine.domain.service_settings import TERMS
from engine.domain.service_settings import ServiceSettings
from engine.domain.service_settings import Term
from engine.domain.working_calendar import WorkingCalendar

ARRIVAL = "arrival"  # the clock whose term is the arrival profile (by zone or distance)
ARRIVAL_LABEL = Message("arrive on site")
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
    owner: str = ""  # the step whose completer (or holder) answers for the promise
    fallback: str = ""  # the role that answers while that step is not reached (nobody dispatched)
    breach: str = ""  # the breach register's kind when it is broken; else late_<term>

    @property
    def kind(self) -> str:
        return self.breach or f"late_{self.term}"


@dataclass(frozen=True)
class ClockState:
    term: str
    clause: str
    started_at: datetime
    due_at: datetime
    stopped_at: datetime | None  # None: still running
    paused: timedelta = timedelta(0)  # how long the clock stood still (already in ``due_at``)
    kind: str = ""  # the breach it is when broken (Clock.kind)
    owner: str = ""  # the step whose person answers for it (Clock.owner)
    fallback: str = ""  # Clock.fallback

    @property
    def paused_hours(self) -> float:
        return round(self.paused.total_seconds() / 3600, 1)

    def state(self, now: datetime) -> str:
        """kept, broken (stopped late), running, or overdue (running past its due time)."""
        if self.stopped_at is not None:
            return "kept" if self.stopped_at <= self.due_at else "broken"
        return "running" if now <= self.due_at else "overdue"

    def late(self, now: datetime) -> bool:
        """Broken, or still running past its due time: a breach of the promise."""
        return self.state(now) in ("broken", "overdue")


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
    does not apply to the case, and one a case ``ended`` without reaching (never at stake).
    A case of a class with promises of its own (a maintenance contract's) is held to those."""
    settings = settings.for_case(data)
    calendar = settings.calendar_from(calendar)
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
        states.append(
            ClockState(clock.term, clock.clause, started, due, stopped, pause, clock.kind, clock.owner, clock.fallback)
        )
    return states


def label_of(term: str) -> Message:
    """What a promise is, as its pages name it."""
    return ARRIVAL_LABEL if term == ARRIVAL else TERMS[term].label


def next_at_stake(states: list[ClockState]) -> ClockState | None:
    """The running promise that runs out first (an overdue one before all): what a list shows."""
    running = [state for state in states if state.stopped_at is None]
    return min(running, key=lambda state: state.due_at, default=None)


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
