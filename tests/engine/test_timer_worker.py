"""The timer worker survives poison cases, lost races and a lost database connection (class 5).

Faults are injected where the worker meets them: a case whose stored state is corrupt (a real
poison case in the database), and — wrapping our own functions — a lost race on one case and a
database connection dropped on another, then a pass whose query fails as a whole.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from engine.domain.errors import Conflict
from engine.services import cases
from engine.services import timers
from engine.store.case_writer import CaseWriter
from tests import diagrams
from tests.actors import SYSTEM

SHANGHAI = ZoneInfo("Asia/Shanghai")
STARTED = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
DUE = datetime(2026, 3, 4, 9, 0, tzinfo=SHANGHAI)  # every escalation timer is due by then
LEASE = timedelta(minutes=3)  # past the 120-second lease a failed claim leaves behind


@pytest.fixture
def due_cases(ctx, deploy, make_user) -> list[int]:
    office = make_user("qo", "quality_office")
    make_user("qm", "quality_manager")
    deploy({"esc.bpmn": diagrams.timer_escalation()})
    with time_machine.travel(STARTED, tick=False):
        return [cases.start_case(ctx, office, "escalating", {}).id for _ in range(6)]


def test_the_worker_fires_the_healthy_timers_and_fails_the_poison_case_with_its_reason(
    ctx, due_cases, monkeypatch: pytest.MonkeyPatch
) -> None:
    poison, racing, disconnected, *healthy = due_cases
    with ctx.uow(write=True) as uow:
        uow.connection.execute(
            text("UPDATE cases SET state = :junk WHERE id = :id"), {"junk": b"\x00junk", "id": poison}
        )
        uow.commit()
    ctx.live_workflows.clear()  # as another process would: the corrupt state must be read

    real_write, real_claim = CaseWriter.write, timers.claim
    raced, dropped = [], []

    def write_losing_one_race(self: CaseWriter) -> list[tuple[int, str]]:
        if self.case_id == racing and not raced:
            raced.append(1)
            raise Conflict("someone acted on the case meanwhile")
        return real_write(self)

    def claim_dropping_one_connection(ctx_, actor, case_id, now):  # noqa: ANN001
        if case_id == disconnected and not dropped:
            dropped.append(1)
            raise OperationalError("UPDATE cases …", {}, Exception("server closed the connection unexpectedly"))
        return real_claim(ctx_, actor, case_id, now)

    monkeypatch.setattr(CaseWriter, "write", write_losing_one_race)
    monkeypatch.setattr(timers, "claim", claim_dropping_one_connection)
    worker = timers.TimerWorker(ctx)
    fired = []
    for attempt in range(timers.MAX_ATTEMPTS):
        with time_machine.travel(DUE + attempt * LEASE, tick=False):
            fired.append(worker.run_pass())
    assert fired[0] == len(healthy)  # the first pass fired every healthy case despite the rest
    assert sum(fired) == len(healthy) + 2  # the raced and the disconnected case, on a later pass
    states = {case_id: cases.get_case(ctx, SYSTEM, case_id) for case_id in due_cases}
    assert all(
        states[c].next_timer_at is None and states[c].status == "running" for c in [racing, disconnected, *healthy]
    )
    assert states[poison].status == "error"
    assert f"failed {timers.MAX_ATTEMPTS} times" in (states[poison].error_message or "")
    with time_machine.travel(DUE + 5 * LEASE, tick=False):
        assert worker.run_pass() == 0  # the poison case no longer comes back


def test_a_pass_that_fails_as_a_whole_is_logged_and_retried_with_growing_waits(
    ctx, due_cases, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = timers.due_case_ids
    outages = [1, 1, 1]

    def database_away_three_times(*args):  # noqa: ANN002
        if outages:
            outages.pop()
            raise OperationalError("SELECT cases …", {}, Exception("could not connect to server"))
        return real(*args)

    monkeypatch.setattr(timers, "due_case_ids", database_away_three_times)
    waits: list[float] = []
    with time_machine.travel(DUE, tick=False):
        timers.TimerWorker(ctx).run_forever(interval=15, passes=4, sleep=waits.append)
    assert waits == [1.0, 2.0, 4.0, 15]  # backing off while away, the normal interval once back
    assert all(cases.get_case(ctx, SYSTEM, c).next_timer_at is None for c in due_cases)


def test_the_supervisor_restarts_a_worker_that_dies(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from webapp import cli

    monkeypatch.setattr(cli.time, "sleep", lambda _seconds: None)
    marker = tmp_path / "runs"
    script = (
        f"import pathlib, sys; p = pathlib.Path({str(marker)!r}); "
        "p.write_text(p.read_text() + 'x' if p.exists() else 'x'); sys.exit(0 if len(p.read_text()) >= 3 else 1)"
    )
    cli.supervise([sys.executable, "-c", script], restarts=5)
    assert marker.read_text() == "xxx"  # died twice, restarted each time, then ended cleanly


def test_on_postgresql_a_killed_connection_is_waited_out_and_the_timers_fire(ctx, due_cases) -> None:
    if ctx.db.dialect.name != "postgresql":
        pytest.skip("PostgreSQL terminates backends; SQLite has no server connection to kill")
    worker = timers.TimerWorker(ctx)
    admin = ctx.db.connect()  # held: the warm-up below gets a connection of its own
    with ctx.uow() as uow:  # the pool now holds a connection the worker will reuse
        uow.connection.execute(text("SELECT 1"))
    killed = admin.execute(
        text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    ).scalars()
    assert any(killed)
    admin.close()
    waits: list[float] = []
    with time_machine.travel(DUE, tick=False):
        worker.run_forever(interval=15, passes=3, sleep=waits.append)
    assert all(cases.get_case(ctx, SYSTEM, c).next_timer_at is None for c in due_cases)
    assert waits == [1.0, 15, 15]  # one failed pass, then the normal interval once the database answered
