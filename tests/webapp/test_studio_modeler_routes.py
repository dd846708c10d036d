"""The modeler's routes: drafts (with lost-update protection), checks, deploys, new processes,
and moving running cases — all through the real app with the session cookie and CSRF."""

from __future__ import annotations

from sqlalchemy import select

from engine.services import cases
from engine.services import tasks
from engine.store.models import AuditEvent
from engine.store.models import ProcessDraft
from tests import diagrams
from tests.actors import SYSTEM
from tests.conftest import SQLITE_ONLY
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

pytestmark = SQLITE_ONLY  # pages and messages: the database is incidental (tests/conftest.py)

SOURCE = diagrams.linear().decode()
BROKEN = diagrams.linear(condition="approved ==").decode()


def owner_client(app, make_user, name: str = "owner"):
    make_user(name, "process_owner")
    client = app.test_client()
    sign_in(client, name)
    return client, {"X-CSRFToken": csrf(client, "/studio/")}


def test_the_editor_opens_the_live_files_and_a_saved_draft_after_that(app, make_user, deploy) -> None:
    deploy({"linear.bpmn": SOURCE.encode()})
    client, headers = owner_client(app, make_user)
    page = client.get("/studio/two_steps/edit").get_data(as_text=True)
    assert "linear.bpmn" in page and "data-modeler" in page and "approved == True" in page
    edited = SOURCE.replace("Register call", "Register the call")
    saved = client.post(
        "/studio/two_steps/draft", json={"files": {"linear.bpmn": edited}, "revision": 0}, headers=headers
    )
    assert saved.status_code == 200 and saved.get_json()["revision"] == 1
    page = client.get("/studio/two_steps/edit").get_data(as_text=True)
    assert "Register the call" in page and "badge draft" in page
    assert "badge draft" in client.get("/studio/").get_data(as_text=True)


def test_a_draft_saved_over_a_colleagues_newer_save_is_refused_and_named(app, make_user, deploy) -> None:
    deploy({"linear.bpmn": SOURCE.encode()})
    first, first_headers = owner_client(app, make_user, "li")
    second, second_headers = owner_client(app, make_user, "zhao")
    body = {"files": {"linear.bpmn": SOURCE}, "revision": 0}
    assert first.post("/studio/two_steps/draft", json=body, headers=first_headers).status_code == 200
    refused = second.post("/studio/two_steps/draft", json=body, headers=second_headers)
    assert refused.status_code == 409
    assert "li" in refused.get_json()["error"] and "草稿" in refused.get_json()["error"]
    again = second.post("/studio/two_steps/draft", json={**body, "revision": 1}, headers=second_headers)
    assert again.status_code == 200 and again.get_json()["revision"] == 2


def test_json_routes_need_the_csrf_token(app, make_user, deploy) -> None:
    deploy({"linear.bpmn": SOURCE.encode()})
    client, _headers = owner_client(app, make_user)
    body = {"files": {"linear.bpmn": SOURCE}, "revision": 0}
    assert client.post("/studio/two_steps/draft", json=body).status_code == 400
    assert client.post("/studio/two_steps/deploy", json=body).status_code == 400


def test_check_lists_each_problem_with_element_and_line_and_deploy_refuses_then_accepts(
    app, ctx, make_user, deploy
) -> None:
    deploy({"linear.bpmn": SOURCE.encode()})
    client, headers = owner_client(app, make_user)
    client.post("/studio/two_steps/draft", json={"files": {"linear.bpmn": BROKEN}, "revision": 0}, headers=headers)
    checked = client.post("/studio/two_steps/check", json={"files": {"linear.bpmn": BROKEN}}, headers=headers)
    assert checked.status_code == 200
    body = checked.get_json()
    assert body["executable"] is False
    [problem] = [p for p in body["problems"] if p["severity"] == "error"]
    assert (
        problem["element"] == "f_yes"
        and problem["line"]
        == BROKEN.splitlines().index(next(line for line in BROKEN.splitlines() if "approved ==<" in line)) + 1
    )
    refused = client.post("/studio/two_steps/deploy", json={"files": {"linear.bpmn": BROKEN}}, headers=headers)
    assert refused.status_code == 422 and refused.get_json()["problems"][0]["element"] == "f_yes"
    fixed = BROKEN.replace("approved ==<", "approved == False<")
    deployed = client.post("/studio/two_steps/deploy", json={"files": {"linear.bpmn": fixed}}, headers=headers)
    assert deployed.status_code == 201
    assert {"key": "two_steps", "version": 2, "created": True} in deployed.get_json()["deployed"]
    with ctx.uow() as uow:
        assert uow.session.scalar(select(ProcessDraft).where(ProcessDraft.key == "two_steps")) is None


