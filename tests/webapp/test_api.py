"""The JSON API through the Flask test client: every route, every error status."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from engine.services import users
from tests import diagrams
from tests.actors import SYSTEM


@pytest.fixture
def api(app, ctx, make_user, deploy):
    """A client per role: ``api["desk"].get(...)`` sends that user's bearer token."""
    deploy({"linear.bpmn": diagrams.linear()})
    people = {
        "desk": ("desk1", "service_desk"),
        "desk2": ("desk2", "service_desk"),
        "quality": ("qo1", "quality_office"),
        "engineer": ("eng1", "engineer"),
        "customer": ("cust1", "customer"),
    }
    clients = {}
    for key, (name, role) in people.items():
        make_user(name, role)
        clients[key] = Client(app.test_client(), users.create_token(ctx, SYSTEM, name))
    return clients


class Client:
    def __init__(self, client, token: str) -> None:
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **kwargs):
        return self.client.get(path, headers=self.headers, **kwargs)

    def post(self, path: str, **kwargs):
        return self.client.post(path, headers=self.headers, **kwargs)


def start(api, customer: str = "东方机械"):
    response = api["desk"].post("/api/v1/cases", json={"process": "two_steps", "data": {"channel": "phone"}})
    assert response.status_code == 201, response.json
    case = response.json
    task = case["tasks"][0]
    done = api["desk"].post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"customer": customer}})
    assert done.status_code == 200, done.json
    return done.json


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nope", "Basic abc"])
def test_requests_without_a_valid_token_get_401(app, api, header) -> None:
    headers = {"Authorization": header} if header else {}
    response = app.test_client().get("/api/v1/tasks", headers=headers)
    assert response.status_code == 401
    assert "bearer token" in response.json["error"]


def test_processes_lists_what_the_caller_may_start(api) -> None:
    listed = api["desk"].get("/api/v1/processes").json["processes"]
    assert [(p["key"], p["version"]) for p in listed] == [("two_steps", 1)]
    assert listed[0]["start_form"]["fields"][0]["id"] == "channel"
    assert api["engineer"].get("/api/v1/processes").json == {"processes": []}
    assert api["customer"].get("/api/v1/processes").status_code == 403


def test_starting_a_case(api) -> None:
    response = api["desk"].post("/api/v1/cases", json={"process": "two_steps", "data": {"channel": "phone"}})
    assert response.status_code == 201
    body = response.json
    assert body["number"].startswith("TS-") and body["status"] == "running" and body["version"] == 1
    assert [t["bpmn_id"] for t in body["tasks"]] == ["register"]
    assert body["events"][0]["action"] == "case_started"


@pytest.mark.parametrize(
    "who, payload, status, field",
    [
        ("desk", {"data": {}}, 422, "process"),
        ("desk", {"process": "two_steps", "data": {"bogus": 1}}, 422, "bogus"),
        ("desk", {"process": "two_steps", "data": []}, 422, "data"),
        ("desk", {"process": "nothing_here"}, 404, None),
        ("engineer", {"process": "two_steps"}, 403, None),
    ],
)
def test_starting_a_case_refuses_bad_requests(api, who, payload, status, field) -> None:
    response = api[who].post("/api/v1/cases", json=payload)
    assert response.status_code == status
    assert response.json["error"]
    if field:
        assert field in response.json["errors"]


def test_a_body_that_is_not_json_is_refused(api) -> None:
    response = api["desk"].post("/api/v1/cases", data="process=two_steps", content_type="text/plain")
    assert response.status_code == 422 and "body" in response.json["errors"]


def test_case_list_filters_searches_and_pages(api) -> None:
    first = start(api, "东方机械")
    start(api, "南山办公")
    every = api["quality"].get("/api/v1/cases").json
    assert every["total"] == 2 and [c["id"] for c in every["cases"]][-1] == first["id"]
    found = api["quality"].get("/api/v1/cases", query_string={"q": "东方"}).json
    assert [c["id"] for c in found["cases"]] == [first["id"]]
    by_number = api["quality"].get("/api/v1/cases", query_string={"q": first["number"]}).json
    assert by_number["total"] == 1
    assert api["quality"].get("/api/v1/cases", query_string={"status": "completed"}).json["total"] == 0
    assert api["quality"].get("/api/v1/cases", query_string={"process": "two_steps", "page": 2}).json["cases"] == []
    assert api["quality"].get("/api/v1/cases", query_string={"status": "lost"}).status_code == 422
    assert api["quality"].get("/api/v1/cases", query_string={"page": "x"}).status_code == 422
    assert api["customer"].get("/api/v1/cases").status_code == 403


