"""Admin pages: create users, set roles, deactivate; the profile page hands out API tokens."""

from __future__ import annotations

import re

from tests.conftest import SQLITE_ONLY
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

pytestmark = SQLITE_ONLY  # pages and messages: the database is incidental (tests/conftest.py)


def test_only_admins_see_user_administration(app, make_user) -> None:
    make_user("desk", "service_desk")
    client = app.test_client()
    sign_in(client, "desk")
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/users/new").status_code == 403


def test_an_admin_creates_a_user_and_errors_keep_the_typed_values(app, make_user) -> None:
    make_user("root", "admin")
    client = app.test_client()
    sign_in(client, "root")
    token = csrf(client, "/admin/users/new")
    bad = client.post(
        "/admin/users/new", data={"csrf_token": token, "username": "x y", "display_name": "赵工", "password": "short"}
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert 'id="error-username"' in page and 'id="error-password"' in page and 'id="error-roles"' in page
    assert 'value="赵工"' in page
    good = client.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "username": "zhao",
            "display_name": "赵工",
            "password": "long enough pw",
            "roles": ["engineer", "inspector"],
        },
    )
    assert good.status_code == 302
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "zhao" in listing and "engineer, inspector" in listing
    fresh = app.test_client()
    assert sign_in(fresh, "zhao", "long enough pw").status_code == 302


def test_a_deactivated_user_can_neither_sign_in_nor_use_a_token(app, make_user) -> None:
    make_user("root", "admin")
    worker = make_user("wang", "engineer")
    wang = app.test_client()
    sign_in(wang, "wang")
    page = wang.post("/profile", data={"csrf_token": csrf(wang, "/profile"), "name": "script"}).get_data(as_text=True)
    token = re.search(r'<code id="new-token">([^<]+)</code>', page).group(1)
    api = app.test_client()
    assert api.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    admin = app.test_client()
    sign_in(admin, "root")
    form = {"csrf_token": csrf(admin, f"/admin/users/{worker.user_id}"), "roles": ["engineer"]}  # active unticked
    assert admin.post(f"/admin/users/{worker.user_id}", data=form).status_code == 302
    assert api.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert wang.get("/tasks/").status_code == 302  # the signed-in session ends too
    assert sign_in(app.test_client(), "wang").status_code == 401


def test_an_admin_cannot_lock_themselves_out(app, make_user) -> None:
    root = make_user("root", "admin")
    client = app.test_client()
    sign_in(client, "root")
    form = {"csrf_token": csrf(client, f"/admin/users/{root.user_id}"), "roles": ["quality_manager"], "active": "true"}
    response = client.post(f"/admin/users/{root.user_id}", data=form)
    assert response.status_code == 422 and 'id="error-roles"' in response.get_data(as_text=True)
