"""The quality dashboard: the policy's targets and the figures behind them, for one period.

Every figure is computed from what the cases recorded — work items (due and closed times) and
the audit trail (the forms submitted) — and keeps the ids of the cases behind it, so each
number on the page opens the list of its cases. The form fields the figures read are named
once, in engine/domain/policy.py (docs/quality.md has the definitions).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import union
from sqlalchemy.orm import Session

from engine.bpmn.diagram_files import files_by_process
from engine.domain import customer_answers
from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.failure_cost import MonthCost
from engine.domain.failure_cost import PartUse
from engine.domain.failure_cost import by_month
from engine.domain.failure_cost import cost_lines
from engine.domain.fee_table import FeeTable
from engine.domain.periods import Period
from engine.domain.policy import SHIPPED
from engine.domain.promise_clocks import ClockState
from engine.domain.service_settings import Targets
from engine.store.case_clocks import clocks_of_cases
from engine.store.case_reads import CaseInfo
from engine.store.case_reads import case_summary
from engine.store.context import EngineContext
from engine.store.db import utcnow
from engine.store.models import AuditEvent
from engine.store.models import Case
from engine.store.models import PartMovement
from engine.store.models import ProcessVersion
from engine.store.models import User
from engine.store.models import WorkItem

POLICY = SHIPPED


@dataclass
class Ratio:
    """A share with the cases behind its numerator and the rest."""

    hits: list[int] = field(default_factory=list)
    misses: list[int] = field(default_factory=list)
    count_hits: int = 0  # counted units (answers, cases) when they are not cases
    count_all: int = 0

    @property
    def value(self) -> float | None:
        return self.count_hits / self.count_all if self.count_all else None

    def cases(self, bucket: str) -> list[int]:
        """The cases behind the numerator ("hit"), the rest ("missed"), or all."""
        return self.misses if bucket == "missed" else self.hits if bucket == "hit" else self.hits + self.misses


@dataclass(frozen=True)
class Duration:
    cases: list[int]
    average_hours: float | None
    median_hours: float | None


@dataclass(frozen=True)
class Bucket:
    key: str  # the option id
    count: int
    share: float
    cumulative: float
    cases: list[int]


@dataclass(frozen=True)
class StepLoad:
    process: str
    step: str
    open: int
    overdue: int
    cases: list[int]
    overdue_cases: list[int]


@dataclass(frozen=True)
class EngineerRatings:
    engineer: str
    surveys: int
    scores: dict[str, float]  # item → average score 1–4
    cases: list[int]


@dataclass
class Dashboard:
    period: Period
    on_time: Ratio
    satisfaction: Ratio
    complaint_rate: Ratio
    first_response: Duration
    resolution: Duration
    steps: list[StepLoad]
    engineers: list[EngineerRatings]
    complaints_by: dict[str, list[Bucket]]
    costs: list[MonthCost]
    causes_by: dict[str, list[Bucket]] = field(default_factory=dict)  # cause / department of all repairs
    unpriced_parts: list[str] = field(default_factory=list)  # warranty parts missing from the price list
    surveys: Surveys = field(default_factory=lambda: Surveys(Ratio(), {}))
    option_names: dict[str, dict[str, str]] = field(default_factory=dict)  # Pareto → option id → name
    process_names: dict[str, str] = field(default_factory=dict)  # key → name of the newest version
    people: dict[str, str] = field(default_factory=dict)  # user name → display name (the engineers)
    targets: Targets = field(default_factory=Targets)  # the company's, from its service settings

    def met(self, name: str) -> bool | None:
        value = getattr(self, name).value
        if value is None:
            return None
        return self.targets.met(name, value)

    def target_text(self, name: str) -> str:
        """The target as the policy writes it: "≥ 90%", "< 3%"."""
        share = round(getattr(self.targets, name) * 100, 1)
        return f"{'<' if name == 'complaint_rate' else '≥'} {share:g}%"

    def cases_behind(self, metric: str, bucket: str = "") -> list[int]:
        """The ids of the cases behind one number of the dashboard."""
        if metric in ("on_time", "satisfaction", "complaint_rate"):
            ratio: Ratio = getattr(self, metric)
            return ratio.cases(bucket)
        if metric == "response_rate":  # a channel's surveys, or the answered / unanswered ones
            if bucket in (*customer_answers.ANSWERED, *customer_answers.UNANSWERED, "unrecorded"):
                return self.surveys.cases_by.get(bucket, [])
            return self.surveys.response.cases(bucket)
        if metric in ("first_response", "resolution"):
            duration: Duration = getattr(self, metric)
            return duration.cases
        if metric == "steps":
            process, _, step = bucket.partition("/")
            load = next((s for s in self.steps if (s.process, s.step) == (process, step.rstrip("!"))), None)
            return [] if load is None else load.overdue_cases if step.endswith("!") else load.cases
        if metric == "engineers":
            return next((e.cases for e in self.engineers if e.engineer == bucket), [])
        if metric.startswith(("complaints_", "causes_")):
            group, _, name = metric.partition("_")
            buckets = (self.complaints_by if group == "complaints" else self.causes_by).get(name, [])
            return next((b.cases for b in buckets if b.key == bucket), [])
        if metric == "costs":  # a month, or one kind of a month ("2026-03/trips")
            month, _, kind = bucket.partition("/")
            cost = next((c for c in self.costs if c.month == month), None)
            return [] if cost is None else cost.kind_cases.get(kind, []) if kind else cost.cases
        return []


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _hours(delta_seconds: Iterable[float]) -> tuple[float | None, float | None]:
    hours = [seconds / 3600 for seconds in delta_seconds]
    if not hours:
        return None, None
    return round(sum(hours) / len(hours), 2), round(statistics.median(hours), 2)


def _pareto(counts: Counter[str], cases: dict[str, list[int]]) -> list[Bucket]:
    total = sum(counts.values())
    running = 0
    buckets = []
    for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        running += count
        buckets.append(Bucket(key, count, count / total, running / total, sorted(set(cases[key]))))
    return buckets


class _Facts:
    """The rows a dashboard is computed from, read once."""

    def __init__(self, session: Session, period: Period) -> None:
        # The cases the period touches: something happened to them in it, or they were opened in it.
        touched = union(
            select(AuditEvent.case_id).where(AuditEvent.at >= period.start, AuditEvent.at < period.end),
            select(Case.id).where(Case.created_at >= period.start, Case.created_at < period.end),
        ).subquery()
        relevant = select(touched.c[0])
        events = session.execute(
            select(AuditEvent.case_id, AuditEvent.action, AuditEvent.bpmn_id, AuditEvent.data, AuditEvent.at)
            .where(AuditEvent.action.in_(("task_completed", "case_completed")), AuditEvent.case_id.in_(relevant))
            .order_by(AuditEvent.case_id, AuditEvent.seq)
        ).all()
        self.completed_steps: dict[int, list[tuple[str, dict[str, Any], datetime]]] = defaultdict(list)
        self.closed_at: dict[int, datetime] = {}
        for case_id, action, bpmn_id, data, at in events:
            if action == "case_completed":
                self.closed_at[case_id] = at
            else:
                self.completed_steps[case_id].append((bpmn_id or "", dict(data or {}), at))
        self.cases = {
            row.id: row
            for row in session.execute(
                select(Case.id, Case.created_at, Case.status, ProcessVersion.key)
                .join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
                .where(Case.id.in_(relevant))
            )
        }
        self.items = session.execute(
            select(
                WorkItem.case_id,
                WorkItem.process_key,
                WorkItem.name,
                WorkItem.due_at,
                WorkItem.closed_at,
                WorkItem.created_at,
                WorkItem.bpmn_id,
                WorkItem.roles,
            ).where(or_(WorkItem.closed_at.is_(None), WorkItem.case_id.in_(relevant)))
        ).all()
        self.period = period
        self.part_uses = _part_uses(session, relevant)

    def steps_in_period(self, bpmn_id: str) -> Iterable[tuple[int, dict[str, Any], datetime]]:
        for case_id, steps in self.completed_steps.items():
            for step, data, at in steps:
                if step == bpmn_id and self.period.holds(at):
                    yield case_id, data, at

    def first(self, case_id: int, bpmn_id: str) -> dict[str, Any] | None:
        return next((data for step, data, _at in self.completed_steps.get(case_id, []) if step == bpmn_id), None)

    def first_at(self, case_id: int, bpmn_id: str) -> datetime | None:
        return next((at for step, _data, at in self.completed_steps.get(case_id, []) if step == bpmn_id), None)


def _part_uses(session: Session, cases: Any) -> list[PartUse]:
    """The parts the cases' jobs used, each with the basis its loan slip gave the part."""
    rows = session.execute(
        select(PartMovement.case_id, PartMovement.part_no, PartMovement.kind, PartMovement.quantity,
               PartMovement.basis, PartMovement.at)
        .where(PartMovement.case_id.in_(cases), PartMovement.kind.in_(("issued", "used")))
        .order_by(PartMovement.id)
    ).all()  # fmt: skip
    basis = {(row.case_id, row.part_no): row.basis for row in rows if row.kind == "issued"}
    return [
        PartUse(row.case_id, row.part_no, row.quantity, basis.get((row.case_id, row.part_no), ""), row.at)
        for row in rows
        if row.kind == "used"
    ]


