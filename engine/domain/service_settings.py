"""The company's own numbers: its promises, targets and penalties, as one versioned setting.

The diagrams say *what* is promised (``due('forward', received_at)``); this model says *how
long* — so a company enters its tender promises on the settings page without editing a
diagram, and every clock, due date and escalation timer reads the same number. The shipped
defaults follow SPEC (S2, the fullest of the four policies); each clause is named next to
its term.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any

from engine.domain.config import parse_working_periods
from engine.domain.messages import Message
from engine.domain.working_calendar import WorkingCalendar
from engine.domain.working_calendar import add_months

UNITS = ("hours", "working_hours", "working_days", "days", "months")
ZONES = ("city", "suburb", "other", "special")


class SettingsInvalid(ValueError):
    """Settings that cannot be saved; ``problems`` maps each wrong value's path (the form
    field's name, e.g. ``terms.forward.amount``) to what is wrong with it."""

    def __init__(self, problems: dict[str, Message]) -> None:
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class Term:
    """How long a promise runs: an amount of clock or working time, or calendar months."""

    amount: float
    unit: str

    def due(self, start: datetime, calendar: WorkingCalendar) -> datetime:
        if self.unit == "working_hours":
            return calendar.add_working_hours(start, self.amount)
        if self.unit == "working_days":
            return calendar.add_working_days(start, int(self.amount))
        if self.unit == "days":
            return start + timedelta(days=self.amount)
        if self.unit == "months":
            return add_months(start, int(self.amount))
        return start + timedelta(hours=self.amount)

    def due_paused(
        self, start: datetime, calendar: WorkingCalendar, paused_from: datetime | None, paused_to: datetime | None
    ) -> datetime:
        """The due time when the clock stood still from ``paused_from`` to ``paused_to`` (waiting
        for the customer's answer to a quote): pushed back by the pause, counted in the term's
        own time — working time for a working-time term, clock time otherwise."""
        due = self.due(start, calendar)
        if paused_from is None or paused_to is None or paused_to <= paused_from:
            return due
        if self.unit in ("working_hours", "working_days"):
            return calendar.add_working_hours(due, calendar.working_hours_between(paused_from, paused_to))
        return due + (paused_to - paused_from)

    def as_json(self) -> dict[str, Any]:
        return {"amount": _number(self.amount), "unit": self.unit}


@dataclass(frozen=True)
class TermInfo:
    """What a term is for and where the policy asks for it (the settings page shows both)."""

    label: Message
    clause: str
    default: Term | None  # None: no such promise unless the company makes one


