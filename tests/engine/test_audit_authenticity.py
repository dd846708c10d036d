"""The audit trail proves who wrote it, not only that it is consistent (hardening class 12).

Each test plays someone who can write the database but not read the audit key file: they edit
an event and recompute every hash and the head, edit case data, delete a whole case, or forge
an exported trail. Each is detected; the genuine trail still verifies, offline too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy import text

from engine.domain.audit_chain import GENESIS
from engine.domain.audit_chain import chain_hash
from engine.domain.audit_chain import event_content
from engine.services import audit
from engine.services import cases
from engine.services import tasks
from engine.services import users
from engine.store.models import AuditEvent
from engine.store.models import Case
from tests import diagrams
from tests.actors import SYSTEM

AUDIT_CHAIN = Path(__file__).resolve().parents[2] / "engine" / "domain" / "audit_chain.py"


@pytest.fixture
def two_cases(ctx, deploy, make_user) -> list[cases.CaseInfo]:
    desk, office = make_user("desk", "service_desk"), make_user("qo", "quality_office")
    deploy({"linear.bpmn": diagrams.linear()})
    found = []
    for customer in ("东方机械", "南山办公"):
        case = cases.start_case(ctx, desk, "two_steps", {})
        item = next(t for t in tasks.list_tasks(ctx, desk) if t.case_id == case.id)
        tasks.complete_task(ctx, desk, item.id, {"customer": customer})
        found.append(case)
    decide = next(t for t in tasks.list_tasks(ctx, office) if t.case_id == found[0].id)
    tasks.complete_task(ctx, office, decide.id, {"approved": True, "amount": "800"})
    return found


def reports(ctx) -> dict[str, bool]:
    return {report.case_number: report.ok for report in audit.verify_all(ctx, SYSTEM)}


def recompute_chain(ctx, case_id: int) -> None:
    """What an attacker with database access does after an edit: rehash every event and the head."""
    with ctx.uow(write=True) as uow:
        session = uow.session
        case = session.get_one(Case, case_id)
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)))
        previous = GENESIS
        for event in events:
            event.prev_hash = previous
            event.hash = previous = chain_hash(previous, event_content(case.number, event))
        case.audit_head = previous
        uow.commit()


def test_genuine_trails_verify_with_their_seals(ctx, two_cases) -> None:
    assert reports(ctx) == {case.number: True for case in two_cases}
    assert audit.checkpoint_problems(ctx, SYSTEM) == []


def test_an_edit_with_every_hash_recomputed_is_caught_by_the_seal(ctx, two_cases) -> None:
    victim = two_cases[0]
    with ctx.uow(write=True) as uow:
        uow.session.execute(
            text("UPDATE audit_events SET data = :data WHERE case_id = :id AND action = 'task_completed' AND seq = 3"),
            {"data": json.dumps({"approved": True, "amount": "80"}), "id": victim.id},
        )
        uow.commit()
    recompute_chain(ctx, victim.id)
    assert reports(ctx) == {two_cases[0].number: False, two_cases[1].number: True}


def test_edited_case_data_is_caught_by_the_seal(ctx, two_cases) -> None:
    with ctx.uow(write=True) as uow:
        uow.session.execute(
            text("UPDATE cases SET data = :data WHERE id = :id"), {"data": '{"customer": "X"}', "id": two_cases[1].id}
        )
        uow.commit()
    assert reports(ctx) == {two_cases[0].number: True, two_cases[1].number: False}


def test_a_removed_seal_is_caught(ctx, two_cases) -> None:
    with ctx.uow(write=True) as uow:
        uow.session.execute(text("UPDATE cases SET audit_seal = NULL WHERE id = :id"), {"id": two_cases[0].id})
        uow.commit()
    assert not reports(ctx)[two_cases[0].number]


def test_a_deleted_case_is_missing_from_the_newest_checkpoint(ctx, two_cases) -> None:
    assert audit.write_checkpoint(ctx, SYSTEM) == 2
    gone = two_cases[1]
    with ctx.uow(write=True) as uow:
        for table in ("audit_events", "work_items"):
            uow.session.execute(text(f"DELETE FROM {table} WHERE case_id = :id"), {"id": gone.id})
        uow.session.execute(text("DELETE FROM cases WHERE id = :id"), {"id": gone.id})
        uow.commit()
    assert reports(ctx) == {two_cases[0].number: True}  # what is left is consistent and sealed
    problems = audit.checkpoint_problems(ctx, SYSTEM)
    assert len(problems) == 1 and gone.number in problems[0] and "not in the database" in problems[0]


def test_a_case_rolled_back_to_an_earlier_state_contradicts_the_checkpoint(ctx, two_cases) -> None:
    audit.write_checkpoint(ctx, SYSTEM)
    first = two_cases[0]
    with ctx.uow(write=True) as uow:
        uow.session.execute(text("DELETE FROM audit_events WHERE case_id = :id AND seq > 2"), {"id": first.id})
        uow.commit()
    problems = audit.checkpoint_problems(ctx, SYSTEM)
    assert any(first.number in problem and "the checkpoint saw" in problem for problem in problems)


def test_an_edited_checkpoint_file_is_caught(ctx, engine_config, two_cases) -> None:
    audit.write_checkpoint(ctx, SYSTEM)
    path = engine_config.audit_checkpoints_file
    line = json.loads(path.read_text(encoding="utf-8"))
    del line["cases"][two_cases[1].number]  # hide a case before deleting it
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert audit.checkpoint_problems(ctx, SYSTEM) == ["checkpoint 1 is not sealed by an audit key"]


def test_a_forged_export_fails_offline_with_the_key_and_a_genuine_one_passes(
    ctx, engine_config, two_cases, tmp_path
) -> None:
    document = audit.export_trail(ctx, SYSTEM, two_cases[0].number)
    trail = tmp_path / "trail.json"
    key = str(engine_config.audit_keys_file)
    command = [sys.executable, "-I", "-S", str(AUDIT_CHAIN), str(trail), "--key", key]
    trail.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    genuine = subprocess.run(command, capture_output=True, text=True)
    assert genuine.returncode == 0 and "chain and seal verified" in genuine.stdout
    # Forge: change a decision and recompute the whole chain, as a fabricated export would.
    document["events"][2]["data"] = {"approved": True, "amount": "80"}
    previous = GENESIS
    for event in document["events"]:
        event["prev_hash"] = previous
        event["hash"] = previous = chain_hash(previous, event_content(document["case"], event))
    document["head"]["hash"] = previous
    trail.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    without_key = subprocess.run(command[:-2], capture_output=True, text=True)
    assert without_key.returncode == 0 and "seal not checked" in without_key.stdout  # consistent, unproven
    forged = subprocess.run(command, capture_output=True, text=True)
    assert forged.returncode == 1 and "seal does not match" in forged.stderr


def test_rotating_the_key_keeps_older_seals_verifiable(ctx, engine_config, two_cases) -> None:
    assert audit.rotate_key(ctx, SYSTEM) == "k2"
    office = users.authenticate(ctx, "qo", "correct horse")
    assert office is not None
    decide = next(t for t in tasks.list_tasks(ctx, office) if t.case_id == two_cases[1].id)
    tasks.complete_task(ctx, office, decide.id, {"approved": False})  # sealed with the new key
    with ctx.uow() as uow:
        seals = dict(uow.session.execute(select(Case.id, Case.audit_seal)).tuples().all())
    assert seals[two_cases[0].id].startswith("k1:") and seals[two_cases[1].id].startswith("k2:")
    assert all(reports(ctx).values())
