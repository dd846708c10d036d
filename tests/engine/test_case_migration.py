"""Moving running cases to a new version: preview, apply, refusal, audit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from engine.domain.errors import NotAllowed
from engine.services import inbox
from engine.services import migration
from engine.services import processes
from engine.services import tasks
from engine.store.audit_trail import verify_case
from engine.store.models import AuditEvent
from engine.store.models import Case
from tests.actors import SYSTEM
from tests.processes.conftest import PROCESSES
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import to_solution

PREPARE_TO_SERVICE = '<bpmn:sequenceFlow id="f_prepare__service" sourceRef="prepare" targetRef="service"/>'
SAFETY_CHECK = (
    '<bpmn:userTask id="safety_check" name="安全交底 Safety briefing" camunda:candidateGroups="engineer">'
    '<bpmn:extensionElements><camunda:formData><camunda:formField id="briefed" label="已完成安全交底" type="boolean"/>'
    "</camunda:formData></bpmn:extensionElements></bpmn:userTask>"
    '<bpmn:sequenceFlow id="f_prepare__service" sourceRef="prepare" targetRef="safety_check"/>'
    '<bpmn:sequenceFlow id="f_safety__service" sourceRef="safety_check" targetRef="service"/>'
)


@pytest.fixture
def owner(make_user):
    return make_user("owner", "process_owner")


def deploy_set(ctx, changes: Callable[[str], str]) -> None:
    """Deploy the shipped set with onsite_repair.bpmn changed by ``changes``."""
    files = {p.name: p.read_bytes() for p in sorted(PROCESSES.iterdir()) if p.suffix in (".bpmn", ".dmn")}
    text = files["onsite_repair.bpmn"].decode()
    changed = changes(text)
    assert changed != text
    files["onsite_repair.bpmn"] = changed.encode()
    deployed = {d.key: d for d in processes.deploy_files(ctx, SYSTEM, files)}
    assert deployed["service_request"].version == 2 and deployed["service_request"].created


def at_prepare(start_case):
    case = start_case("service_request")
    to_solution(case, "onsite")
    case.do("dispatcher", "dispatch", {"engineer": "wang", "distance_km": 120})
    assert case.open() == ["prepare"]
    return case


def stored(ctx, case_id: int) -> tuple:
    with ctx.uow() as uow:
        row = uow.session.get(Case, case_id)
        events = uow.session.scalar(
            select(AuditEvent.seq).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq.desc()).limit(1)
        )
        return bytes(row.state), row.process_version_id, row.lock_version, events


def test_a_case_moves_to_a_new_step_and_finishes_on_the_new_path(ctx, staff, start, owner) -> None:  # noqa: F811
    case = at_prepare(start)
    deploy_set(ctx, lambda text: text.replace(PREPARE_TO_SERVICE, SAFETY_CHECK))
    preview = migration.preview_migration(ctx, owner, "service_request", 2)
    assert [(m.number, m.from_version, m.possible) for m in preview.cases] == [(case.info.number, 1, True)]

    results = migration.migrate_cases(ctx, owner, "service_request", 2, [case.id])
    assert [(r.moved, r.reason) for r in results] == [(True, None)]
    assert case.info.process_version == 2
    case.do("engineer_wang", "prepare", {"plan_confirmed": True})
    assert case.open() == ["safety_check"]
    case.do("engineer", "safety_check", {"briefed": True})
    assert case.open() == ["service"]

    with ctx.uow() as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == "case_migrated")
        ).one()
        assert event.actor == "owner"
        assert (event.data["from_version"], event.data["to_version"]) == (1, 2)
        assert verify_case(uow.session, uow.session.get(Case, case.id)).ok


def test_a_case_that_reached_a_removed_step_is_refused_and_left_as_it_was(ctx, staff, start, owner) -> None:  # noqa: F811
    waiting = at_prepare(start)
    earlier = start("service_request")
    to_solution(earlier, "onsite")  # at dispatch: has not reached prepare
    # The new version drops "prepare": dispatch leads straight to the on-site service.
    deploy_set(
        ctx,
        lambda text: (
            text.replace('<bpmn:sequenceFlow id="f_dispatch__prepare" sourceRef="dispatch" targetRef="prepare"/>', "")
            .replace(
                PREPARE_TO_SERVICE,
                '<bpmn:sequenceFlow id="f_dispatch__prepare" sourceRef="dispatch" targetRef="service"/>',
            )
            .replace("<bpmn:flowNodeRef>prepare</bpmn:flowNodeRef>", "")
            .replace(text[text.index('<bpmn:userTask id="prepare"') : text.index('<bpmn:userTask id="service"')], "")
        ),
    )
    preview = {m.case_id: m for m in migration.preview_migration(ctx, owner, "service_request", 2).cases}
    assert preview[earlier.id].possible
    blocked = preview[waiting.id]
    assert not blocked.possible
    assert "prepare" in blocked.blockers[0] and "no longer has" in blocked.blockers[0]

    before = stored(ctx, waiting.id)
    results = {
        r.case_id: r for r in migration.migrate_cases(ctx, owner, "service_request", 2, [waiting.id, earlier.id])
    }
    assert not results[waiting.id].moved and "prepare" in str(results[waiting.id].reason)
    assert results[earlier.id].moved
    assert stored(ctx, waiting.id) == before  # state, version, lock and audit trail untouched
    assert waiting.open() == ["prepare"]
    earlier.do("dispatcher", "dispatch", {"engineer": "wang", "distance_km": 120})
    assert earlier.open() == ["service"]


def test_a_changed_open_step_gets_its_new_form_and_keeps_its_holder_and_draft(ctx, staff, start, owner) -> None:  # noqa: F811
    case = at_prepare(start)
    item = case.task("engineer_wang", "prepare")
    inbox.save_draft(ctx, staff["engineer_wang"], item.id, {"parts_slip": "JJ-7"})
    deploy_set(
        ctx,
        lambda text: text.replace(
            '<camunda:formField id="parts_slip" label="借件单号（ERP-A/S）" type="string">',
            '<camunda:formField id="tools_packed" label="工具已备齐" type="boolean"/>'
            '<camunda:formField id="parts_slip" label="借件单号（ERP-A/S）" type="string">',
        ),
    )
    [move] = migration.preview_migration(ctx, owner, "service_request", 2).cases
    assert move.possible and move.reset == ["出发准备"]
    assert migration.migrate_cases(ctx, owner, "service_request", 2, [case.id])[0].moved

    new_item = case.task("engineer_wang", "prepare")
    assert new_item.id == item.id
    assert [f["id"] for f in new_item.form["fields"]] == [
        "plan_confirmed",
        "tools_packed",
        "parts_slip",
        "parts_issued",
    ]
    assert new_item.assignee == "wang"
    assert tasks.task_page(ctx, staff["engineer_wang"], new_item.id).draft == {"parts_slip": "JJ-7"}
    case.do("engineer_wang", "prepare", {"plan_confirmed": True, "tools_packed": True})
    assert case.open() == ["service"]


def test_a_move_that_fails_in_its_trial_run_is_refused(ctx, staff, start, owner) -> None:  # noqa: F811
    case = at_prepare(start)
    deploy_set(
        ctx,
        lambda text: text.replace(
            '<bpmn:userTask id="prepare" name="出发准备" camunda:candidateGroups="engineer"',
            '<bpmn:userTask id="prepare" name="出发准备" camunda:candidateGroups="engineer"'
            ' camunda:dueDate="add_hours(now(), no_such_field)"',
        ),
    )
    before = stored(ctx, case.id)
    [move] = migration.preview_migration(ctx, owner, "service_request", 2).cases
    assert not move.possible and "trial run" in move.blockers[0] and "no_such_field" in move.blockers[0]
    [result] = migration.migrate_cases(ctx, owner, "service_request", 2, [case.id])
    assert not result.moved
    assert stored(ctx, case.id) == before


def test_only_process_owners_migrate(ctx, staff, start) -> None:  # noqa: F811
    case = at_prepare(start)
    with pytest.raises(NotAllowed):
        migration.preview_migration(ctx, staff["quality_office"], "service_request", 1)
    with pytest.raises(NotAllowed):
        migration.migrate_cases(ctx, staff["dispatcher"], "service_request", 1, [case.id])