def _services(facts: _Facts) -> list[int]:
    """Service requests about a fault whose service ended in the period: when the customer was
    surveyed, or, without a survey, when the case closed; the follow-up call a month later
    belongs to the service's month, so a month's figure does not wait for the next month."""
    kind = POLICY.request_kind
    ended = {case_id: facts.first_at(case_id, POLICY.survey_step) for case_id in facts.completed_steps}
    ended = {case_id: at for case_id, at in ended.items() if at is not None}
    for case_id, closed in facts.closed_at.items():
        ended.setdefault(case_id, closed)
    return sorted(
        case_id
        for case_id, at in ended.items()
        if facts.period.holds(at)
        and facts.cases.get(case_id) is not None
        and facts.cases[case_id].key == POLICY.service_process
        and (facts.first(case_id, kind.step) or {}).get(kind.field) == POLICY.fault_kind
    )


def _on_time(services: list[int], clocks: dict[int, list[ClockState]]) -> Ratio:
    """A service is on time when the company kept every promise it made the customer: each
    clock of the case (Policy.clocks) stopped by its due time, or still within it. The
    company's inner duties (the trip report, the audit) are the breach register's, and the
    customer's own steps and the follow-up call were never promises."""
    now = utcnow()
    ratio = Ratio()
    for case_id in services:
        late = any(clock.late(now) for clock in clocks.get(case_id, []))
        (ratio.misses if late else ratio.hits).append(case_id)
    ratio.count_hits, ratio.count_all = len(ratio.hits), len(services)
    return ratio


