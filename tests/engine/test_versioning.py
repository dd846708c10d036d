"""Deploying versions: immutable, content-addressed, and callers follow what they call."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select

from engine.bpmn.validation import script_hash
from engine.domain.errors import Conflict
from engine.services import processes
from engine.store.models import ProcessVersion
from engine.store.process_versions import check_set
from engine.store.process_versions import store_set
from engine.store.schema import alembic_config
from tests.actors import OWNER
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
    changed = SHIPPED["follow_up.bpmn"].replace(b"due('follow_up_call', now())", b"add_working_days(now(), 1)")
    assert changed != SHIPPED["follow_up.bpmn"]
    checked = processes.validate_upload(ctx, SYSTEM, {"follow_up.bpmn": changed})
    assert [(p.key, p.version, p.requested, p.changed_files) for p in checked.plan] == [
        ("follow_up", 2, True, ("follow_up.bpmn",)),
        ("service_request", 2, False, ("follow_up.bpmn",)),
    ]
    # Uploading follow_up alone never deploys service_request as a side effect: it must be confirmed.
    with pytest.raises(Conflict, match="service_request v2"):
        processes.deploy_files(ctx, SYSTEM, {"follow_up.bpmn": changed})
    assert versions(ctx)["follow_up"] == 1 and versions(ctx)["service_request"] == 1
    deployed = {d.key: d for d in processes.deploy_files(ctx, SYSTEM, {"follow_up.bpmn": changed}, ["service_request"])}
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


def test_a_deploy_checked_before_someone_elses_deploy_of_the_same_process_is_refused(ctx) -> None:
    processes.deploy_files(ctx, SYSTEM, SHIPPED)
    mine = SHIPPED["follow_up.bpmn"].replace(b"due('follow_up_call', now())", b"add_working_days(now(), 1)")
    theirs = SHIPPED["follow_up.bpmn"].replace(b"due('follow_up_call', now())", b"add_working_days(now(), 3)")
    checked = check_set(ctx, {"follow_up.bpmn": mine}, allow_scripts=True)  # built, not yet stored
    processes.deploy_files(ctx, SYSTEM, {"follow_up.bpmn": theirs}, ["service_request"])  # a colleague, meanwhile
    with pytest.raises(Conflict, match="follow_up"):
        store_set(ctx, checked, SYSTEM, confirmed=["service_request"])
    assert versions(ctx)["follow_up"] == 2  # theirs stands; mine was not stored over it


def test_script_hashes_are_stored_and_rebuilt_by_the_migration_for_older_versions(ctx, engine_config) -> None:
    processes.deploy_files(ctx, SYSTEM, SHIPPED)
    with ctx.uow() as uow:
        stored = dict(uow.session.execute(select(ProcessVersion.key, ProcessVersion.script_hashes)).tuples().all())
    script = "repair_attempts = repair_attempts + 1"  # a script of factory_repair.bpmn
    assert script_hash(script) in stored["factory_repair"] and stored["follow_up"] == []
    ctx.dispose()
    config = alembic_config(engine_config.database_url)
    command.downgrade(config, "0009")
    command.upgrade(config, "head")
    with ctx.uow() as uow:
        rebuilt = dict(uow.session.execute(select(ProcessVersion.key, ProcessVersion.script_hashes)).tuples().all())
    assert rebuilt == stored
    # An owner without script rights may still redeploy the shipped set: its scripts are approved.
    assert not any(d.created for d in processes.deploy_files(ctx, OWNER, SHIPPED))
