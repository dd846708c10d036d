"""The layering rules, made executable (docs/architecture.md draws them).

    domain  ←  bpmn  ←  store  ←  services  ←  webapp

Each layer imports only the layers to its left and itself; services never import each other,
so each use case owns its one transaction; the web app sees only services and domain.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Our own packages a layer may import, by layer.
ALLOWED = {
    "engine.domain": {"engine.domain"},
    "engine.bpmn": {"engine.domain", "engine.bpmn"},
    "engine.store": {"engine.domain", "engine.bpmn", "engine.store"},
    "engine.services": {"engine.domain", "engine.bpmn", "engine.store"},
    "webapp": {"engine.domain", "engine.services", "webapp"},
}
# The demo loader plays a user: it calls the use cases one after another, as make run needs.
COMPOSES_SERVICES = {"engine/services/demo_data.py", "engine/services/demo_history.py"}


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, dotted, with ``from x import y`` giving ``x.y`` too."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def layer_of(module: str) -> str | None:
    return next((layer for layer in ALLOWED if module == layer or module.startswith(layer + ".")), None)


def modules_of(package: str) -> dict[str, set[str]]:
    return {
        str(path.relative_to(ROOT)): imports(path)
        for path in (ROOT / package.replace(".", "/")).rglob("*.py")
        if "migrations" not in path.parts or path.name != "env.py"
    }


def test_every_engine_module_belongs_to_a_layer() -> None:
    loose = [p.name for p in (ROOT / "engine").glob("*.py") if p.name != "__init__.py"]
    assert loose == []


def test_each_layer_imports_only_the_layers_below_it() -> None:
    offenders: dict[str, list[str]] = {}
    for layer, allowed in ALLOWED.items():
        for path, names in modules_of(layer).items():
            ours = {name for name in names if name.split(".")[0] in ("engine", "webapp")}
            wrong = sorted(
                name
                for name in ours
                if layer_of(name) not in allowed and name not in ("engine", "webapp") and layer_of(name) is not None
            )
            if path in COMPOSES_SERVICES:
                wrong = [name for name in wrong if layer_of(name) != "engine.services"]
            if wrong:
                offenders[path] = wrong
    assert offenders == {}


def test_services_never_import_each_other() -> None:
    offenders = {
        path: sorted(name for name in names if name.startswith("engine.services.") and name.count(".") >= 2)
        for path, names in modules_of("engine.services").items()
        if path not in COMPOSES_SERVICES
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_only_bpmn_imports_spiffworkflow_and_lxml() -> None:
    for package in ("engine.domain", "engine.store", "engine.services", "webapp"):
        offenders = {
            path: sorted(n for n in names if n.split(".")[0] in ("SpiffWorkflow", "lxml"))
            for path, names in modules_of(package).items()
        }
        assert {path: names for path, names in offenders.items() if names} == {}, package


def test_domain_and_bpmn_never_touch_the_database() -> None:
    for package in ("engine.domain", "engine.bpmn"):
        offenders = [
            path for path, names in modules_of(package).items() if any(n.startswith("sqlalchemy") for n in names)
        ]
        assert offenders == [], package


def test_the_web_app_never_touches_the_database_or_the_models() -> None:
    offenders = {
        path: sorted(n for n in names if n.split(".")[0] in ("sqlalchemy", "alembic") or n.startswith("engine.store"))
        for path, names in modules_of("webapp").items()
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_engine_never_imports_flask_or_the_web_app() -> None:
    offenders = {
        path: sorted(n for n in names if n.split(".")[0] in ("flask", "werkzeug", "webapp"))
        for path, names in modules_of("engine").items()
    }
    # werkzeug's password hashing is a library function, not the web layer.
    allowed = {"werkzeug.security", "werkzeug.security.check_password_hash", "werkzeug.security.generate_password_hash"}
    assert {
        path: [n for n in names if n not in allowed] for path, names in offenders.items() if set(names) - allowed
    } == {}
