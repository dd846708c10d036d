"""Staff pages through the Flask test client, with real CSRF tokens and sessions."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.services import cases
from engine.store.models import User
from tests import diagrams
from tests.conftest import SQLITE_ONLY

# About pages and sign-in, not the database: their queries run on PostgreSQL in tests/engine.
pytestmark = SQLITE_ONLY

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@pytest.fixture
def staff(ctx, make_user, deploy):
    deploy({"linear.bpmn": diagrams.linear()})
    people = {"desk": make_user("desk1", "service_desk"), "quality": make_user("qo1", "quality_office")}
    case = cases.start_case(ctx, people["desk"], "two_steps", {"channel": "phone"})
    return people, case


def csrf(client, path: str = "/auth/login") -> str:
    match = TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def sign_in(client, username: str, password: str = "correct horse"):
    token = csrf(client)
    return client.post("/auth/login", data={"username": username, "password": password, "csrf_token": token})


def test_pages_need_a_signed_in_user(app) -> None:
    response = app.test_client().get("/tasks/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert app.test_client().get("/").headers["Location"].endswith("/tasks/")


def test_passwords_are_stored_hashed(ctx, staff) -> None:
    with ctx.uow() as uow:
        stored = uow.session.scalar(select(User.password_hash).where(User.username == "desk1"))
    assert stored.startswith("scrypt:") and "correct horse" not in stored


def test_sign_in_and_out(app, staff) -> None:
    client = app.test_client()
    response = sign_in(client, "desk1")
    assert response.status_code == 302 and response.headers["Location"].endswith("/tasks/")
    inbox = client.get("/tasks/").get_data(as_text=True)
    assert "Register call" in inbox and "待办" in inbox  # Chinese by default
    client.post("/auth/logout", data={"csrf_token": csrf(client, "/tasks/")})
    assert client.get("/tasks/").status_code == 302


def test_wrong_password_is_refused_and_guessing_is_slowed(app, staff) -> None:
    client = app.test_client()
    wrong = sign_in(client, "desk1", "nope")
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.get_data(as_text=True)
    for _ in range(4):
        sign_in(client, "desk1", "nope")
    blocked = sign_in(client, "desk1", "correct horse")
    assert blocked.status_code == 429


def test_forms_without_a_csrf_token_are_refused(app, staff) -> None:
    response = app.test_client().post("/auth/login", data={"username": "desk1", "password": "correct horse"})
    assert response.status_code == 400


def test_inbox_shows_the_tasks_of_my_roles(app, staff) -> None:
    client = app.test_client()
    sign_in(client, "qo1")
    page = client.get("/tasks/").get_data(as_text=True)
    assert 'id="task-count">0<' in page and "Register call" not in page


def test_a_form_with_errors_comes_back_with_what_was_typed(app, staff) -> None:
    people, case = staff
    client = app.test_client()
    sign_in(client, "desk1")
    task_id = re.search(r'href="/tasks/(\d+)"', client.get("/tasks/").get_data(as_text=True)).group(1)
    token = csrf(client, f"/tasks/{task_id}")
    response = client.post(f"/tasks/{task_id}", data={"csrf_token": token, "customer": "   "})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-customer"' in page and "请更正" in page
    response = client.post(f"/tasks/{task_id}", data={"csrf_token": token, "customer": "东方机械"})
    assert response.status_code == 302
    assert "任务已完成" in client.get("/tasks/").get_data(as_text=True)


def test_typed_values_survive_a_failed_submission(app, ctx, staff) -> None:
    people, case = staff
    client = app.test_client()
    sign_in(client, "desk1")
    task_id = re.search(r'href="/tasks/(\d+)"', client.get("/tasks/").get_data(as_text=True)).group(1)
    token = csrf(client, f"/tasks/{task_id}")
    client.post(f"/tasks/{task_id}", data={"csrf_token": token, "customer": "A"})
    sign_in(client, "qo1")
    decide = re.search(r'href="/tasks/(\d+)"', client.get("/tasks/").get_data(as_text=True)).group(1)
    token = csrf(client, f"/tasks/{decide}")
    response = client.post(f"/tasks/{decide}", data={"csrf_token": token, "approved": "true", "amount": "-3"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="-3"' in page and 'name="approved" value="true" checked' in page
    assert 'id="error-amount"' in page and "不能小于 0" in page  # engine message, translated


def test_claim_from_the_inbox(app, staff) -> None:
    client = app.test_client()
    sign_in(client, "desk1")
    page = client.get("/tasks/").get_data(as_text=True)
    task_id = re.search(r'href="/tasks/(\d+)"', page).group(1)
    client.post(f"/tasks/{task_id}/claim", data={"csrf_token": csrf(client, "/tasks/")})
    assert "放回" in client.get("/tasks/").get_data(as_text=True)


def test_language_switch(app, staff) -> None:
    client = app.test_client()
    sign_in(client, "desk1")
    client.post("/lang", data={"lang": "en", "next": "/tasks/", "csrf_token": csrf(client, "/tasks/")})
    page = client.get("/tasks/").get_data(as_text=True)
    assert ">Inbox" in page and "待办" not in page and '<html lang="en">' in page


def test_someone_elses_task_page_is_refused(app, staff) -> None:
    client = app.test_client()
    sign_in(client, "desk1")
    task_id = re.search(r'href="/tasks/(\d+)"', client.get("/tasks/").get_data(as_text=True)).group(1)
    sign_in(client, "qo1")
    response = client.get(f"/tasks/{task_id}")
    assert response.status_code == 403 and "客服专员" in response.get_data(as_text=True)  # the role by its name
