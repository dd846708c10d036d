"""Shared fixtures: a real SQLite file database per test, migrated with Alembic."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.config import EngineConfig
from engine.context import Actor
from engine.context import EngineContext
from engine.schema import upgrade_database
from engine.services import processes
from engine.services import users


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once per run; each test gets a copy of the file (fast, and still the real schema)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade_database(f"sqlite:///{path}")
    ctx = EngineContext(EngineConfig(database_url=f"sqlite:///{path}"))
    users.seed_roles(ctx)
    ctx.dispose()
    return path


@pytest.fixture
def db_url(tmp_path: Path, migrated_template: Path) -> str:
    path = tmp_path / "aftercare.db"
    shutil.copy(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine_config(db_url: str) -> EngineConfig:
    return EngineConfig(database_url=db_url)


@pytest.fixture
def ctx(engine_config: EngineConfig) -> Iterator[EngineContext]:
    context = EngineContext(engine_config)
    yield context
    context.dispose()


@pytest.fixture
def make_user(ctx: EngineContext) -> Callable[..., Actor]:
    def _make_user(username: str, *roles: str, password: str | None = "correct horse") -> Actor:
        return users.create_user(ctx, username, roles, password)

    return _make_user


@pytest.fixture
def deploy(ctx: EngineContext) -> Callable[..., list[processes.Deployed]]:
    def _deploy(files: dict[str, bytes], allow_scripts: bool = False) -> list[processes.Deployed]:
        return processes.deploy_files(ctx, files, allow_scripts=allow_scripts)

    return _deploy