@dataclass(frozen=True)
class Surveys:
    """The satisfaction figure's ground: how many surveys were answered, and how.

    ``response`` counts answered surveys (hits) against those closed unanswered (misses: not
    reached, declined); ``cases_by`` holds the surveys of each channel (link, phone, paper,
    ``unrecorded`` for surveys entered before the channel was recorded, not_reached, declined)."""

    response: Ratio
    cases_by: dict[str, list[int]]

    @property
    def answered_by(self) -> dict[str, int]:
        return {channel: len(cases) for channel, cases in self.cases_by.items()}


def _satisfaction(facts: _Facts) -> tuple[Ratio, list[EngineerRatings], Surveys]:
    """Satisfaction counts the answers the customer gave (through their link, by phone or on
    the paper form, each marked); a survey closed unanswered counts only in the response rate."""
    step, items = POLICY.survey_step, POLICY.survey_items
    ratio, response = Ratio(), Ratio()
    channel_cases: dict[str, list[int]] = defaultdict(list)
    per_engineer: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    engineer_cases: dict[str, list[int]] = defaultdict(list)
    dispatch, engineer_field = POLICY.engineer.step, POLICY.engineer.field
    for case_id, data, _at in facts.steps_in_period(step):
        how = str(data.get(customer_answers.HOW) or "unrecorded")
        channel_cases[how].append(case_id)
        if how in customer_answers.UNANSWERED:
            response.misses.append(case_id)
            continue
        response.hits.append(case_id)
        answers = [data.get(item) for item in items if data.get(item)]
        satisfied = sum(answer in POLICY.satisfied_answers for answer in answers)
        ratio.count_hits += satisfied
        ratio.count_all += len(answers)
        (ratio.hits if satisfied == len(answers) else ratio.misses).append(case_id)
        engineer = (facts.first(case_id, dispatch) or {}).get(engineer_field)
        if engineer:
            engineer_cases[engineer].append(case_id)
            for item in items:
                score = POLICY.answer_scores.get(str(data.get(item)))
                if score is not None:
                    per_engineer[engineer][item].append(score)
    engineers = [
        EngineerRatings(
            name,
            len(engineer_cases[name]),
            {item: round(sum(scores) / len(scores), 2) for item, scores in per_engineer[name].items()},
            sorted(engineer_cases[name]),
        )
        for name in sorted(engineer_cases)
    ]
    response.count_hits, response.count_all = len(response.hits), len(response.hits) + len(response.misses)
    return ratio, engineers, Surveys(response, {key: sorted(ids) for key, ids in channel_cases.items()})