# Every term the shipped diagrams and clocks read, in the order of a case.
TERMS: dict[str, TermInfo] = {
    "forward": TermInfo(Message("forward a call to the quality office"), "S2 7.1.3", Term(4, "working_hours")),
    "contact": TermInfo(Message("contact the customer after forwarding"), "S2 7.1.3", Term(4, "working_hours")),
    "consultation": TermInfo(Message("answer a consultation"), "S2 7.2.1", Term(8, "working_hours")),
    "solution": TermInfo(Message("decide the solution after forwarding"), "S2 7.2.2", Term(8, "working_hours")),
    "quote": TermInfo(Message("send the quote"), "S2 5.2.1.5", Term(8, "working_hours")),
    "quote_answer": TermInfo(Message("the customer answers the quote"), "S2 5.2.1.5", Term(3, "working_days")),
    "dispatch": TermInfo(Message("dispatch an engineer"), "S2 5.2.1.5", Term(24, "hours")),
    "fix": TermInfo(Message("fix the fault after the call"), "S4 4.(6)", None),
    "resolution": TermInfo(Message("resolve a service request in all"), "S2/11 3.12", Term(15, "working_days")),
    "report": TermInfo(Message("trip report after leaving site"), "S2 7.2.7", Term(3, "working_days")),
    "audit": TermInfo(Message("verify and audit the trip"), "S2 7.2.7", Term(5, "working_days")),
    "reinspect": TermInfo(Message("re-inspect a returned unit"), "S3 2.2", Term(2, "working_days")),
    "ship_back": TermInfo(Message("ship a repaired unit back"), "S2/售后部门 九", Term(3, "working_days")),
    "survey": TermInfo(Message("satisfaction survey after the service"), "S0 二十四", Term(5, "working_days")),
    "poor_follow_up": TermInfo(Message("follow up a poor rating"), "S0 二十五", Term(2, "working_days")),
    "follow_up": TermInfo(Message("follow-up call after the service"), "S3 五", Term(1, "months")),
    "follow_up_call": TermInfo(Message("make the follow-up call"), "S3 五", Term(2, "working_days")),
    "renewal_notice": TermInfo(Message("renewal notice before a contract ends"), "S0 二十", Term(1, "months")),
    "renewal_visit": TermInfo(Message("send the renewal notice"), "S0 二十", Term(5, "working_days")),
    "visit_key": TermInfo(Message("visit a key customer at least every"), "S2 职责 (6)", Term(6, "months")),
    "visit_other": TermInfo(
        Message("visit any other customer at least every"), "S2 职责 (6); 10.2", Term(12, "months")
    ),
    "customer_survey": TermInfo(
        Message("survey every customer's satisfaction every"), "S3 12.3 一 4)", Term(12, "months")
    ),
    "visit_findings": TermInfo(Message("follow up what a visit found"), "S4 (5) 2)", None),
    "installation_plan": TermInfo(Message("plan a delivered unit's installation"), "S0 二.3", Term(2, "working_days")),
    "capa_plan": TermInfo(Message("analyse and plan a corrective action"), "S2 12.3", Term(5, "working_days")),
    "complaint_register": TermInfo(Message("register a complaint"), "S2 7.1.3", Term(4, "working_hours")),
    "complaint_contact": TermInfo(Message("first contact on a complaint"), "S4 4.(2)", Term(2, "working_hours")),
    "complaint_simple": TermInfo(Message("settle a simple complaint"), "S2/11 3.12", Term(1, "working_days")),
    "complaint_general": TermInfo(Message("settle a general complaint"), "S2/11 3.12", Term(15, "working_days")),
    "complaint_complex": TermInfo(Message("settle a complex complaint"), "S2/11 3.12", Term(1, "months")),
}

# Arrival on site by distance (S2 5.1.1.3): up to 300 km 24 h, 1000 km 48 h, beyond 72 h.
SHIPPED_BANDS: tuple[tuple[float | None, Term], ...] = (
    (300, Term(24, "hours")),
    (1000, Term(48, "hours")),
    (None, Term(72, "hours")),
)


@dataclass(frozen=True)
class ArrivalProfile:
    """When an engineer must be on site: by the zone the dispatcher names (S0 city 6 h /
    suburb 7 h working time; S3 city 24 h, other 48 h, special cases 3 days), else by distance."""

    bands: tuple[tuple[float | None, Term], ...] = SHIPPED_BANDS
    zones: Mapping[str, Term] = field(default_factory=dict)

    def term(self, distance_km: float | None, zone: str | None) -> Term:
        if zone and zone in self.zones:
            return self.zones[zone]
        distance = float(distance_km or 0)
        for limit, term in self.bands:
            if limit is None or distance <= limit:
                return term
        return self.bands[-1][1]


@dataclass(frozen=True)
class Targets:
    """The three targets of the service policy (S2/11 3.2.1)."""

    on_time: float = 0.90  # service completed on time, at least
    satisfaction: float = 0.85  # satisfied answers of the survey, at least
    complaint_rate: float = 0.03  # complaints per service case, below

    def met(self, name: str, value: float) -> bool:
        """Whether ``value`` meets target ``name``; the complaint rate must stay below its target."""
        target: float = getattr(self, name)
        return value < target if name == "complaint_rate" else value >= target


# The promises a class of cases may hold to its own terms (a contract's response, on-site and
# fix times; a key customer's); arrival is the on-site term for every distance and zone.
CLASS_TERMS = ("contact", "dispatch", "fix", "resolution")


