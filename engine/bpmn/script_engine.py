"""A SpiffWorkflow script engine whose every evaluation goes through the sandbox."""

from __future__ import annotations

import ast
from calendar import monthrange
from collections.abc import Mapping
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.bpmn import sandbox
from engine.domain.working_calendar import WorkingCalendar


def calendar_helpers(calendar: WorkingCalendar) -> dict[str, Any]:
    """The functions process expressions may call (see docs/engine.md)."""

    def now() -> datetime:
        return datetime.now(UTC)

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


class SandboxEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]  # SpiffWorkflow has no types
    """Evaluate with RestrictedPython; datetimes come back as ISO text so timers accept them."""

    def __init__(self, helpers: Mapping[str, Any], cpu_seconds: float) -> None:
        super().__init__({})
        self.helpers = dict(helpers)
        self.limit = sandbox.CpuLimit(cpu_seconds)

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        helpers = {**self.helpers, **(external_context or {})}
        result = sandbox.evaluate(expression, context, helpers, self.limit)
        return result.isoformat() if isinstance(result, datetime) else result

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        helpers = {**self.helpers, **(external_context or {})}
        sandbox.execute(script, context, helpers, self.limit)
        return True


class SandboxScriptEngine(PythonScriptEngine):  # type: ignore[misc]  # SpiffWorkflow has no types
    def validate(self, expression: str) -> None:
        """Raise SyntaxError for bad syntax (the DMN engine relies on it), then sandbox checks."""
        ast.parse(expression.strip(), mode="eval")
        sandbox.compile_expression(expression)


def make_script_engine(calendar: WorkingCalendar, cpu_seconds: float) -> SandboxScriptEngine:
    return SandboxScriptEngine(SandboxEnvironment(calendar_helpers(calendar), cpu_seconds))