def test_case_detail_and_audit(app, api, ctx) -> None:
    case = start(api)
    detail = api["quality"].get(f"/api/v1/cases/{case['id']}").json
    assert detail["data"]["customer"] == "东方机械"
    assert [t["bpmn_id"] for t in detail["tasks"]] == ["decide"]
    trail = api["quality"].get(f"/api/v1/cases/{case['id']}/audit").json
    assert trail["verified"] is True
    assert [e["action"] for e in trail["events"]][:3] == ["case_started", "task_opened", "task_completed"]
    with ctx.uow(write=True) as uow:
        uow.session.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 3"))
        uow.commit()
    assert api["quality"].get(f"/api/v1/cases/{case['id']}/audit").json["verified"] is False
    assert api["quality"].get("/api/v1/cases/999").status_code == 404
    assert api["customer"].get(f"/api/v1/cases/{case['id']}").status_code == 403


def test_task_lists(api) -> None:
    start(api)
    available = api["quality"].get("/api/v1/tasks").json["tasks"]
    assert [t["bpmn_id"] for t in available] == ["decide"]
    assert set(available[0]) == {
        "id",
        "case_id",
        "case_number",
        "name",
        "bpmn_id",
        "roles",
        "assignee",
        "due_at",
        "form",
    }
    assert api["quality"].get("/api/v1/tasks", query_string={"scope": "mine"}).json["tasks"] == []
    assert api["engineer"].get("/api/v1/tasks").json["tasks"] == []
    assert api["quality"].get("/api/v1/tasks", query_string={"scope": "all"}).status_code == 422


def test_claim_unclaim_and_complete(api) -> None:
    created = api["desk"].post("/api/v1/cases", json={"process": "two_steps", "data": {}}).json
    task_id = created["tasks"][0]["id"]
    claimed = api["desk"].post(f"/api/v1/tasks/{task_id}/claim")
    assert claimed.status_code == 200 and claimed.json["assignee"] == "desk1"
    assert api["desk2"].post(f"/api/v1/tasks/{task_id}/claim").status_code == 409
    assert api["engineer"].post(f"/api/v1/tasks/{task_id}/claim").status_code == 409
    assert api["desk2"].post(f"/api/v1/tasks/{task_id}/unclaim").status_code == 403
    assert api["desk2"].post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"customer": "A"}}).status_code == 403
    assert api["desk"].post(f"/api/v1/tasks/{task_id}/unclaim").json["assignee"] is None
    invalid = api["desk"].post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"customer": ""}})
    assert invalid.status_code == 422 and invalid.json["errors"] == {"customer": "this field is required"}
    done = api["desk"].post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"customer": "A"}})
    assert done.status_code == 200 and [t["bpmn_id"] for t in done.json["tasks"]] == ["decide"]
    again = api["desk2"].post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"customer": "B"}})
    assert again.status_code == 409 and "already completed by desk1" in again.json["error"]
    assert api["desk"].post("/api/v1/tasks/999/complete", json={"data": {}}).status_code == 404
    assert api["engineer"].post(f"/api/v1/tasks/{task_id}/claim").status_code == 409


def test_a_role_outside_the_task_cannot_claim_an_open_task(api) -> None:
    case = start(api)
    task_id = case["tasks"][0]["id"]
    assert api["engineer"].post(f"/api/v1/tasks/{task_id}/claim").status_code == 403


def test_the_openapi_document_is_public_and_lists_every_route(app) -> None:
    document = app.test_client().get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    api_rules = {
        rule.rule.replace("<int:", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and not rule.rule.endswith("openapi.json")
    }
    assert api_rules == set(document["paths"])


def test_inputs_schemathesis_found(app, api) -> None:
    """Each of these once slipped through or crashed (found by tests/webapp/test_api_schema.py)."""
    assert api["quality"].get("/api/v1/cases", query_string={"status": ""}).status_code == 422
    assert api["quality"].get("/api/v1/cases", query_string={"process": "\x00"}).status_code == 422
    nul_body = api["desk"].post("/api/v1/cases", json={"process": "\x00"})
    assert nul_body.status_code == 422 and "NUL" in nul_body.json["errors"]["body"]
    assert api["quality"].get("/api/v1/cases", query_string={"page": "461168601842738792"}).status_code == 422
    huge = api["quality"].get("/api/v1/cases/2147483648")
    assert huge.status_code == 404 and huge.is_json
    unknown = api["quality"].get("/api/v1/nowhere")
    assert unknown.status_code == 404 and unknown.is_json
    wrong_method = app.test_client().delete("/api/v1/cases")
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["Allow"] and wrong_method.is_json
