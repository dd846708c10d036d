"""Shared fixtures: a real SQLite file database per test, migrated with Alembic."""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from typing import cast

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from playwright.sync_api import Browser
from sqlalchemy import text
from sqlalchemy import update
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from engine.domain.actors import Actor
from engine.domain.config import EngineConfig
from engine.services import installation
from engine.services import processes
from engine.services import users
from engine.store.context import EngineContext
from engine.store.db import make_engine
from engine.store.models import User
from tests import flow_steps
from tests import shipped
from tests.actors import OWNER
from tests.actors import SYSTEM
from tools.browser import chromium
from webapp import create_app


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once per run; each test gets a copy of the file (fast, and still the real schema)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    ctx = EngineContext(EngineConfig(database_url=f"sqlite:///{path}"))
    installation.init_database(ctx, SYSTEM)
    ctx.dispose()
    return path


# Every state save in the suite is compared with SpiffWorkflow's own serializer
# (engine/bpmn/state_dump.py reuses the text of unchanged tasks).
os.environ["AFTERCARE_CHECK_STATE_DUMP"] = "1"

POSTGRES_URL = os.environ.get("AFTERCARE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]
PG_TEMPLATE = "aftercare_test_template"
# For modules about pages, forms and messages, where the database is incidental: the engine's
# queries behind them run on both backends in tests/engine and tests/processes.
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _worker() -> str:
    """The pytest-xdist worker running this process ("gw0", "gw1", …), "main" without workers."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _url_of(database: str) -> str:
    """A test database's URL. Its sessions commit without waiting for the WAL flush
    (``synchronous_commit=off``): a commit still happens in order and is seen by every other
    session at once, only a crash of the server could lose the last ones, which no test does."""
    url = make_url(str(POSTGRES_URL)).set(database=database)
    url = url.update_query_dict({"options": "-c synchronous_commit=off"})
    return url.render_as_string(hide_password=False)


# Tables whose rows are never changed once written (a deployed version is immutable): a reused
# database keeps the template's rows of these and loses only the ones a test added.
KEPT = ("process_versions",)


class PostgresDatabases:
    """Test databases cloned from a template (migrated; or staffed too), emptied and reused between tests.

    Emptying one (every row deleted with the foreign-key triggers off, the sequences restarted,
    the template's reference rows written back) takes about 17 ms; a TRUNCATE of the seventeen
    tables took 115 ms, and cloning and dropping a database per test half a second. A database
    whose reset fails is dropped, never reused.
    """

    def __init__(self, template: str) -> None:
        self.template = template
        self.admin = make_engine(str(POSTGRES_URL), isolation_level="AUTOCOMMIT")
        self.free: list[str] = []
        self.made: list[str] = []
        engine = make_engine(_url_of(template))
        with engine.connect() as connection:
            tables = connection.scalars(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
            ).all()
            sequences = connection.execute(
                text("SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'public'")
            ).all()
            kept = {
                table: connection.scalar(text(f'SELECT max(id) FROM "{table}"')) for table in KEPT if table in tables
            }
            self.empty = [
                "SET session_replication_role = replica",  # no foreign-key checks while emptying
                *(f'DELETE FROM "{table}"' for table in tables if table not in kept),
                *(f'DELETE FROM "{table}" WHERE id > {last or 0}' for table, last in kept.items()),
                *(f'ALTER SEQUENCE "{sequence}" RESTART WITH {last + 1}' for sequence, last in sequences),
            ]
            # The template's rows per table as one JSON array, written back whole by
            # json_populate_recordset: any column type survives, in one statement per table.
            self.rows: dict[str, str] = {}
            for table in tables:
                found = connection.scalar(text(f'SELECT json_agg(t)::text FROM "{table}" AS t'))
                if found is not None and table not in kept:
                    self.rows[table] = found
        engine.dispose()

    def take(self) -> str:
        if self.free:
            return self.free.pop()
        name = f"aftercare_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name} TEMPLATE {self.template} STRATEGY FILE_COPY"))
        self.made.append(name)
        return name

    def give_back(self, name: str) -> None:
        try:
            with self.admin.connect() as connection:  # a connection a test left open would hold locks
                connection.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                    {"name": name},
                )
            engine = make_engine(_url_of(name))
            try:
                with engine.begin() as connection:
                    for statement in self.empty:
                        connection.execute(text(statement))
                    for table, rows in self.rows.items():
                        connection.execute(
                            text(
                                f'INSERT INTO "{table}" SELECT * FROM json_populate_recordset(NULL::"{table}", :rows)'
                            ),
                            {"rows": rows},
                        )
                    connection.execute(text("SET session_replication_role = DEFAULT"))
            finally:
                engine.dispose()
        except Exception:  # noqa: BLE001 - a database in an unknown state is thrown away
            self.drop(name)
            return
        self.free.append(name)

    def drop(self, name: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

    def close(self) -> None:
        for name in self.made:
            self.drop(name)
        self.admin.dispose()


def _postgres_template(name: str, fill: Callable[[EngineContext], None]) -> Iterator[PostgresDatabases]:
    """A template database made by ``fill`` once per run (per worker), and the pool of its clones."""
    template = f"{name}_{_worker()}"
    admin = make_engine(str(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {template}"))
    ctx = EngineContext(EngineConfig(database_url=_url_of(template)))
    fill(ctx)
    ctx.dispose()
    pool = PostgresDatabases(template)
    yield pool
    pool.close()
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)"))
    admin.dispose()


def _migrated(ctx: EngineContext) -> None:
    installation.init_database(ctx, SYSTEM)


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    """Migrate one template database per run (per worker); tests take clones of it from a pool."""
    yield from _postgres_template(PG_TEMPLATE, _migrated)


@pytest.fixture(scope="session")
def postgres_staffed_databases(fixture_password_hash: str) -> Iterator[PostgresDatabases]:
    """Like ``postgres_databases``, with the shipped processes and the scenario staff stored."""

    def staffed(ctx: EngineContext) -> None:
        _migrated(ctx)
        shipped.deploy_shipped(ctx)
        shipped.add_staff(ctx, fixture_password_hash)

    yield from _postgres_template(f"{PG_TEMPLATE}_staffed", staffed)


@pytest.fixture(scope="session")
def staffed_template(migrated_template: Path, fixture_password_hash: str) -> Path:
    """The migrated SQLite template with the shipped processes and the scenario staff stored.

    Asked for by the ``staff`` fixture of the scenario tests; ``db_url`` then hands out copies
    of this template (or clones of its PostgreSQL twin) instead of the bare migrated one.
    """
    path = migrated_template.with_name("staffed.db")
    shutil.copy(migrated_template, path)
    ctx = EngineContext(EngineConfig(database_url=f"sqlite:///{path}"))
    shipped.deploy_shipped(ctx)
    shipped.add_staff(ctx, fixture_password_hash)
    ctx.dispose()  # closes the last connection, which folds the write-ahead log into the file
    return path


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, migrated_template: Path) -> Iterator[str]:
    """A migrated database for one test: a SQLite file, and PostgreSQL too when configured."""
    staffed = "staffed_template" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "aftercare.db"
        shutil.copy(request.getfixturevalue("staffed_template") if staffed else migrated_template, path)
        yield f"sqlite:///{path}"
        return
    pool: PostgresDatabases = request.getfixturevalue("postgres_staffed_databases" if staffed else "postgres_databases")
    name = pool.take()
    yield _url_of(name)
    pool.give_back(name)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """On the pytest-xdist controller: a worker finished and sent the flows its scenarios took."""
    flow_steps.TAKEN.update(tuple(step) for step in node.workeroutput.get("flow_steps", []))


def pytest_sessionfinish(session: pytest.Session) -> None:
    worker_output = getattr(session.config, "workeroutput", None)
    if worker_output is not None:  # a worker: the controller writes the report's file
        worker_output["flow_steps"] = sorted(flow_steps.TAKEN)
    else:
        flow_steps.write()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--cold-cache",
        action="store_true",
        help="keep no workflow in memory between actions: every step restores the case from the "
        "database, so SpiffWorkflow's save/restore round trip is exercised (make test runs the "
        "scenario tests once this way)",
    )


@pytest.fixture
def engine_config(db_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> EngineConfig:
    """The test's database; audit heads sealed with a key file of the test's own."""
    return EngineConfig(
        database_url=db_url,
        keep_live_workflows=not request.config.getoption("--cold-cache"),
        audit_keys_file=tmp_path / "audit_keys",
        audit_checkpoints_file=tmp_path / "audit-checkpoints.jsonl",
        link_secret="a test key for customer links",
        public_url="http://localhost",  # the test client's address
    )


@pytest.fixture
def ctx(engine_config: EngineConfig) -> Iterator[EngineContext]:
    context = EngineContext(engine_config)
    yield context
    context.dispose()


FIXTURE_PASSWORD = "correct horse"


@pytest.fixture(scope="session")
def fixture_password_hash() -> str:
    """One real scrypt hash of the fixture password per run, with a smaller work factor than the
    product's (N=2048 instead of 32768): every sign-in still verifies it, in 4 ms instead of 80,
    and tests sign in several hundred times. Accounts made by the product keep the default."""
    return generate_password_hash(FIXTURE_PASSWORD, method="scrypt:2048:8:1")


@pytest.fixture
def make_user(ctx: EngineContext, fixture_password_hash: str) -> Callable[..., Actor]:
    """Users for tests; those with the fixture password share its hash (sign-in still checks it)."""

    def _make_user(username: str, *roles: str, password: str | None = FIXTURE_PASSWORD) -> Actor:
        if password != FIXTURE_PASSWORD:
            return users.create_user(ctx, SYSTEM, username, roles, password)
        actor = users.create_user(ctx, SYSTEM, username, roles, None)
        with ctx.uow(write=True) as uow:
            uow.connection.execute(
                update(User).where(User.id == actor.user_id).values(password_hash=fixture_password_hash)
            )
            uow.commit()
        return actor

    return _make_user


@pytest.fixture
def deploy(ctx: EngineContext) -> Callable[..., list[processes.Deployed]]:
    def _deploy(files: dict[str, bytes], allow_scripts: bool = False) -> list[processes.Deployed]:
        return processes.deploy_files(ctx, SYSTEM if allow_scripts else OWNER, files)

    return _deploy


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run (Playwright's sync API allows one at a time)."""
    with chromium() as browser:
        yield browser


@pytest.fixture
def app(engine_config: EngineConfig) -> Iterator[Flask]:
    """The real Flask app on the test's database."""
    application = create_app({"ENGINE_CONFIG": engine_config, "TESTING": True, "SECRET_KEY": "test"})
    yield application
    application.extensions["aftercare"].dispose()


class MailBox:
    """What a real SMTP server on loopback received (aiosmtpd), parsed back into messages."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        parsed = BytesParser(policy=email_policy.default).parsebytes(envelope.original_content or envelope.content)
        self.messages.append(cast(EmailMessage, parsed))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[MailBox, int]]:
    """A real SMTP server on a free loopback port for the test: (its mailbox, its port)."""
    box, port = MailBox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


class WebhookReceiver:
    """A real HTTP server on loopback standing in for a chat vendor's webhook: it records each
    call (path with query, headers, JSON body) and answers with ``answer`` and ``status``."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, str], Any]] = []
        self.answer: dict[str, Any] = {"errcode": 0, "code": 0, "errmsg": "ok"}
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                receiver.calls.append((self.path, dict(self.headers.items()), body))
                answer = json.dumps(receiver.answer).encode()
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet in tests
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
