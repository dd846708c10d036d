"""Process code that could stall, exhaust or crash the server runs in a bounded worker process.

Hardening classes 1-3: an exception outside ``Exception``, a single long C call, and building
huge values. The same corpus runs through the worker pool directly and through a deployed
diagram over HTTP, while the health check keeps answering within a second.
"""

from __future__ import annotations

import pickle
import threading
import time
from dataclasses import replace
from datetime import UTC
from datetime import datetime

import pytest

from engine.bpmn import sandbox
from engine.bpmn.sandbox_process import Job
from engine.bpmn.sandbox_process import Limits
from engine.bpmn.sandbox_process import SandboxPool
from engine.bpmn.sandbox_process import _AnswerReader
from engine.domain.errors import SandboxViolation
from engine.domain.service_settings import SHIPPED_SETTINGS
from engine.domain.working_calendar import WorkingCalendar
from engine.services import cases
from engine.services import users
from tests import diagrams
from tests.actors import SYSTEM

LIMITS = Limits(cpu_seconds=0.5, wall_seconds=1.5, memory_bytes=512 * 1024 * 1024)

# (source, what the refusal says): each one a class of the probe's findings.
HOSTILE = {
    "base_exception_via_mro": ("(x for x in [1]).throw(KeyError.mro()[-2])", "BaseException"),
    "str_of_a_huge_nested_list": ("len(str([[[0] * 1000] * 1000] * 100))", "limit"),
    "long_c_factorial": ("math.factorial(3000000)", "time limit"),
    "long_c_product": ("math.prod(range(1, 200000))", "time limit"),
    "join_amplification": ("'x'.join(['y' * 1000000] * 900)", "memory limit"),
    "replace_amplification": ("('y' * 1000000).replace('y', 'y' * 1000)", "memory limit"),
    "not_plain_data": ("(x for x in [1])", "not plain data"),
}


@pytest.fixture(scope="module")
def pool():
    workers = SandboxPool(LIMITS)
    yield workers
    workers.close()


def job(source: str, data: dict | None = None) -> Job:
    return Job("eval", source, data or {}, {}, WorkingCalendar(), SHIPPED_SETTINGS, datetime.now(UTC))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_code_comes_back_as_a_sandbox_error_within_the_wall_limit(pool, name: str) -> None:
    source, says = HOSTILE[name]
    started = time.monotonic()
    try:
        pool.run(job(source))
    except SandboxViolation as err:
        assert says is None or says in str(err)
    else:
        assert says is None, f"{name} was not refused"
    assert time.monotonic() - started < LIMITS.wall_seconds + 1.0
    assert pool.run(job("amount + 1", {"amount": 41})) == 42  # the pool goes on working


def test_an_answer_may_hold_only_plain_data() -> None:
    import os

    forged = pickle.dumps(("ok", os.system))
    with pytest.raises(SandboxViolation, match="not plain data"):
        _AnswerReader(__import__("io").BytesIO(forged)).load()


def test_scripts_return_their_data_and_helpers_read_the_servers_clock(pool) -> None:
    moment = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    source = "total = qty * 3\nwhen = add_days(now(), 1)"
    script = Job("exec", source, {"qty": 4}, {}, WorkingCalendar(), SHIPPED_SETTINGS, moment)
    assert pool.run(script) == {"qty": 4, "total": 12, "when": datetime(2026, 3, 3, 1, 0, tzinfo=UTC)}


BOUNDED = [
    "approved == True",
    "amount > 5000 and kind in ('refund', 'exchange')",
    "not passed or inspections >= 3",
    "add_working_hours(now(), 4)",
    "add_working_days(now(), deadline_working_days)",
    "len(parts) > 0",
    "items[0] if items else None",
]
UNBOUNDED = [
    "math.factorial(n)",
    "str(parts)",
    "'x' * n",
    "2 ** n",
    "[p for p in parts]",
    "sum(prices)",
    "'a' * 2000",
    "9" * 30,
    "text.replace('a', 'b')",
    "items[1:]",
    "f'{amount}'",
    "_secret",
]


@pytest.mark.parametrize("source", BOUNDED)
def test_conditions_and_due_dates_of_bounded_cost_run_in_the_server(source: str) -> None:
    assert sandbox.is_bounded(source)


@pytest.mark.parametrize("source", UNBOUNDED)
def test_everything_else_runs_in_a_worker(source: str) -> None:
    assert not sandbox.is_bounded(source)


@pytest.mark.parametrize("name", ["base_exception_via_mro", "long_c_factorial", "join_amplification"])
def test_a_hostile_condition_in_a_deployed_diagram_fails_its_case_while_the_server_answers(
    name: str, engine_config, deploy, make_user
) -> None:
    """Over HTTP: the completion answers 422 naming the gateway; /healthz answers within 1 s all along."""
    from webapp import create_app

    source, says = HOSTILE[name]
    config = replace(engine_config, script_cpu_seconds=0.5, script_wall_seconds=1.5)
    app = create_app({"ENGINE_CONFIG": config, "TESTING": True, "SECRET_KEY": "x" * 32})
    ctx = app.extensions["aftercare"]
    try:
        deploy({"hostile.bpmn": diagrams.linear("hostile", condition=source)})
        desk = make_user("desk", "service_desk")
        make_user("qo", "quality_office")
        case = cases.start_case(ctx, desk, "hostile", {})
        token = users.create_token(ctx, SYSTEM, "desk")
        client = app.test_client()
        auth = {"Authorization": f"Bearer {token}"}
        register = client.get("/api/v1/tasks", headers=auth).get_json()["tasks"][0]["id"]
        client.post(f"/api/v1/tasks/{register}/complete", json={"data": {"customer": "东方机械"}}, headers=auth)
        office_auth = {"Authorization": f"Bearer {users.create_token(ctx, SYSTEM, 'qo')}"}
        decide = client.get("/api/v1/tasks", headers=office_auth).get_json()["tasks"][0]["id"]

        waits: list[float] = []
        done = threading.Event()

        def watch() -> None:
            watcher = app.test_client()
            while not done.is_set():
                started = time.monotonic()
                assert watcher.get("/healthz").status_code == 200
                waits.append(time.monotonic() - started)
                time.sleep(0.05)

        thread = threading.Thread(target=watch)
        thread.start()
        try:
            answer = client.post(
                f"/api/v1/tasks/{decide}/complete", json={"data": {"approved": True}}, headers=office_auth
            )
        finally:
            done.set()
            thread.join(5)
        assert answer.status_code == 422
        assert answer.get_json()["element"] == "gw" and says in answer.get_json()["error"]
        assert cases.get_case(ctx, SYSTEM, case.id).status == "error"
        assert waits and max(waits) < 1.0
    finally:
        ctx.dispose()
