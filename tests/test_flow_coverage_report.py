"""make coverage-flows: one line per diagram, and a failure when a flow was never taken."""

from __future__ import annotations

import json
from pathlib import Path

from tests import diagrams
from tools.flow_coverage import report


def test_the_report_names_flows_never_taken_and_fails(tmp_path: Path) -> None:
    (tmp_path / "linear.bpmn").write_bytes(diagrams.linear())
    steps = tmp_path / "steps.json"
    steps.write_text(json.dumps([["two_steps", "start", "register"], ["two_steps", "register", "decide"]]))
    lines, complete = report(steps, tmp_path)
    assert not complete
    assert lines[0].split() == ["linear.bpmn", "2/7", "flows", "28.6", "%"]
    assert lines[1].split("never taken: ")[1] == "f3, f4, f5, f_no, f_yes"


def test_every_flow_taken_is_complete(tmp_path: Path) -> None:
    (tmp_path / "linear.bpmn").write_bytes(diagrams.linear())
    pairs = [("start", "register"), ("register", "decide"), ("decide", "gw"), ("gw", "close"), ("gw", "rework")]
    pairs += [("close", "end_ok"), ("rework", "end_rework")]
    steps = tmp_path / "steps.json"
    steps.write_text(json.dumps([["two_steps", source, target] for source, target in pairs]))
    lines, complete = report(steps, tmp_path)
    assert complete and [line.split() for line in lines] == [["linear.bpmn", "7/7", "flows", "100.0", "%"]]
