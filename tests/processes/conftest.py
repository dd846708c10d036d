"""Scenario tests run the shipped processes through the engine, one person per role.

Every case a scenario leaves behind is read back after the test and the sequence flows it
took are recorded (tests/flow_steps.py); at the end of the run they are written to
``build/flow-coverage.json``, which ``python -m tools.flow_coverage`` turns into the per-diagram
report (make coverage-flows).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from engine.bpmn.flow_coverage import taken_steps
from engine.domain import customer_answers
from engine.domain.actors import CUSTOMER_ROLE
from engine.domain.actors import Actor
from engine.services import cases
from engine.services import tasks
from engine.services import timers
from engine.store.case_progress import load_runtime
from engine.store.case_writer import load_case
from engine.store.context import EngineContext
from engine.store.models import Case
from tests import flow_steps
from tests.actors import SYSTEM
from tests.shipped import PROCESSES  # noqa: F401 - imported from here by other modules
from tests.shipped import staff_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Scenario:
    """One case of a shipped process, worked by one user per role."""

    def __init__(self, ctx: EngineContext, staff: dict[str, Actor], case_id: int) -> None:
        self.ctx, self.staff, self.id = ctx, staff, case_id

    def open(self) -> list[str]:
        """BPMN ids of the case's open tasks, each as seen by the role it is open to."""
        seen = {
            t.bpmn_id
            for actor in self.staff.values()
            for t in tasks.list_tasks(self.ctx, actor)
            if t.case_id == self.id
        }
        return sorted(seen)

    def do(self, role: str, bpmn_id: str, data: dict[str, Any] | None = None) -> tasks.Completion:
        """``role`` completes the open task ``bpmn_id``; fails when it is not open to that role.

        A customer's step the desk enters is an answer the customer gave by phone, unless the
        scenario says how (``answered_by``): the clauses under test are the flow's, not the channel's.
        """
        actor = self.staff[role]
        available = [t for t in tasks.list_tasks(self.ctx, actor) if t.case_id == self.id and t.bpmn_id == bpmn_id]
        assert available, f"{bpmn_id} is not open to {role}; open: {self.open()}"
        data = dict(data or {})
        if CUSTOMER_ROLE in available[0].roles and CUSTOMER_ROLE not in actor.roles:
            data.setdefault(customer_answers.HOW, customer_answers.PHONE)
        return tasks.complete_task(self.ctx, actor, available[0].id, data)

    def task(self, role: str, bpmn_id: str) -> tasks.TaskInfo:
        return next(
            t for t in tasks.list_tasks(self.ctx, self.staff[role]) if t.case_id == self.id and t.bpmn_id == bpmn_id
        )

    @property
    def info(self) -> cases.CaseInfo:
        return cases.get_case(self.ctx, SYSTEM, self.id)

    @property
    def status(self) -> str:
        return self.info.status

    @property
    def data(self) -> dict[str, Any]:
        return self.info.data

    def fire_timers_at(self, moment: datetime) -> int:
        with time_machine.travel(moment, tick=False):
            return timers.fire_due_timers(self.ctx)


@pytest.fixture
def staff(ctx: EngineContext, staffed_template: Path) -> dict[str, Actor]:
    """One person per role (``tests/shipped.py``), in a database with the shipped processes."""
    return staff_of(ctx)


@pytest.fixture
def start(ctx: EngineContext, staff: dict[str, Actor]) -> Any:
    def _start(process: str, data: dict[str, Any] | None = None, role: str = "service_desk") -> Scenario:
        case = cases.start_case(ctx, staff[role], process, data or {})
        return Scenario(ctx, staff, case.id)

    return _start


@pytest.fixture(autouse=True)
def record_flows(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each scenario, remember the steps its cases took (for the flow-coverage report)."""
    if "ctx" not in request.fixturenames:
        yield
        return
    ctx: EngineContext = request.getfixturevalue("ctx")  # now, so that it is torn down after this
    yield
    with ctx.uow() as uow:
        ids = list(uow.session.scalars(select(Case.id)))
        for case_id in ids:
            ref = load_case(uow.connection, case_id)
            if ref is not None:
                flow_steps.TAKEN.update(taken_steps(load_runtime(ctx, uow.connection, ref).workflow))