@dataclass(frozen=True)
class CaseClass:
    """Promises that differ for some cases: those whose ``case_field`` holds ``value`` — a
    maintenance contract's own terms (``service_type`` = ``B``), one contract's
    (``contract_no`` = its number), a class of customer (``customer_class`` = ``key``)."""

    label: str
    case_field: str
    value: str
    terms: Mapping[str, Term] = field(default_factory=dict)
    arrival: Term | None = None
    # A site's own working time: its shifts, and whether it works Saturdays (None: the company's).
    working_hours: tuple[tuple[time, time], ...] | None = None
    six_day_week: bool | None = None

    def matches(self, data: Mapping[str, Any]) -> bool:
        found = data.get(self.case_field)
        return found is not None and str(found).strip() == self.value

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "field": self.case_field,
            "value": self.value,
            "terms": {name: term.as_json() for name, term in self.terms.items()},
            "arrival": self.arrival.as_json() if self.arrival else None,
            "working_hours": periods_text(self.working_hours),
            "six_day_week": self.six_day_week,
        }


def periods_text(periods: tuple[tuple[time, time], ...] | None) -> str | None:
    """Working periods as typed: ``08:30-12:00, 13:30-17:30``."""
    if periods is None:
        return None
    return ", ".join(f"{begin:%H:%M}-{end:%H:%M}" for begin, end in periods)


PENALTIES: dict[str, Message] = {
    "late_audit_per_day": Message("late audit, per working day (yuan)"),  # S2 7.2.7: 10 yuan a day
    "leave_without_approval": Message("leaving site without approval (yuan)"),  # S2 7.2.6: 50–500
}
SHIPPED_PENALTIES = {"late_audit_per_day": 10.0, "leave_without_approval": 50.0}


@dataclass(frozen=True)
class Reminders:
    """When the staff are reminded of their tasks (issue 15): ``due_soon`` before a task's due
    time, and an overdue task escalated to its role's supervisor ``escalate_after`` past it."""

    due_soon: Term = Term(4, "working_hours")
    escalate_after: Term = Term(4, "working_hours")

    def is_due_soon(self, due: datetime, now: datetime, calendar: WorkingCalendar) -> bool:
        return now < due <= self.due_soon.due(now, calendar)

    def escalates(self, due: datetime, now: datetime, calendar: WorkingCalendar) -> bool:
        return self.escalate_after.due(due, calendar) <= now

    def as_json(self) -> dict[str, Any]:
        return {"due_soon": self.due_soon.as_json(), "escalate_after": self.escalate_after.as_json()}


@dataclass(frozen=True)
class ServiceSettings:
    terms: Mapping[str, Term | None] = field(default_factory=lambda: {n: i.default for n, i in TERMS.items()})
    arrival: ArrivalProfile = ArrivalProfile()
    targets: Targets = Targets()
    penalties: Mapping[str, float] = field(default_factory=lambda: dict(SHIPPED_PENALTIES))
    # Saturdays are working days except in public-holiday weeks (S0's workshops, many plants).
    six_day_week: bool = False
    # The working periods of a day (shifts); None: the installation's (AFTERCARE_WORKING_HOURS).
    working_hours: tuple[tuple[time, time], ...] | None = None
    # The engineer is dispatched as soon as the warranty is checked, without phone guidance or a
    # solution meeting, and the dispatch promise runs from the call (S0 八, 三.4: 1 hour).
    dispatch_at_registration: bool = False
    # Classes of cases with promises of their own; the first that matches a case applies.
    classes: tuple[CaseClass, ...] = ()
    reminders: Reminders = Reminders()

    def class_of(self, data: Mapping[str, Any]) -> CaseClass | None:
        """The class whose promises a case with ``data`` is held to, if any."""
        return next((case_class for case_class in self.classes if case_class.matches(data)), None)

    def for_case(self, data: Mapping[str, Any]) -> ServiceSettings:
        """The settings as they apply to one case: its class's terms over the company's."""
        case_class = self.class_of(data) if self.classes else None
        if case_class is None:
            return self
        arrival = ArrivalProfile(((None, case_class.arrival),)) if case_class.arrival else self.arrival
        return replace(
            self,
            terms={**self.terms, **case_class.terms},
            arrival=arrival,
            classes=(),
            working_hours=case_class.working_hours or self.working_hours,
            six_day_week=self.six_day_week if case_class.six_day_week is None else case_class.six_day_week,
        )

    def calendar_from(self, company: WorkingCalendar) -> WorkingCalendar:
        """The working calendar these settings count in (a class's site may have its own hours)."""
        return company.adjusted(self.working_hours or company.periods, self.six_day_week)

    def term(self, name: str) -> Term | None:
        """The term of promise ``name``; None when the company makes no such promise."""
        if name not in TERMS:
            raise KeyError(f"no promise is named {name!r}; known: {', '.join(TERMS)}")
        return self.terms.get(name, TERMS[name].default)

    def with_terms(self, **terms: Term | None) -> ServiceSettings:
        return replace(self, terms={**self.terms, **terms})

    def as_json(self) -> dict[str, Any]:
        return {
            "terms": {name: term.as_json() if term else None for name, term in self.terms.items()},
            "arrival": {
                "bands": [{"up_to_km": _number(limit), **term.as_json()} for limit, term in self.arrival.bands],
                "zones": {zone: term.as_json() for zone, term in self.arrival.zones.items()},
            },
            "targets": {name: getattr(self.targets, name) for name in ("on_time", "satisfaction", "complaint_rate")},
            "penalties": dict(self.penalties),
            "six_day_week": self.six_day_week,
            "working_hours": periods_text(self.working_hours),
            "dispatch_at_registration": self.dispatch_at_registration,
            "classes": [case_class.as_json() for case_class in self.classes],
            "reminders": self.reminders.as_json(),
        }


