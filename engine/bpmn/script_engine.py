"""A SpiffWorkflow script engine whose every evaluation goes through the sandbox."""

from __future__ import annotations

import ast
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.bpmn import sandbox
from engine.bpmn.date_helpers import calendar_helpers
from engine.bpmn.sandbox_process import Job
from engine.bpmn.sandbox_process import Limits
from engine.bpmn.sandbox_process import pool_for
from engine.domain import clock
from engine.domain.service_settings import SHIPPED_SETTINGS
from engine.domain.service_settings import ServiceSettings
from engine.domain.working_calendar import WorkingCalendar


class SandboxEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]  # SpiffWorkflow has no types
    """Evaluate with RestrictedPython; datetimes come back as ISO text so timers accept them.

    Expressions of bounded cost (``sandbox.is_bounded``: the usual conditions and due dates) run
    in this process; scripts and every other expression run in a bounded worker process.
    """

    def __init__(self, calendar: WorkingCalendar, limits: Limits, settings: ServiceSettings) -> None:
        super().__init__({})
        self.calendar = calendar
        self.settings = settings
        self.helpers = calendar_helpers(calendar, settings=settings)
        self._class_helpers: dict[str, dict[str, Any]] = {}  # a class of cases's label → its helpers
        self.limits = limits
        self.limit = sandbox.CpuLimit(limits.cpu_seconds)

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        if sandbox.is_bounded(expression):
            helpers = {**self._helpers_for(context), **(external_context or {})}
            result = sandbox.evaluate(expression, context, helpers, self.limit)
        else:
            result = pool_for(self.limits).run(self._job("eval", expression, context, external_context))
        return result.isoformat() if isinstance(result, datetime) else result

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        data = pool_for(self.limits).run(self._job("exec", script, context, external_context))
        context.clear()
        context.update(data)
        return True

    def _helpers_for(self, context: dict[str, Any]) -> dict[str, Any]:
        """The date helpers as the case's class of promises has them (``due`` reads its terms)."""
        case_class = self.settings.class_of(context) if self.settings.classes else None
        if case_class is None:
            return self.helpers
        found = self._class_helpers.get(case_class.label)
        if found is None:
            settings = self.settings.for_case(context)
            found = calendar_helpers(settings.calendar_from(self.calendar), settings=settings)
            self._class_helpers[case_class.label] = found
        return found

    def _job(self, mode: str, source: str, context: dict[str, Any], external_context: Any) -> Job:
        settings = self.settings.for_case(context)
        calendar = settings.calendar_from(self.calendar)
        return Job(mode, source, dict(context), dict(external_context or {}), calendar, settings, _now())


def _now() -> datetime:
    return clock.now()


class SandboxScriptEngine(PythonScriptEngine):  # type: ignore[misc]  # SpiffWorkflow has no types
    def validate(self, expression: str) -> None:
        """Raise SyntaxError for bad syntax (the DMN engine relies on it), then sandbox checks."""
        ast.parse(expression.strip(), mode="eval")
        sandbox.compile_expression(expression)


def make_script_engine(
    calendar: WorkingCalendar, limits: Limits, settings: ServiceSettings = SHIPPED_SETTINGS
) -> SandboxScriptEngine:
    return SandboxScriptEngine(SandboxEnvironment(calendar, limits, settings))