def test_a_new_process_starts_from_a_template_that_deploys_and_runs(app, ctx, make_user) -> None:
    client, headers = owner_client(app, make_user)
    desk = make_user("desk", "service_desk")
    token = headers["X-CSRFToken"]
    bad = client.post("/studio/new", data={"csrf_token": token, "key": "9 lives", "name": "返修登记"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'value="9 lives"' in page and 'value="返修登记"' in page
    assert "流程标识以字母开头" in page
    made = client.post("/studio/new", data={"csrf_token": token, "key": "warranty_claim", "name": "保修索赔 <Claim>"})
    assert made.status_code == 302 and made.headers["Location"].endswith("/studio/warranty_claim/edit")
    again = client.post("/studio/new", data={"csrf_token": token, "key": "warranty_claim", "name": "x"})
    assert again.status_code == 422 and "已存在" in again.get_data(as_text=True)
    assert "warranty_claim" in client.get("/studio/").get_data(as_text=True)
    editor = client.get("/studio/warranty_claim/edit")
    assert editor.status_code == 200
    files = {"warranty_claim.bpmn": _draft_file(ctx, "warranty_claim")}
    assert "&lt;Claim&gt;" in files["warranty_claim.bpmn"]
    assert client.post("/studio/warranty_claim/deploy", json={"files": files}, headers=headers).status_code == 201
    case = cases.start_case(ctx, desk, "warranty_claim", {})
    [task] = [t for t in tasks.list_tasks(ctx, desk) if t.case_id == case.id]
    assert task.bpmn_id == "register"


def _draft_file(ctx, key: str) -> str:
    with ctx.uow() as uow:
        draft = uow.session.get(ProcessDraft, key)
        return str(next(iter(draft.files.values())))


def test_running_cases_are_previewed_and_moved_from_the_migration_page(app, ctx, make_user, deploy) -> None:
    deploy({"linear.bpmn": SOURCE.encode()})
    desk = make_user("desk", "service_desk")
    old = cases.start_case(ctx, desk, "two_steps", {})
    deploy({"linear.bpmn": SOURCE.replace("Register call", "Register the call").encode()})
    client, headers = owner_client(app, make_user)
    listing = client.get("/studio/").get_data(as_text=True)
    assert "/studio/two_steps/migrate?to=2" in listing
    preview = client.get("/studio/two_steps/migrate?to=2").get_data(as_text=True)
    assert f'data-case="{old.id}"' in preview and 'class="movable"' in preview
    row = preview.split(f'data-case="{old.id}">')[1].split("</tr>")[0]
    assert "checked" not in row  # nothing is ticked until the owner chooses
    assert "<td>Register call</td>" in row  # the step the case stands at
    assert 'id="migrate"' in preview and "data-confirm=" in preview.split('id="migrate"')[1].split(">")[0]
    moved = client.post(
        "/studio/two_steps/migrate", data={"csrf_token": headers["X-CSRFToken"], "to": "2", "case": str(old.id)}
    )
    page = moved.get_data(as_text=True)
    assert moved.status_code == 200 and 'class="moved"' in page and "已迁移到第 2 版" in page
    assert cases.get_case(ctx, SYSTEM, old.id).process_version == 2
    [task] = [t for t in tasks.list_tasks(ctx, desk) if t.case_id == old.id]
    assert task.name == "Register the call"
    with ctx.uow() as uow:
        actions = list(uow.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == old.id)))
    assert "case_migrated" in actions
    assert "没有运行在其他版本上的案件" in page


def test_owners_redeploy_scripts_an_administrator_wrote_but_cannot_change_them(app, make_user, deploy) -> None:
    with_script = (
        diagrams.linear()
        .decode()
        .replace(
            '<bpmn:sequenceFlow id="f4" sourceRef="close" targetRef="end_ok"/>',
            '<bpmn:scriptTask id="stamp"><bpmn:script>closed_note = "ok"</bpmn:script></bpmn:scriptTask>'
            '<bpmn:sequenceFlow id="f4" sourceRef="close" targetRef="stamp"/>'
            '<bpmn:sequenceFlow id="f4b" sourceRef="stamp" targetRef="end_ok"/>',
        )
    )
    assert with_script != diagrams.linear().decode()
    deploy({"linear.bpmn": diagrams.linear()})
    client, headers = owner_client(app, make_user)
    refused = client.post("/studio/two_steps/check", json={"files": {"linear.bpmn": with_script}}, headers=headers)
    assert any("administrator" in p["message"] for p in refused.get_json()["problems"])
    deploy({"linear.bpmn": with_script.encode()}, allow_scripts=True)  # an administrator's deployment
    renamed = with_script.replace("Register call", "Register the call")
    accepted = client.post("/studio/two_steps/check", json={"files": {"linear.bpmn": renamed}}, headers=headers)
    assert not [p for p in accepted.get_json()["problems"] if "administrator" in p["message"]]
    changed = renamed.replace('closed_note = "ok"', 'closed_note = "changed"')
    again = client.post("/studio/two_steps/check", json={"files": {"linear.bpmn": changed}}, headers=headers)
    assert any("administrator" in p["message"] for p in again.get_json()["problems"])


def test_a_deploy_that_would_make_an_unconfirmed_callers_version_is_refused_by_the_route(
    app, ctx, make_user, deploy
) -> None:
    from tests.processes.conftest import PROCESSES

    deploy({p.name: p.read_bytes() for p in PROCESSES.iterdir() if p.is_file()}, allow_scripts=True)
    client, headers = owner_client(app, make_user)
    edited = (PROCESSES / "follow_up.bpmn").read_text(encoding="utf-8").replace("due('follow_up_call'", "due('survey'")
    files = {"follow_up.bpmn": edited}
    plan = client.post("/studio/follow_up/check", json={"files": files}, headers=headers).get_json()["plan"]
    assert [(p["key"], p["version"], p["requested"]) for p in plan] == [
        ("follow_up", 2, True),
        ("service_request", 2, False),  # it calls follow_up
    ]
    refused = client.post("/studio/follow_up/deploy", json={"files": files}, headers=headers)
    assert refused.status_code == 409 and "service_request v2" in refused.get_json()["error"]
    confirmed = {"files": files, "confirm": ["service_request"]}
    deployed = client.post("/studio/follow_up/deploy", json=confirmed, headers=headers)
    assert deployed.status_code == 201
    assert {(d["key"], d["version"]) for d in deployed.get_json()["deployed"] if d["created"]} == {
        ("follow_up", 2),
        ("service_request", 2),
    }
