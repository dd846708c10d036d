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

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.util.task import TaskState

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.config import EngineConfig  # noqa: E402
from engine.context import Actor  # noqa: E402
from engine.context import EngineContext  # noqa: E402
from engine.schema import upgrade_database  # noqa: E402
from engine.services import cases  # noqa: E402
from engine.services import processes  # noqa: E402
from engine.services import tasks  # noqa: E402
from engine.services import users  # noqa: E402

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


def run_in_memory(n_cases: int) -> int:
    """(a) Plain SpiffWorkflow: parse once, run every case in memory, nothing stored."""
    parser = CamundaParser()
    parser.add_bpmn_file(str(DIAGRAM))
    spec, subprocesses = parser.get_spec("repair_bench"), parser.get_subprocess_specs("repair_bench")
    completed = 0
    for index in range(n_cases):
        failures, warranty = SCENARIOS[index % len(SCENARIOS)]
        workflow = BpmnWorkflow(spec, subprocesses)
        workflow.do_engine_steps()
        inspections = 0
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
    upgrade_database(url)
    ctx = EngineContext(EngineConfig(database_url=url))
    users.seed_roles(ctx)
    processes.deploy_files(ctx, {DIAGRAM.name: DIAGRAM.read_bytes()})
    actor = users.create_user(ctx, "bench", ROLES)
    return ctx, actor


def run_durable(ctx: EngineContext, actor: Actor, n_cases: int) -> int:
    """(b) Through the engine: one transaction per completed task; starting a case and each
    completion say which work items they opened, so no inbox query is timed."""
    completed = 0
    for index in range(n_cases):
        failures, warranty = SCENARIOS[index % len(SCENARIOS)]
        case = cases.start_case(ctx, actor, "repair_bench", {})
        pending = list(case.opened)
        inspections = 0
        while pending:
            item_id, bpmn_id = pending.pop(0)
            inspections += bpmn_id == "inspect"
            result = tasks.complete_task(ctx, actor, item_id, answers(bpmn_id, inspections, failures, warranty))
            pending.extend(result.opened)
            completed += 1
    return completed


def timed(run: Callable[[], int]) -> float:
    started = time.perf_counter()
    count = run()
    return count / (time.perf_counter() - started)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--cases", type=int, default=40)
    options.add_argument("--rounds", type=int, default=5)
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ctx, actor = prepare_durable(Path(tmp))
        run_in_memory(4)
        run_durable(ctx, actor, 4)  # warm caches on both sides
        memory, durable = [], []
        for _ in range(args.rounds):
            memory.append(timed(lambda: run_in_memory(args.cases)))
            durable.append(timed(lambda: run_durable(ctx, actor, args.cases)))
        ctx.dispose()
    a, b = statistics.median(memory), statistics.median(durable)
    print(f"cases per round: {args.cases}, rounds: {args.rounds} (medians)")
    print(f"(a) SpiffWorkflow in memory:           {a:8.1f} user tasks/s")
    print(f"(b) Aftercare engine on SQLite (file): {b:8.1f} user tasks/s")
    print(f"ratio (b)/(a): {b / a:.2f}   target >= 0.50, floor 0.25")


if __name__ == "__main__":
    main()
