"""The sequence flows the scenario tests took in this run, for the flow-coverage report.

tests/processes/conftest.py records them after each scenario; tests/conftest.py writes them to
``build/flow-coverage.json`` at the end of the run. With pytest-xdist each worker sends its
steps to the controller, which writes the union (a worker's file would overwrite another's).
"""

from __future__ import annotations

import json
from pathlib import Path

COVERAGE_FILE = Path(__file__).resolve().parents[1] / "build" / "flow-coverage.json"
TAKEN: set[tuple[str, str, str]] = set()  # (process, from element, to element)


def write() -> None:
    if not TAKEN:
        return
    COVERAGE_FILE.parent.mkdir(exist_ok=True)
    COVERAGE_FILE.write_text(json.dumps(sorted(TAKEN), ensure_ascii=False, indent=0), encoding="utf-8")
