"""Every route, as every role: the status each one gets, compared with the expected matrix.

The matrix must name every route of the app (a new route fails this test until its row is
added). Requests that change state are sent in a form the allowed roles get refused as
invalid (422), so one case serves the whole walk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from engine.domain.roles import ROLES
from engine.services import case_notes
from engine.services import cases
from engine.services import customer_links
from engine.services import customers
from engine.services import tasks
from engine.services import users
from tests import diagrams
from tests.actors import SYSTEM
from tests.webapp.test_case_notes import PNG
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in
from webapp.public_limits import PublicLimiter

# The HTTP layer, the same on every database: run once (the services behind it run on PostgreSQL
# too, in their own tests).
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

EVERYONE = {role.id for role in ROLES}
STAFF = EVERYONE - {"customer"}
SUPERVISORS = {"dispatcher", "quality_office", "quality_manager", "general_manager", "admin"}
STARTERS = {"service_desk", "quality_office"}
OWNERS = {"process_owner", "admin"}  # the lanes of the test diagram may start it
QUALITY = {"quality_manager", "general_manager", "division_head", "admin"}
ARCHIVE = QUALITY | {"quality_office", "service_desk"}  # the warranty check needs the product archive
KEEPERS = {"service_desk", "sales", "quality_office", "quality_manager", "admin"}  # of customer records
PARTS_READERS = QUALITY | {"warehouse", "quality_office", "finance"}  # the parts ledger

# (method, path template, allowed roles, status when allowed, status when refused [per role])
Row = tuple[str, str, set[str], int, int | dict[str, int]]
WEB: list[Row] = [
    ("GET", "/", EVERYONE, 302, 302),
    ("GET", "/healthz", EVERYONE, 200, 200),
    ("GET", "/tasks/", STAFF, 200, 403),
    ("GET", "/tasks/{task}", {"service_desk"}, 200, 403),
    ("POST", "/tasks/{task}", {"service_desk"}, 422, 403),
    # The task is the service desk's: outside the dispatcher's area (engineers, dispatch).
    ("POST", "/tasks/{task}/reassign", SUPERVISORS - {"dispatcher"}, 302, 403),
    ("POST", "/tasks/{task}/release", SUPERVISORS - {"dispatcher"}, 302, 403),
    ("GET", "/tasks/board", SUPERVISORS, 200, 403),
    ("GET", "/cases/", STAFF, 200, 403),
    ("GET", "/cases/{case}", STAFF, 200, 403),
    ("GET", "/cases/export.{kind}", STAFF, 200, 403),
    ("GET", "/tasks/export.{kind}", STAFF, 200, 403),
    ("GET", "/cases/new", STAFF, 200, 403),
    ("POST", "/cases/{case}/comments", STAFF, 302, 403),
    ("POST", "/cases/{case}/links", STAFF, 302, 403),  # gives the customer one more link
    ("GET", "/cases/{case}/links/{live_link}/qr.png", STAFF, 200, 403),
    (
        "GET",
        "/cases/{case}/forms/{form}.pdf",
        STAFF,
        404,
        403,
    ),  # the test case has nothing to print  # a link nobody withdraws here
    ("POST", "/cases/{case}/links/{link}/withdraw", STAFF, 302, 403),  # withdrawing twice changes nothing
    ("GET", "/c/{link_token}", EVERYONE, 404, 404),  # public: a forged link opens nothing for anyone
    ("GET", "/c/s/{link_token}", EVERYONE, 404, 404),
    ("POST", "/c/{link_token}/complaint", EVERYONE, 404, 404),
    ("GET", "/c/r/{link_token}", EVERYONE, 404, 404),
    ("POST", "/c/r/{link_token}", EVERYONE, 404, 404),
    ("GET", "/quality/products/{serial}/nameplate.png", ARCHIVE, 404, 403),  # SN-1 is not in the archive
    ("GET", "/quality/products/labels", ARCHIVE, 200, 403),  # a label sheet of the archive's first page
    ("POST", "/c/s/{link_token}", EVERYONE, 404, 404),
    ("POST", "/cases/{case}/tasks/{task}/link", STAFF, 403, 403),  # the task is the desk's, not the customer's
    ("POST", "/cases/{case}/attachments", STAFF, 302, 403),
    ("GET", "/cases/{case}/attachments/{attachment}", STAFF, 200, 403),
    ("GET", "/cases/{case}/attachments/{attachment}/preview", STAFF, 200, 403),
    ("GET", "/cases/{case}/audit.json", STAFF, 200, 403),
    ("GET", "/cases/new/{key}", STARTERS, 200, {"customer": 403, "*": 302}),  # staff: back to the list
    ("POST", "/cases/new/{key}", STARTERS, 422, {"customer": 403, "*": 302}),
    ("GET", "/admin/users", {"admin"}, 200, 403),
    ("GET", "/admin/outbox", {"admin"}, 200, 403),
    ("POST", "/admin/outbox/{message}/resend", {"admin"}, 404, 403),  # there is no such message
    ("GET", "/admin/templates", {"admin"}, 200, 403),
    ("GET", "/admin/templates/{template}/{language}", {"admin"}, 200, 403),
    ("POST", "/admin/templates/{template}/{language}", {"admin"}, 422, 403),  # an empty wording
    ("POST", "/admin/templates/{template}/{language}/reset", {"admin"}, 302, 403),  # nothing to reset
    ("GET", "/notifications/", STAFF, 200, 403),
    ("GET", "/notifications/count.json", STAFF, 200, 403),
    ("POST", "/notifications/{notice}/open", STAFF, 404, 403),  # there is no such notification
    ("POST", "/notifications/read", STAFF, 302, 403),
    ("GET", "/settings/service", {"process_owner", "admin"}, 200, 403),
    ("POST", "/settings/service", {"process_owner", "admin"}, 422, 403),
    ("GET", "/settings/fees", {"finance", "admin"}, 200, 403),
    ("GET", "/parts/", PARTS_READERS, 200, 403),
    ("GET", "/parts/{part_no}", PARTS_READERS, 200, 403),
    ("POST", "/settings/fees", {"finance", "admin"}, 422, 403),
    ("POST", "/admin/users/{user}/password", {"admin"}, 422, 403),
    ("GET", "/profile/password", EVERYONE, 200, 200),
    ("POST", "/profile/password", EVERYONE, 422, 422),
    ("POST", "/profile/contact", EVERYONE, 422, 422),
    ("GET", "/admin/users/new", {"admin"}, 200, 403),
    ("POST", "/admin/users/new", {"admin"}, 422, 403),
    ("GET", "/admin/users/{user}", {"admin"}, 200, 403),
    ("POST", "/admin/users/{user}", {"admin"}, 422, 403),
    ("GET", "/studio/", OWNERS, 200, 403),
    ("POST", "/studio/upload", OWNERS, 422, 403),  # no files: the problem is listed
    ("GET", "/studio/{key}/{version}/{file}", OWNERS, 200, 403),
    ("GET", "/studio/{key}/compare", OWNERS, 422, 403),  # no versions chosen
    ("GET", "/studio/{key}/edit", OWNERS, 200, 403),
    ("POST", "/studio/{key}/draft", OWNERS, 422, 403),  # no files
    ("POST", "/studio/{key}/draft/discard", OWNERS, 302, 403),  # there is no draft
    ("POST", "/studio/{key}/check", OWNERS, 422, 403),
    ("POST", "/studio/{key}/deploy", OWNERS, 422, 403),
    ("GET", "/studio/new", OWNERS, 200, 403),
    ("POST", "/studio/new", OWNERS, 422, 403),  # a key that is not one
    ("GET", "/studio/{key}/migrate", OWNERS, 422, 403),  # no target version
    ("POST", "/studio/{key}/migrate", OWNERS, 422, 403),
    ("GET", "/quality/", QUALITY, 200, 403),
    ("GET", "/quality/cases", QUALITY, 200, 403),
    ("GET", "/quality/workbook.xlsx", QUALITY, 200, 403),
    ("GET", "/quality/approvals", QUALITY, 200, 403),
    ("GET", "/quality/breaches", QUALITY, 200, 403),
    ("GET", "/quality/waiting", QUALITY, 200, 403),
    ("GET", "/quality/products", ARCHIVE, 200, 403),
    ("POST", "/quality/products", {"quality_manager", "admin"}, 422, 403),  # no file
    ("GET", "/quality/products/{serial}", ARCHIVE, 200, 403),
    ("GET", "/quality/customers/{customer}", ARCHIVE, 200, 403),
    ("GET", "/customers/", STAFF, 200, 403),
    ("GET", "/customers/lookup.json", STAFF, 200, 403),
    ("GET", "/customers/visits", STAFF, 200, 403),
    ("POST", "/customers/import", KEEPERS, 422, 403),  # no file
    ("GET", "/customers/new", KEEPERS, 200, 403),
    ("POST", "/customers/new", KEEPERS, 422, 403),
    ("GET", "/customers/{customer_id}", STAFF, 200, 403),
    ("GET", "/customers/{customer_id}/edit", KEEPERS, 200, 403),
    ("POST", "/customers/{customer_id}/edit", KEEPERS, 422, 403),
    ("POST", "/customers/{customer_id}/{part}", KEEPERS, 422, 403),  # nothing filled in
    ("POST", "/customers/{customer_id}/{part}/{part_id}/remove", KEEPERS, 404, 403),  # no such contact
    ("GET", "/quality/breaches.{kind}", QUALITY, 200, 403),
    ("GET", "/quality/approvals.csv", QUALITY, 200, 403),
    ("GET", "/quality/approvals.xlsx", QUALITY, 200, 403),
    ("GET", "/admin/forms", {"admin"}, 200, 403),
    ("GET", "/admin/forms/{form}", {"admin"}, 200, 403),
    ("POST", "/admin/forms/{form}", {"admin"}, 422, 403),  # a template with a loop
    ("POST", "/admin/forms/{form}/reset", {"admin"}, 302, 403),  # nothing changed: nothing to reset
    ("GET", "/profile", EVERYONE, 200, 200),
    ("POST", "/profile", EVERYONE, 200, 200),
    ("GET", "/auth/login", EVERYONE, 200, 200),
]
API: list[Row] = [
    ("GET", "/api/v1/openapi.json", EVERYONE, 200, 200),
    ("GET", "/api/v1/processes", STAFF, 200, 403),
    ("POST", "/api/v1/processes", OWNERS, 422, 403),  # no files: nothing to deploy
    ("POST", "/api/v1/processes/validate", OWNERS, 200, 403),
    ("GET", "/api/v1/cases", STAFF, 200, 403),
    ("POST", "/api/v1/cases", STARTERS, 422, 403),
    ("GET", "/api/v1/cases/{case}", STAFF, 200, 403),
    ("GET", "/api/v1/cases/{case}/audit", STAFF, 200, 403),
    ("GET", "/api/v1/tasks", STAFF, 200, 403),
    ("POST", "/api/v1/tasks/{task}/complete", {"service_desk"}, 422, 403),
]
# Covered elsewhere, with their own state changes: sign-out, language, claim and release.
ELSEWHERE = {
    ("POST", "/auth/login"),
    ("POST", "/auth/logout"),
    ("POST", "/lang"),
    ("POST", "/tasks/{task}/claim"),
    ("POST", "/profile/tokens/{token}/revoke"),  # owner, admin and a stranger: tests/webapp/test_accounts.py
    ("POST", "/tasks/{task}/unclaim"),
    ("POST", "/api/v1/tasks/{task}/claim"),
    ("POST", "/api/v1/tasks/{task}/unclaim"),
    ("GET", "/static/{filename}"),
}
INVALID: dict[str, dict[str, Any]] = {
    "/tasks/{task}": {"action": "complete", "customer": ""},
    "/tasks/{task}/reassign": {"assignee": "nobody"},
    "/tasks/{task}/release": {},  # nobody holds it: releasing changes nothing
    "/cases/new/{key}": {"smuggled": "x"},
    "/profile": {"name": "matrix"},
    "/profile/password": {"current": "wrong", "new": "x", "repeated": "y"},
    "/profile/contact": {"email": "not an address"},
    "/admin/users/{user}/password": {"new": "x", "repeated": "y"},
    "/studio/upload": {"action": "deploy"},
    "/studio/{key}/draft": {},
    "/studio/{key}/draft/discard": {},
    "/studio/{key}/check": {},
    "/studio/{key}/deploy": {},
    "/studio/new": {"key": "1 bad", "name": "x"},
    "/studio/{key}/migrate": {},
    "/quality/products": {},
    "/customers/import": {},
    "/customers/new": {"code": "", "name": "x", "class": "key"},
    "/customers/{customer_id}/edit": {"code": "", "name": "x", "class": "key"},
    "/customers/{customer_id}/{part}": {},
    "/customers/{customer_id}/{part}/{part_id}/remove": {},
    "/cases/{case}/comments": {"comment": ""},  # empty: refused as invalid, nothing stored
    "/cases/{case}/attachments": {},  # no file
    "/cases/{case}/links": {},
    "/admin/outbox/{message}/resend": {},
    "/admin/templates/{template}/{language}": {"action": "save", "subject": "", "body": ""},
    "/admin/templates/{template}/{language}/reset": {},
    "/notifications/{notice}/open": {},
    "/notifications/read": {},
    "/c/s/{link_token}": {},
    "/c/{link_token}/complaint": {"complaint_text": "x"},
    "/c/r/{link_token}": {},
    "/cases/{case}/tasks/{task}/link": {},
    "/cases/{case}/links/{link}/withdraw": {},
    "/admin/users/new": {"username": "x y"},
    "/settings/service": {"note": ""},
    "/settings/fees": {"note": ""},
    "/admin/users/{user}": {"roles": []},
    "/admin/forms/{form}": {"action": "save", "source": "{% for x in form %}{% endfor %}"},
    "/admin/forms/{form}/reset": {},
}


def _template(rule: str) -> str:
    names = {
        "int:task_id": "task",
        "int:case_id": "case",
        "int:user_id": "user",
        "int:attachment_id": "attachment",
        "int:token_id": "token",
        "int:version": "version",
        "path:filename": "filename",
        "filename": "file",
        "any(csv, xlsx):kind": "kind",
        "serial": "serial",
        "path:customer": "customer",
        "path:part_no": "part_no",
        "int:link_id": "link",
        "int:message_id": "message",
        "int:notice_id": "notice",
        "int:customer_id": "customer_id",
        "any(site, contact, agreement):part": "part",
        "int:part_id": "part_id",
        "form_key": "form",
        "template_key": "template",
        "language": "language",
        "token": "link_token",
    }
    for name, placeholder in {**names, "key": "key"}.items():
        rule = rule.replace(f"<{name}>", f"{{{placeholder}}}")
    return rule


def test_the_matrix_names_every_route(app) -> None:
    routes = {
        (method, _template(rule.rule))
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    # {live_link}: a second link of the case, which no row withdraws (the QR code of a live link)
    listed = {(method, path.replace("{live_link}", "{link}")) for method, path, *_ in WEB + API} | ELSEWHERE
    assert routes == listed


@pytest.fixture
def world(ctx, make_user, deploy):
    deploy({"linear.bpmn": diagrams.linear()})
    people = {role.id: make_user(f"u_{role.id}", role.id) for role in ROLES}
    case = cases.start_case(ctx, people["service_desk"], "two_steps", {})
    task = tasks.list_tasks(ctx, people["service_desk"])[0]
    attachment = case_notes.add_attachment(ctx, people["service_desk"], case.id, "photo.png", PNG)
    values = {"case": case.id, "task": task.id, "user": people["engineer"].user_id, "key": "two_steps"}
    values.update(attachment=attachment, version=1, file="linear.bpmn", kind="csv", serial="SN-1", customer="东方机械")
    values.update(part_no="SEAL-01")
    link = customer_links.issue_tracking_link(ctx, people["service_desk"], case.id)
    values.update(link=link.id, link_token=link.token[:-4] + "AAAA", message=999, notice=999)  # its signature altered
    values.update(template="task_landed", language="en")
    customer_id = customers.save_customer(ctx, SYSTEM, None, {"code": "C1", "name": "东方机械", "class": "key"})
    values.update(customer_id=customer_id, part="contact", part_id=999, form="service_report")
    values.update(live_link=customer_links.issue_tracking_link(ctx, people["service_desk"], case.id).id)
    tokens = {role: users.create_token(ctx, SYSTEM, f"u_{role}", "matrix") for role in people}
    return values, tokens


def walk(rows: list[Row], send: Callable[[str, str, str], int]) -> dict[tuple[str, str, str], tuple[int, int]]:
    """Every row as every role; returns the cells where (seen, expected) differ."""
    wrong = {}
    for role in sorted(EVERYONE):
        for method, template, allowed, ok, refused in rows:
            want = ok if role in allowed else refused if isinstance(refused, int) else refused.get(role, refused["*"])
            seen = send(role, method, template)
            if seen != want:
                wrong[(role, method, template)] = (seen, want)
    return wrong


@SQLITE_ONLY
def test_every_page_as_every_role(app, world) -> None:
    values, _tokens = world
    sessions: dict[str, tuple[Any, str]] = {}
    # Every role walks from one address: the public routes' refusal limit would answer 429
    # after ten forged links or sixty requests (those limits have their own test).
    app.extensions["public_limiter"] = PublicLimiter(max_requests=10_000, max_refusals=10_000)

    def send(role: str, method: str, template: str) -> int:
        if role not in sessions:
            client = app.test_client()
            sign_in(client, f"u_{role}")
            sessions[role] = (client, csrf(client, "/profile"))
        client, token = sessions[role]
        path = template.format(**values)
        if method == "GET":
            return int(client.get(path).status_code)
        return int(client.post(path, data={"csrf_token": token, **INVALID[template]}).status_code)

    assert walk(WEB, send) == {}


@SQLITE_ONLY
def test_every_api_route_as_every_role(app, world) -> None:
    values, tokens = world
    client = app.test_client()

    def send(role: str, method: str, template: str) -> int:
        headers, path = {"Authorization": f"Bearer {tokens[role]}"}, template.format(**values)
        if method == "GET":
            return int(client.get(path, headers=headers).status_code)
        body = {"process": "two_steps", "data": {"smuggled": 1}} if "cases" in path else {"data": {}}
        return int(client.post(path, headers=headers, json=body).status_code)

    assert walk(API, send) == {}