SHIPPED_SETTINGS = ServiceSettings()


def settings_from_json(body: Mapping[str, Any]) -> ServiceSettings:
    """Read settings written by ``as_json`` (or typed on the settings page); every wrong value is
    named in one ``SettingsInvalid``, so a form can mark them all at once."""
    problems: dict[str, Message] = {}
    terms: dict[str, Term | None] = {}
    for name, raw in (body.get("terms") or {}).items():
        if name not in TERMS:
            problems[f"terms.{name}"] = Message("no such promise")
        elif raw is None and TERMS[name].default is not None:
            problems[f"terms.{name}.amount"] = Message("the processes count with this promise: enter its term")
        else:
            terms[name] = None if raw is None else _term(f"terms.{name}", raw, problems)
    arrival = body.get("arrival") or {}
    bands: list[tuple[float | None, Term]] = []
    for index, raw in enumerate(arrival.get("bands") or []):
        where = f"arrival.bands.{index + 1}"
        limit = raw.get("up_to_km")
        limit_value = None if limit in (None, "") else _amount(f"{where}.up_to_km", limit, problems)
        bands.append((limit_value, _term(where, raw, problems)))
    limits = [limit for limit, _term_ in bands if limit is not None]
    if not bands:
        problems["arrival.bands"] = Message("at least one distance band is needed")
    elif bands[-1][0] is not None:
        problems["arrival.bands"] = Message("the last band has no upper limit: it covers every distance beyond")
    elif any(limit is None for limit, _term_ in bands[:-1]) or limits != sorted(set(limits)):
        problems["arrival.bands"] = Message("the upper limits must rise from band to band")
    zones: dict[str, Term] = {}
    for zone, raw in (arrival.get("zones") or {}).items():
        if zone not in ZONES:
            problems[f"arrival.zones.{zone}"] = Message("no such zone")
        elif raw is not None:
            zones[zone] = _term(f"arrival.zones.{zone}", raw, problems)
    raw_targets = body.get("targets") or {}
    shares = {}
    for name in ("on_time", "satisfaction", "complaint_rate"):
        share = _amount(f"targets.{name}", raw_targets.get(name, getattr(Targets(), name)), problems)
        if share is not None and share > 1:
            problems[f"targets.{name}"] = Message("a share between 0 and 1 (0.9 is 90 per cent)")
        shares[name] = share or 0.0
    penalties = {}
    for name, value in (body.get("penalties") or {}).items():
        if name not in PENALTIES:
            problems[f"penalties.{name}"] = Message("no such penalty")
        else:
            penalties[name] = _amount(f"penalties.{name}", value, problems) or 0.0
    classes = tuple(_classes(body.get("classes") or [], problems))
    working_hours = _periods("working_hours", body.get("working_hours"), problems)
    raw_reminders = body.get("reminders") or {}
    reminders = Reminders(
        *(
            _term(f"reminders.{name}", raw_reminders[name], problems) if raw_reminders.get(name) else default
            for name, default in (("due_soon", Reminders.due_soon), ("escalate_after", Reminders.escalate_after))
        )
    )
    if problems:
        raise SettingsInvalid(problems)
    return ServiceSettings(
        terms={**SHIPPED_SETTINGS.terms, **terms},
        arrival=ArrivalProfile(tuple(bands), zones),
        targets=Targets(**shares),
        penalties={**SHIPPED_PENALTIES, **penalties},
        six_day_week=bool(body.get("six_day_week", False)),
        dispatch_at_registration=bool(body.get("dispatch_at_registration", False)),
        classes=classes,
        working_hours=working_hours,
        reminders=reminders,
    )


