"""Engine benchmark: plain SpiffWorkflow in memory vs. Aftercare's durable engine on SQLite.

Both sides run the same 10-user-task repair diagram (exclusive gateway, parallel split/join,
a loop bounded at three inspections) through the same scenarios and count completed user
tasks per second. (a) is the baseline measured in this run; (b) adds everything a real
request pays: loading the case, the sandbox, form validation, authorisation, saving the
state, the inbox rows and the hash-chained audit events, one SQLite transaction per task.

Usage: python bench/engine_bench.py [--cases N] [--rounds R]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.util.task import TaskState

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.domain.actors import Actor  # noqa: E402
from engine.domain.config import EngineConfig  # noqa: E402
from engine.services import cases  # noqa: E402
from engine.services import installation  # noqa: E402
from engine.services import processes  # noqa: E402
from engine.services import tasks  # noqa: E402
from engine.services import users  # noqa: E402
from engine.store.context import EngineContext  # noqa: E402

DIAGRAM = Path(__file__).with_name("repair_bench.bpmn")
ROLES = ["service_desk", "quality_office", "finance", "dispatcher", "warehouse", "workshop", "inspector"]


def answers(bpmn_id: str, inspections: int, failures: int, warranty: bool) -> dict[str, object]:
    """The form data a person would enter at each step of the scenario."""
    return {
        "register": {"customer": "示例客户"},
        "warranty": {"under_warranty": warranty},
        "quote": {"amount": "1200.00"},
        "inspect": {"passed": inspections > failures, "inspections": inspections},
    }.get(bpmn_id, {})


SCENARIOS = [(0, True), (1, False), (0, False), (2, True)]  # (failed inspections, under warranty)


def parse_in_memory() -> tuple[Any, dict[str, Any]]:
    """(a) parses with the stock CamundaParser, once, outside the timed part."""
    parser = CamundaParser()
    parser.add_bpmn_file(str(DIAGRAM))
    return parser.get_spec("repair_bench"), parser.get_subprocess_specs("repair_bench")


def run_in_memory(bundle: tuple[Any, dict[str, Any]], index: int) -> int:
    """(a) Plain SpiffWorkflow: one case in memory, nothing validated, authorised or stored."""
    failures, warranty = SCENARIOS[index % len(SCENARIOS)]
    workflow = BpmnWorkflow(*bundle)
    workflow.do_engine_steps()
    inspections = completed = 0
    while not workflow.is_completed():
        task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
        inspections += task.task_spec.bpmn_id == "inspect"
        task.data.update(answers(task.task_spec.bpmn_id, inspections, failures, warranty))
        task.run()
        workflow.do_engine_steps()
        completed += 1
    return completed


def prepare_durable(directory: Path) -> tuple[EngineContext, Actor]:
    url = f"sqlite:///{directory / 'bench.db'}"
    ctx = EngineContext(EngineConfig(database_url=url))
    system = Actor.system("bench")
    installation.init_database(ctx, system)
    processes.deploy_files(ctx, system, {DIAGRAM.name: DIAGRAM.read_bytes()})
    actor = users.create_user(ctx, system, "bench", ROLES)
    return ctx, actor


def run_durable(ctx: EngineContext, actor: Actor, index: int) -> int:
    """(b) One case through the engine, one transaction per completed task; starting a case and
    each completion say which work items they opened, so no inbox query is timed."""
    failures, warranty = SCENARIOS[index % len(SCENARIOS)]
    case = cases.start_case(ctx, actor, "repair_bench", {})
    pending = list(case.opened)
    inspections = completed = 0
    while pending:
        item_id, bpmn_id = pending.pop(0)
        inspections += bpmn_id == "inspect"
        result = tasks.complete_task(ctx, actor, item_id, answers(bpmn_id, inspections, failures, warranty))
        pending.extend(result.opened)
        completed += 1
    return completed


class Side:
    """Tasks and seconds of one side in one round."""

    def __init__(self) -> None:
        self.tasks, self.seconds = 0, 0.0

    def time(self, run: Callable[[], int]) -> None:
        started = time.perf_counter()
        self.tasks += run()
        self.seconds += time.perf_counter() - started

    @property
    def rate(self) -> float:
        return self.tasks / self.seconds


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--cases", type=int, default=20, help="cases per side in each round")
    options.add_argument("--rounds", type=int, default=15)
    args = options.parse_args()
    bundle = parse_in_memory()
    memory, durable, ratios = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        ctx, actor = prepare_durable(Path(tmp))
        for index in range(4):  # warm caches on both sides
            run_in_memory(bundle, index)
            run_durable(ctx, actor, index)
        for _ in range(args.rounds):
            a, b = Side(), Side()
            for index in range(args.cases):  # alternate case by case: both sides see the same machine
                a.time(lambda index=index: run_in_memory(bundle, index))
                b.time(lambda index=index: run_durable(ctx, actor, index))
            memory.append(a.rate)
            durable.append(b.rate)
            ratios.append(b.rate / a.rate)
        ctx.dispose()
    print(f"cases per side and round: {args.cases}, rounds: {args.rounds} (medians)")
    print(f"(a) SpiffWorkflow in memory:           {statistics.median(memory):8.1f} user tasks/s")
    print(f"(b) Aftercare engine on SQLite (file): {statistics.median(durable):8.1f} user tasks/s")
    low, high = min(ratios), max(ratios)
    print(f"ratio (b)/(a): {statistics.median(ratios):.2f} (rounds {low:.2f}-{high:.2f})   target >= 0.50, floor 0.25")


if __name__ == "__main__":
    main()