def _complaints(facts: _Facts, services: list[int]) -> tuple[Ratio, dict[str, list[Bucket]]]:
    step, fault = POLICY.complaint_analysis_step, POLICY.company_fault_field
    department, cause = POLICY.department_field, POLICY.cause_field
    ratio = Ratio()
    counts: dict[str, Counter[str]] = {"department": Counter(), "cause": Counter(), "class": Counter()}
    cases: dict[str, dict[str, list[int]]] = {name: defaultdict(list) for name in counts}
    for case_id, data, _at in facts.steps_in_period(step):
        if data.get(fault) and data.get(department) == POLICY.service_department:
            ratio.hits.append(case_id)
        for name, value in (("department", data.get(department)), ("cause", data.get(cause))):
            if value:
                counts[name][value] += 1
                cases[name][value].append(case_id)
    register_step, class_field = POLICY.complaint_class.step, POLICY.complaint_class.field
    for case_id, data, _at in facts.steps_in_period(register_step):
        if data.get(class_field):
            counts["class"][data[class_field]] += 1
            cases["class"][data[class_field]].append(case_id)
    ratio.count_hits, ratio.count_all = len(ratio.hits), len(services)
    return ratio, {name: _pareto(counts[name], cases[name]) for name in counts}


def _durations(facts: _Facts) -> tuple[Duration, Duration]:
    after = POLICY.first_step_after
    response: dict[int, float] = {}
    for case_id, row in facts.cases.items():
        if not facts.period.holds(row.created_at):
            continue
        steps = facts.completed_steps.get(case_id, [])
        first = next((at for step, _data, at in steps if step != after), None)
        if first is not None:
            response[case_id] = (first - row.created_at).total_seconds()
    resolution = {
        case_id: (closed - facts.cases[case_id].created_at).total_seconds()
        for case_id, closed in facts.closed_at.items()
        if facts.period.holds(closed)
    }
    return (
        Duration(sorted(response), *_hours(response.values())),
        Duration(sorted(resolution), *_hours(resolution.values())),
    )


