"""Process owners' pipeline: validate and deploy .bpmn/.dmn files over the API."""

from __future__ import annotations

import io

import pytest

from engine.services import users
from tests import diagrams
from tests.actors import SYSTEM


@pytest.fixture
def owner(app, make_user):
    ctx = app.extensions["aftercare"]
    make_user("owner", "process_owner")
    make_user("root", "admin")
    return {
        "owner": {"Authorization": f"Bearer {users.create_token(ctx, SYSTEM, 'owner')}"},
        "root": {"Authorization": f"Bearer {users.create_token(ctx, SYSTEM, 'root')}"},
    }


def upload(*files: tuple[str, bytes]) -> dict[str, list[tuple[io.BytesIO, str]]]:
    return {"files": [(io.BytesIO(content), name) for name, content in files]}


def test_validation_lists_every_problem_with_element_and_line(app, owner) -> None:
    broken = diagrams.linear(condition="approved ==").replace(b'name="service_desk"', b'name="nobody"')
    response = app.test_client().post(
        "/api/v1/processes/validate", headers=owner["owner"], data=upload(("l.bpmn", broken))
    )
    body = response.get_json()
    assert response.status_code == 200 and body["executable"] is False
    elements = {(p["element"], p["severity"]) for p in body["problems"]}
    assert ("f_yes", "error") in elements  # the broken condition
    assert all(p["line"] for p in body["problems"] if p["element"] == "f_yes")
    assert any("nobody" in p["message"] for p in body["problems"])  # the unknown role
    good = app.test_client().post(
        "/api/v1/processes/validate", headers=owner["owner"], data=upload(("l.bpmn", diagrams.linear()))
    )
    assert good.get_json() == {
        "problems": [],
        "executable": True,
        "plan": [
            {"key": "two_steps", "name": "two_steps", "version": 1, "requested": True, "changed_files": ["l.bpmn"]}
        ],
    }


def test_deploy_creates_a_version_and_refuses_problems_with_422(app, owner) -> None:
    client = app.test_client()
    created = client.post("/api/v1/processes", headers=owner["owner"], data=upload(("l.bpmn", diagrams.linear())))
    assert (
        created.status_code == 201 and created.get_json()["key"] == "two_steps" and created.get_json()["version"] == 1
    )
    changed = diagrams.linear(condition="approved == False")
    second = client.post("/api/v1/processes", headers=owner["owner"], data=upload(("l.bpmn", changed)))
    assert second.get_json()["version"] == 2
    bad = client.post("/api/v1/processes", headers=owner["owner"], data=upload(("l.bpmn", b"<not xml")))
    assert bad.status_code == 422 and bad.get_json()["problems"][0]["file"] == "l.bpmn"
    other = client.post("/api/v1/processes", headers=owner["owner"], data=upload(("notes.txt", b"hello")))
    assert other.status_code == 422


def test_script_tasks_only_from_admins(app, owner) -> None:
    script = diagrams.script_process("scripted", "x = 1")
    client = app.test_client()
    refused = client.post("/api/v1/processes", headers=owner["owner"], data=upload(("s.bpmn", script)))
    assert refused.status_code == 422 and "administrator" in refused.get_json()["problems"][0]["message"]
    assert client.post("/api/v1/processes", headers=owner["root"], data=upload(("s.bpmn", script))).status_code == 201