def _periods(where: str, raw: Any, problems: dict[str, Message]) -> tuple[tuple[time, time], ...] | None:
    if raw in (None, ""):
        return None
    try:
        return parse_working_periods(str(raw))
    except ValueError:
        problems[where] = Message("write the working periods of a day as 08:30-12:00, 13:30-17:30")
        return None


def _classes(raw: list[Mapping[str, Any]], problems: dict[str, Message]) -> list[CaseClass]:
    found = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(raw, start=1):
        where = f"classes.{index}"
        label, name, value = (str(item.get(key) or "").strip() for key in ("label", "field", "value"))
        if not label or len(label) > 100:
            problems[f"{where}.label"] = Message("name the class (at most 100 characters)")
        if not name.isidentifier():
            problems[f"{where}.field"] = Message("the case field that picks the class, e.g. service_type")
        if not value or len(value) > 100:
            problems[f"{where}.value"] = Message("the value of that field, e.g. B")
        elif (name, value) in seen:
            problems[f"{where}.value"] = Message("another class already picks these cases")
        seen.add((name, value))
        terms = {}
        for term_name, term in (item.get("terms") or {}).items():
            if term_name not in CLASS_TERMS:
                problems[f"{where}.terms.{term_name}"] = Message("no such promise")
            elif term is not None:
                terms[term_name] = _term(f"{where}.terms.{term_name}", term, problems)
        arrival = _term(f"{where}.arrival", item["arrival"], problems) if item.get("arrival") else None
        hours = _periods(f"{where}.working_hours", item.get("working_hours"), problems)
        week = item.get("six_day_week")
        if not terms and arrival is None and hours is None and week is None:
            problems[f"{where}.label"] = Message("give the class at least one promise or working time of its own")
        found.append(CaseClass(label, name, value, terms, arrival, hours, None if week is None else bool(week)))
    return found


def _term(where: str, raw: Mapping[str, Any], problems: dict[str, Message]) -> Term:
    unit = raw.get("unit")
    if unit not in UNITS:
        problems[f"{where}.unit"] = Message("choose a unit")
        unit = "hours"
    amount = _amount(f"{where}.amount", raw.get("amount"), problems)
    if amount is not None and unit in ("working_days", "months") and amount != int(amount):
        problems[f"{where}.amount"] = Message("working days and months are counted whole")
    return Term(amount or 0.0, unit)


def _amount(where: str, value: object, problems: dict[str, Message]) -> float | None:
    try:
        amount = float(value)  # type: ignore[arg-type]  # refused below when it is no number
    except (TypeError, ValueError):
        problems[where] = Message("enter a number")
        return None
    if not 0 <= amount <= 100_000:
        problems[where] = Message("between 0 and 100000")
        return None
    return amount


def _number(value: float | None) -> float | int | None:
    """Whole numbers written as such (4, not 4.0), so the stored JSON reads like the form."""
    return int(value) if value is not None and value == int(value) else value
