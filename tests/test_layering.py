"""The layering rules, made executable: engine/ never imports the web layer."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_engine_never_imports_flask_or_webapp() -> None:
    offenders = {path: names & {"flask", "webapp"} for path, names in imported_modules("engine").items()}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_only_engine_bpmn_imports_spiffworkflow() -> None:
    offenders = [
        path
        for path, names in imported_modules("engine").items()
        if "SpiffWorkflow" in names and not path.startswith("engine/bpmn/")
    ]
    assert offenders == []


def test_webapp_never_imports_spiffworkflow() -> None:
    offenders = [path for path, names in imported_modules("webapp").items() if "SpiffWorkflow" in names]
    assert offenders == []
