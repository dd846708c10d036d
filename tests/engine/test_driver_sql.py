"""The fast write path (engine/store/driver_sql.py) never stores NULL where the models promise a default."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import insert

from engine.services import cases
from engine.services import tasks
from engine.store import case_writer
from engine.store import driver_sql
from engine.store import notifications
from engine.store.db import table_of
from engine.store.driver_sql import Prepared
from engine.store.models import AuditEvent
from engine.store.models import Case
from engine.store.models import Notification
from engine.store.models import WorkItem
from tests import diagrams


def test_an_insert_that_leaves_out_a_column_with_a_python_default_is_refused(ctx: Any) -> None:
    statement = Prepared(insert(table_of(WorkItem)))
    with ctx.uow(write=True) as uow, pytest.raises(TypeError, match="created_at"):
        statement.execute(uow.connection, {"case_id": 1, "task_id": "t", "bpmn_id": "b", "name": "n"})


def test_every_insert_of_a_case_action_names_each_column_of_its_model(
    ctx: Any, deploy: Any, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start a case and complete its task with a fresh statement cache, recording every INSERT."""
    written: list[tuple[str, tuple[str, ...]]] = []
    check = driver_sql._refuse_skipped_defaults

    def recording(statement: Any, keys: tuple[str, ...]) -> None:
        written.append((statement.table.name, keys))
        check(statement, keys)

    monkeypatch.setattr(driver_sql, "_refuse_skipped_defaults", recording)
    for module in (cases, tasks, case_writer, notifications):
        for value in vars(module).values():
            if isinstance(value, Prepared):
                monkeypatch.setattr(value, "_compiled", {})
    deploy({"two_steps.bpmn": diagrams.linear()})
    desk = make_user("desk", "service_desk")
    started = cases.start_case(ctx, desk, "two_steps", {})
    task = tasks.list_tasks(ctx, desk)[0]
    tasks.complete_task(ctx, desk, task.id, {"customer": "东方机械"})
    tables = {table for table, _keys in written}
    assert started.id and tables == {"cases", "work_items", "audit_events", "notifications"}
    for model in (Case, WorkItem, AuditEvent, Notification):
        table = table_of(model)
        columns = {column.name for column in table.columns}
        defaulted = {c.name for c in table.columns if c.default is not None and not c.primary_key}
        for name, keys in written:
            if name == table.name:
                assert set(keys) <= columns, f"{name}: unknown {set(keys) - columns}"
                assert defaulted <= set(keys), f"{name}: leaves out {defaulted - set(keys)}"
