"""Sandbox benchmark: what an expression costs in the server process and in a worker process.

Bounded expressions (conditions, due dates) run in the server; scripts and everything else in a
worker process (engine/bpmn/sandbox_process.py). Both sides evaluate the same expression,
alternating call by call; the ratio is the worker's cost over the in-process cost.

Usage: python bench/sandbox_bench.py [--calls N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.bpmn import sandbox  # noqa: E402
from engine.bpmn.date_helpers import calendar_helpers  # noqa: E402
from engine.bpmn.sandbox_process import Job  # noqa: E402
from engine.bpmn.sandbox_process import Limits  # noqa: E402
from engine.bpmn.sandbox_process import SandboxPool  # noqa: E402
from engine.domain.service_settings import SHIPPED_SETTINGS  # noqa: E402
from engine.domain.working_calendar import WorkingCalendar  # noqa: E402

SOURCE = "amount > 5000 and kind in ('refund', 'exchange')"
DATA = {"amount": 6800, "kind": "refund", "customer": "示例客户", "parts": ["A", "B"]}


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--calls", type=int, default=2000)
    args = options.parse_args()
    calendar = WorkingCalendar()
    helpers, limit = calendar_helpers(calendar), sandbox.CpuLimit(2.0)
    pool = SandboxPool(Limits(2.0, 3.0, 512 * 1024 * 1024))
    pool.run(Job("eval", SOURCE, DATA, {}, calendar, SHIPPED_SETTINGS, datetime.now(UTC)))  # start the worker
    inside, worker = [], []
    for _ in range(args.calls):
        started = time.perf_counter()
        sandbox.evaluate(SOURCE, DATA, helpers, limit)
        inside.append(time.perf_counter() - started)
        started = time.perf_counter()
        pool.run(Job("eval", SOURCE, DATA, {}, calendar, SHIPPED_SETTINGS, datetime.now(UTC)))
        worker.append(time.perf_counter() - started)
    pool.close()
    a, b = statistics.median(inside) * 1e6, statistics.median(worker) * 1e6
    print(f"calls per side: {args.calls} (medians)")
    print(f"(a) in the server process: {a:8.1f} µs per expression")
    print(f"(b) in a worker process:   {b:8.1f} µs per expression")
    print(f"ratio (b)/(a): {b / a:.1f}; a worker costs {b - a:.0f} µs more")


if __name__ == "__main__":
    main()
