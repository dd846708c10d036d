"""State serialization per step: SpiffWorkflow's serializer vs. engine/bpmn/state_dump.py.

Runs the repair benchmark diagram's scenarios in memory and, after every completed user
task, serializes the whole workflow both ways, alternating, timing each; prints the median
microseconds per dump of each, their ratio, and the stored size with and without compression.

Usage: python bench/state_dump_bench.py [--cases N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engine_bench import SCENARIOS  # noqa: E402
from bench.engine_bench import answers  # noqa: E402
from bench.engine_bench import parse_in_memory  # noqa: E402
from engine.bpmn.serializer import DUMPER  # noqa: E402
from engine.bpmn.serializer import SERIALIZER  # noqa: E402
from engine.bpmn.serializer import pack_state  # noqa: E402


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--cases", type=int, default=80)
    args = options.parse_args()
    bundle = parse_in_memory()
    stock, incremental, sizes, packed = [], [], [], []
    for index in range(args.cases):
        failures, warranty = SCENARIOS[index % len(SCENARIOS)]
        workflow = BpmnWorkflow(*bundle)
        workflow.do_engine_steps()
        inspections = 0
        while not workflow.is_completed():
            task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
            inspections += task.task_spec.bpmn_id == "inspect"
            task.data.update(answers(task.task_spec.bpmn_id, inspections, failures, warranty))
            task.run()
            workflow.do_engine_steps()
            started = time.perf_counter()
            text = DUMPER.dump(workflow)
            incremental.append(time.perf_counter() - started)
            started = time.perf_counter()
            SERIALIZER.serialize_json(workflow)
            stock.append(time.perf_counter() - started)
            sizes.append(len(text.encode()))
            packed.append(len(pack_state(text)))
    a, b = statistics.median(stock) * 1e6, statistics.median(incremental) * 1e6
    print(f"dumps: {len(stock)} after each user task of {args.cases} cases (medians)")
    print(f"SpiffWorkflow serializer:   {a:7.1f} us per dump")
    print(f"incremental (state_dump):   {b:7.1f} us per dump   ratio {b / a:.2f}")
    size, small = statistics.median(sizes), statistics.median(packed)
    print(f"stored state: {size / 1024:.1f} KiB JSON, {small / 1024:.1f} KiB compressed ({small / size:.2f})")


if __name__ == "__main__":
    main()
