"""processes/ has one source: tools/diagrams draws it, and the shipped files are exactly its output.

A shipped diagram edited by hand (or in Camunda Modeler) without changing its description would
be overwritten by the next ``make diagrams``; this test makes the two disagree loudly instead.
"""

from __future__ import annotations

from pathlib import Path

from tools.diagrams.__main__ import DIAGRAMS
from tools.diagrams.decisions import TABLES

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


def test_every_shipped_file_is_what_the_generator_writes_byte_for_byte(tmp_path: Path) -> None:
    written = {make().write(tmp_path).name for make in [*DIAGRAMS, *TABLES]}
    shipped = {path.name for path in PROCESSES.iterdir() if path.suffix in {".bpmn", ".dmn"}}
    assert written == shipped
    differing = [name for name in sorted(written) if (tmp_path / name).read_bytes() != (PROCESSES / name).read_bytes()]
    assert differing == [], f"edit tools/diagrams and run `make diagrams`; differing: {differing}"
