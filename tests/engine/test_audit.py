"""Each case's audit events form a hash chain; any edit to a row is detected."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy import text

from engine.models import AuditEvent
from engine.services import audit
from engine.services import cases
from engine.services import tasks
from tests import diagrams


@pytest.fixture
def finished_case(ctx, deploy, make_user):  # type: ignore[no-untyped-def]
    desk, office = make_user("desk", "service_desk"), make_user("qo", "quality_office")
    deploy({"linear.bpmn": diagrams.linear()})
    case = cases.start_case(ctx, desk, "two_steps", {})
    tasks.complete_task(ctx, desk, tasks.list_tasks(ctx, desk)[0].id, {"customer": "A"})
    tasks.complete_task(ctx, office, tasks.list_tasks(ctx, office)[0].id, {"approved": "yes", "amount": "800"})
    return case


def test_the_trail_records_who_did_what_on_which_version(ctx, finished_case) -> None:  # type: ignore[no-untyped-def]
    with ctx.uow() as uow:
        events = list(
            uow.session.scalars(
                select(AuditEvent).where(AuditEvent.case_id == finished_case.id).order_by(AuditEvent.seq)
            )
        )
        actions = [e.action for e in events]
        assert actions[0] == "case_started"
        completed = [e for e in events if e.action == "task_completed"]
        assert [(e.actor, e.bpmn_id) for e in completed] == [("desk", "register"), ("qo", "decide")]
        assert completed[1].data == {"approved": True, "amount": "800"}
        assert completed[1].roles == ["quality_office"]
        assert len({e.process_sha256 for e in events}) == 1
        assert [e.seq for e in events] == list(range(1, len(events) + 1))


@pytest.mark.parametrize(
    "column, value",
    [
        ("data", '\'{"approved": false, "amount": "800"}\''),
        ("actor", "'someone'"),
        ("at", "'2026-01-01 00:00:00'"),
        ("bpmn_id", "'close'"),
    ],
)
def test_editing_any_column_of_a_row_breaks_the_chain(ctx, finished_case, column, value) -> None:  # type: ignore[no-untyped-def]
    with ctx.uow() as uow:
        assert audit.verify_cases(uow.session)[0].ok
        target = uow.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "task_completed", AuditEvent.bpmn_id == "decide")
        )
        seq, target_id = target.seq, target.id
    with ctx.uow(write=True) as uow:
        uow.session.execute(text(f"UPDATE audit_events SET {column} = {value} WHERE id = :id"), {"id": target_id})
        uow.commit()
    with ctx.uow() as uow:
        report = audit.verify_cases(uow.session)[0]
    assert not report.ok and report.broken_seq == seq


def test_deleting_a_row_breaks_the_chain(ctx, finished_case) -> None:  # type: ignore[no-untyped-def]
    with ctx.uow(write=True) as uow:
        uow.session.execute(text("DELETE FROM audit_events WHERE seq = 2"))
        uow.commit()
    with ctx.uow() as uow:
        report = audit.verify_cases(uow.session)[0]
    assert (report.ok, report.broken_seq) == (False, 3)
