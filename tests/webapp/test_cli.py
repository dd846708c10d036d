"""The ``aftercare`` command, run as an operator would."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import text

from engine.services import cases
from engine.services import users
from engine.store.context import EngineContext
from tests import diagrams
from tests.webapp.test_pages import sign_in
from webapp.cli import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(app):
    runner = CliRunner()

    def _run(*args: str):
        return runner.invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app), catch_exceptions=False)

    return _run


def test_init_db_is_repeatable_and_warns_about_missing_holiday_years(run) -> None:
    first, second = run("init-db"), run("init-db")
    assert first.exit_code == second.exit_code == 0
    assert "0 roles added" in second.output


def test_load_processes_is_idempotent(run) -> None:
    assert "service_request version 1 deployed" in run("load-processes", str(ROOT / "processes")).output
    assert "service_request version 1 unchanged" in run("load-processes", str(ROOT / "processes")).output


def test_load_processes_lists_every_problem_and_fails(run, tmp_path) -> None:
    (tmp_path / "bad.bpmn").write_bytes(diagrams.linear(condition="amount >"))
    result = run("load-processes", str(tmp_path))
    assert result.exit_code == 1
    assert "element f_yes" in result.output and "line" in result.output


def test_create_user_and_token(run, ctx: EngineContext) -> None:
    assert run("create-user", "li", "--role", "engineer", "--role", "tech_support", "--password", "pw").exit_code == 0
    token = run("create-token", "li").output.strip().splitlines()[-1]
    actor = users.actor_for_token(ctx, token)
    assert actor is not None and actor.roles == {"engineer", "tech_support"}
    assert run("create-user", "li", "--role", "engineer").exit_code == 1
    assert "unknown role" in run("create-user", "zz", "--role", "astronaut").output


def test_verify_audit_names_the_first_broken_link(run, ctx, deploy, make_user) -> None:
    desk = make_user("desk", "service_desk")
    deploy({"linear.bpmn": diagrams.linear()})
    case = cases.start_case(ctx, desk, "two_steps", {})
    good = run("verify-audit")
    assert good.exit_code == 0 and "1 of 1 case chains verified" in good.output
    with ctx.uow(write=True) as uow:
        uow.session.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2"))
        uow.commit()
    bad = run("verify-audit", case.number)
    assert bad.exit_code == 1
    assert f"BROKEN {case.number} at event 2" in bad.output


def test_worker_once_fires_due_timers(run, ctx, deploy, make_user) -> None:
    office = make_user("qo", "quality_office")
    deploy({"esc.bpmn": diagrams.timer_escalation()})
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        cases.start_case(ctx, office, "escalating", {})
    with time_machine.travel(datetime(2026, 3, 4, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        assert "fired timers in 1 case(s)" in run("worker", "--once").output
        assert "fired timers in 0 case(s)" in run("worker", "--once").output


def test_an_exported_trail_is_verified_from_the_file_and_a_forged_one_refused(
    run, app, ctx, deploy, make_user, tmp_path
) -> None:
    deploy({"linear.bpmn": diagrams.linear()})
    case = cases.start_case(ctx, make_user("desk", "service_desk"), "two_steps", {})
    path = tmp_path / "trail.json"
    assert run("export-audit", case.number, "-o", str(path)).exit_code == 0
    assert run("verify-audit-file", str(path)).exit_code == 0
    client = app.test_client()
    sign_in(client, "desk")
    download = client.get(f"/cases/{case.id}/audit.json")
    assert download.status_code == 200 and download.get_json() == json.loads(path.read_text(encoding="utf-8"))
    forged = download.get_json()
    forged["events"][0]["actor"] = "someone else"
    path.write_text(json.dumps(forged), encoding="utf-8")
    assert run("verify-audit-file", str(path)).exit_code == 1


def test_import_products_lists_every_bad_row_and_imports_nothing_then_a_good_file(run, tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("serial_number,model,category,customer\nA-1,M,rented,C\nA-2,,own,C\n", encoding="utf-8")
    refused = run("import-products", str(bad))
    assert refused.exit_code == 1
    assert "row 2, category" in refused.output and "row 3, model: required" in refused.output
    good = tmp_path / "good.csv"
    good.write_text("serial_number,model,category,customer\nA-1,M,own,C\nA-2,M,agent,C\n", encoding="utf-8")
    imported = run("import-products", str(good))
    assert imported.exit_code == 0 and "2 products imported" in imported.output
