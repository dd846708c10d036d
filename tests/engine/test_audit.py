"""Each case's audit events form a hash chain; any edit to a row is detected."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from engine.services import audit
from engine.services import cases
from engine.services import tasks
from engine.store.audit_trail import verify_cases
from engine.store.models import AuditEvent
from engine.store.models import ProcessVersion
from engine.store.models import User
from tests import diagrams
from tests.actors import SYSTEM

AUDIT_CHAIN = Path(__file__).resolve().parents[2] / "engine" / "domain" / "audit_chain.py"


@pytest.fixture
def finished_case(ctx, deploy, make_user):
    desk, office = make_user("desk", "service_desk"), make_user("qo", "quality_office")
    deploy({"linear.bpmn": diagrams.linear()})
    case = cases.start_case(ctx, desk, "two_steps", {})
    tasks.complete_task(ctx, desk, tasks.list_tasks(ctx, desk)[0].id, {"customer": "A"})
    tasks.complete_task(ctx, office, tasks.list_tasks(ctx, office)[0].id, {"approved": "yes", "amount": "800"})
    return case


def test_the_trail_records_who_did_what_on_which_version(ctx, finished_case) -> None:
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


# Every column but the surrogate key ``id``: a new value that is valid for the column.
EDITS = {
    "case_id": None,  # moved to another case: filled in by the test
    "seq": "seq + 100",
    "at": "'2026-01-01 00:00:00'",
    "actor_id": None,  # another user: filled in by the test
    "actor": "'someone'",
    "roles": "'[\"admin\"]'",
    "action": "'task_claimed'",
    "task_id": "'00000000-0000-0000-0000-000000000000'",
    "bpmn_id": "'close'",
    "task_name": "'Close'",
    "data": '\'{"approved": false, "amount": "800"}\'',
    "process_version_id": None,  # another version: filled in by the test
    "process_sha256": "'" + "1" * 64 + "'",
    "prev_hash": "'" + "2" * 64 + "'",
    "hash": "'" + "3" * 64 + "'",
}


def test_the_edits_cover_every_column_of_the_audit_table() -> None:
    assert set(EDITS) == {column.name for column in AuditEvent.__table__.columns} - {"id"}


@pytest.mark.parametrize("column", sorted(EDITS))
def test_editing_any_column_of_a_row_breaks_the_chain(ctx, finished_case, deploy, make_user, column) -> None:
    other_case = cases.start_case(ctx, make_user("desk2", "service_desk"), "two_steps", {})
    deploy({"linear.bpmn": diagrams.linear(condition="approved == False")})
    with ctx.uow() as uow:
        assert all(report.ok for report in verify_cases(uow.session))
        target = uow.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "task_completed", AuditEvent.bpmn_id == "decide")
        )
        seq, target_id = target.seq, target.id
        replacements = {
            "case_id": str(other_case.id),
            "actor_id": str(uow.session.scalar(select(User.id).where(User.username == "desk2"))),
            "process_version_id": str(uow.session.scalar(select(ProcessVersion.id).where(ProcessVersion.version == 2))),
        }
    value = EDITS[column] or replacements[column]
    with ctx.uow(write=True) as uow:
        uow.session.execute(text(f"UPDATE audit_events SET {column} = {value} WHERE id = :id"), {"id": target_id})
        uow.commit()
    with ctx.uow() as uow:
        reports = {report.case_number: report for report in verify_cases(uow.session)}
    assert not reports[finished_case.number].ok
    if column not in ("case_id", "seq"):  # those two break the chain where the event went missing
        assert reports[finished_case.number].broken_seq == seq


def test_cutting_the_last_events_off_is_detected(ctx, finished_case) -> None:
    with ctx.uow(write=True) as uow:
        last = uow.session.scalar(select(func.max(AuditEvent.seq)))
        uow.session.execute(text("DELETE FROM audit_events WHERE seq = :seq"), {"seq": last})
        uow.commit()
    with ctx.uow() as uow:
        report = verify_cases(uow.session)[0]
    assert not report.ok and report.broken_seq == last


def test_an_exported_trail_verifies_offline_with_the_standard_library_only(ctx, finished_case, tmp_path) -> None:
    document = audit.export_trail(ctx, SYSTEM, finished_case.number)
    path = tmp_path / "trail.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    # -I -S: no site-packages, no environment: exactly what an auditor's bare Python has.
    command = [sys.executable, "-I", "-S", str(AUDIT_CHAIN), str(path)]
    ok = subprocess.run(command, capture_output=True, text=True)
    assert ok.returncode == 0 and "chain verified" in ok.stdout
    document["events"][2]["data"] = {"forged": True}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    forged = subprocess.run(command, capture_output=True, text=True)
    assert forged.returncode == 1 and "BROKEN" in forged.stderr and "event 3" in forged.stderr


def test_deleting_a_row_breaks_the_chain(ctx, finished_case) -> None:
    with ctx.uow(write=True) as uow:
        uow.session.execute(text("DELETE FROM audit_events WHERE seq = 2"))
        uow.commit()
    with ctx.uow() as uow:
        report = verify_cases(uow.session)[0]
    assert (report.ok, report.broken_seq) == (False, 3)
