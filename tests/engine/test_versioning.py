"""Deploying versions: immutable, content-addressed, and callers follow what they call."""

from __future__ import annotations

from sqlalchemy import select

from engine.services import processes
from engine.store.models import ProcessVersion
from tests.actors import SYSTEM
from tests.processes.conftest import PROCESSES

SHIPPED = {p.name: p.read_bytes() for p in sorted(PROCESSES.iterdir()) if p.suffix in (".bpmn", ".dmn")}


def versions(ctx) -> dict[str, int]:
    with ctx.uow() as uow:
        rows = uow.session.execute(select(ProcessVersion.key, ProcessVersion.version))
        latest: dict[str, int] = {}
        for key, version in rows:
            latest[key] = max(version, latest.get(key, 0))
        return latest


def test_the_same_set_twice_deploys_nothing_new(ctx) -> None:
    first = processes.deploy_files(ctx, SYSTEM, SHIPPED)
    again = processes.deploy_files(ctx, SYSTEM, SHIPPED)
    assert all(d.created for d in first) and not any(d.created for d in again)
    assert set(versions(ctx).values()) == {1}


def test_one_changed_called_process_gives_every_caller_a_new_version(ctx) -> None:
    processes.deploy_files(ctx, SYSTEM, SHIPPED)
    changed = SHIPPED["follow_up.bpmn"].replace(b"add_working_days(now(), 2)", b"add_working_days(now(), 1)")
    assert changed != SHIPPED["follow_up.bpmn"]
    deployed = {d.key: d for d in processes.deploy_files(ctx, SYSTEM, {"follow_up.bpmn": changed})}
    assert deployed["follow_up"].created and deployed["follow_up"].version == 2
    # service_request calls follow_up: new cases must run the new follow-up, so it has a new version too.
    assert deployed["service_request"].created and deployed["service_request"].version == 2
    assert versions(ctx)["onsite_repair"] == 1  # does not call follow_up
    with ctx.uow() as uow:
        sources = uow.session.scalar(
            select(ProcessVersion.sources).where(ProcessVersion.key == "service_request", ProcessVersion.version == 2)
        )
    assert sources["follow_up.bpmn"] == changed.decode()
    assert sources["onsite_repair.bpmn"] == SHIPPED["onsite_repair.bpmn"].decode()