def _steps(facts: _Facts) -> list[StepLoad]:
    now = utcnow()
    groups: dict[tuple[str, str], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for case_id, process, name, due, closed, _created, _bpmn_id, _roles in facts.items:
        if closed is not None:
            continue
        open_cases, late_cases = groups[(process, name)]
        open_cases.append(case_id)
        if due is not None and due < now:
            late_cases.append(case_id)
    return [
        StepLoad(process, name, len(open_cases), len(late), sorted(open_cases), sorted(late))
        for (process, name), (open_cases, late) in sorted(groups.items(), key=lambda item: (-len(item[1][0]), item[0]))
    ]


def _costs(facts: _Facts, fees: FeeTable) -> tuple[list[MonthCost], list[str]]:
    lines, unpriced = cost_lines(POLICY, facts.completed_steps, facts.part_uses, fees)
    return by_month(lines, facts.period.start, facts.period.end, facts.period.zone), sorted(unpriced)


def _causes(facts: _Facts) -> dict[str, list[Bucket]]:
    """The quarterly cause analysis (S2 12.3): each repair under the cause and department it was
    last given (Policy.cause_steps), when that was recorded in the period."""
    counts: dict[str, Counter[str]] = {"cause": Counter(), "department": Counter()}
    cases: dict[str, dict[str, list[int]]] = {name: defaultdict(list) for name in counts}
    fields = {"cause": POLICY.cause_field, "department": POLICY.department_field}
    for case_id, steps in facts.completed_steps.items():
        last = next(
            (
                (data, at)
                for step, data, at in reversed(steps)
                if step in POLICY.cause_steps and data.get(fields["cause"])
            ),
            None,
        )
        if last is None or not facts.period.holds(last[1]):
            continue
        for name, field_id in fields.items():
            value = last[0].get(field_id)
            if value:
                counts[name][value] += 1
                cases[name][value].append(case_id)
    return {name: _pareto(counts[name], cases[name]) for name in counts}


def dashboard(ctx: EngineContext, actor: Actor, period: Period) -> Dashboard:
    require(actor, Permission.READ_QUALITY)
    with ctx.uow() as uow:
        facts = _Facts(uow.session, period)
        names = _option_names(uow.session)
        named = uow.session.execute(select(ProcessVersion.key, ProcessVersion.name).order_by(ProcessVersion.id))
        process_names = dict(named.tuples().all())
        satisfaction, engineers, surveys = _satisfaction(facts)
        listed = [e.engineer for e in engineers]
        shown = uow.session.execute(select(User.username, User.display_name).where(User.username.in_(listed)))
        people = dict(shown.tuples().all())
        settings = ctx.settings(uow.session)
        targets = settings.targets
        services = _services(facts)
        clocks = clocks_of_cases(uow.session, services, settings, ctx.calendar(uow.session))
        costs, unpriced = _costs(facts, ctx.fees(uow.session))
    complaint_rate, by = _complaints(facts, services)
    first_response, resolution = _durations(facts)
    return Dashboard(
        period=period,
        on_time=_on_time(services, clocks),
        satisfaction=satisfaction,
        surveys=surveys,
        complaint_rate=complaint_rate,
        first_response=first_response,
        resolution=resolution,
        steps=_steps(facts),
        engineers=engineers,
        complaints_by=by,
        costs=costs,
        causes_by=_causes(facts),
        unpriced_parts=unpriced,
        option_names=names,
        process_names=process_names,
        people=people,
        targets=targets,
    )


def _option_names(session: Session) -> dict[str, dict[str, str]]:
    """The names of the options the Pareto charts count, from the forms that asked."""
    fields = {"class": POLICY.complaint_class.field, "cause": POLICY.cause_field, "department": POLICY.department_field}
    steps = [POLICY.complaint_class.step, POLICY.complaint_analysis_step, *POLICY.cause_steps]
    forms = session.scalars(
        select(WorkItem.form).where(WorkItem.bpmn_id.in_(steps)).order_by(WorkItem.id.desc()).limit(50)
    )
    names: dict[str, dict[str, str]] = {name: {} for name in fields}
    for form in forms:
        for form_field in (form or {}).get("fields", []):
            for name, field_id in fields.items():
                if form_field.get("id") == field_id:
                    for option in form_field.get("options", []):
                        names[name].setdefault(option["id"], option.get("name") or option["id"])
    return names


def cases_of(ctx: EngineContext, actor: Actor, ids: list[int]) -> list[CaseInfo]:
    """The cases behind a number, oldest first, as the case list shows them."""
    require(actor, Permission.READ_QUALITY)
    if not ids:
        return []
    with ctx.uow() as uow:
        rows = uow.session.scalars(select(Case).where(Case.id.in_(ids)).order_by(Case.id))
        return [case_summary(case) for case in rows]


@dataclass(frozen=True)
class StepWait:
    bpmn_id: str
    name: str
    items: int
    average_hours: float
    breach_share: float | None  # of the items that had a due time
    level: int  # 1 (short) to 3 (long), for colouring the diagram


def waiting_by_step(ctx: EngineContext, actor: Actor, process: str, period: Period) -> list[StepWait]:
    """Per task of a diagram: how long its work items waited (opened in the period; open ones
    until now) and the share that missed their due time."""
    require(actor, Permission.READ_QUALITY)
    now = utcnow()
    with ctx.uow() as uow:
        rows = uow.session.execute(
            select(WorkItem.bpmn_id, WorkItem.name, WorkItem.created_at, WorkItem.closed_at, WorkItem.due_at).where(
                WorkItem.process_key == process,
                WorkItem.created_at >= period.start,
                WorkItem.created_at < period.end,
                or_(WorkItem.outcome.is_(None), WorkItem.outcome != "cancelled"),
            )
        ).all()
    waits: dict[str, list[float]] = defaultdict(list)
    late: dict[str, list[bool]] = defaultdict(list)
    names: dict[str, str] = {}
    for bpmn_id, name, created, closed, due in rows:
        end = closed or now
        names[bpmn_id] = name
        waits[bpmn_id].append((end - created).total_seconds() / 3600)
        if due is not None:
            late[bpmn_id].append(end > due)
    averages = {bpmn_id: sum(hours) / len(hours) for bpmn_id, hours in waits.items()}
    longest = max(averages.values(), default=0) or 1
    return sorted(
        (
            StepWait(
                bpmn_id,
                names[bpmn_id],
                len(waits[bpmn_id]),
                round(average, 2),
                (sum(late[bpmn_id]) / len(late[bpmn_id])) if late[bpmn_id] else None,
                1 + min(2, int(3 * average / longest)),
            )
            for bpmn_id, average in averages.items()
        ),
        key=lambda step: -step.average_hours,
    )


def diagram_keys(ctx: EngineContext, actor: Actor) -> list[str]:
    """Every deployed process key (called processes too: their tasks are where cases wait)."""
    require(actor, Permission.READ_QUALITY)
    with ctx.uow() as uow:
        return list(uow.session.scalars(select(ProcessVersion.key).distinct().order_by(ProcessVersion.key)))


def live_diagram(ctx: EngineContext, actor: Actor, key: str) -> str:
    """The BPMN file that defines ``key`` in its newest version ("" when there is none)."""
    require(actor, Permission.READ_QUALITY)
    with ctx.uow() as uow:
        sources = uow.session.scalar(
            select(ProcessVersion.sources)
            .where(ProcessVersion.key == key)
            .order_by(ProcessVersion.version.desc())
            .limit(1)
        )
    owner = files_by_process(sources or {}).get(key)
    return (sources or {})[owner] if owner else ""
