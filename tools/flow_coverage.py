"""Per diagram, the share of sequence flows taken by at least one scenario test.

Reads the steps the scenario tests recorded (``build/flow-coverage.json``, written by
tests/processes/conftest.py) and the shipped diagrams; prints one line per diagram and the
flows never taken; exits with status 1 when a diagram is below 100 %.

Usage: python -m tools.flow_coverage [STEPS_JSON] [PROCESSES_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from engine.bpmn.diagram_files import diagram_flows
from engine.bpmn.flow_coverage import taken_flows

ROOT = Path(__file__).resolve().parents[1]


def report(steps_file: Path, directory: Path) -> tuple[list[str], bool]:
    steps = {tuple(step) for step in json.loads(steps_file.read_text(encoding="utf-8"))}
    lines, complete = [], True
    for path in sorted(directory.glob("*.bpmn")):
        flows = diagram_flows(path.read_bytes())
        every = {flow_id for process_flows in flows.values() for flow_id, _s, _t in process_flows}
        taken = taken_flows(flows, steps) & every  # type: ignore[arg-type]
        share = 100.0 * len(taken) / len(every) if every else 100.0
        lines.append(f"{path.name:28} {len(taken):3}/{len(every):<3} flows  {share:5.1f} %")
        missing = sorted(every - taken)
        if missing:
            complete = False
            lines.append(f"{'':28} never taken: {', '.join(missing)}")
    return lines, complete


def main() -> int:
    steps_file = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "flow-coverage.json"
    directory = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "processes"
    if not steps_file.exists():
        print(f"{steps_file} is missing: run the scenario tests first (pytest tests/processes)")
        return 1
    lines, complete = report(steps_file, directory)
    print("\n".join(lines))
    if not complete:
        print("flow coverage below 100 %: add scenario tests for the flows never taken")
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
