"""Accounts: change one's own password, an administrator's reset with a forced change at the
next sign-in, API tokens listed and revoked, e-mail and mobile for notifications."""

from __future__ import annotations

import re

from tests.conftest import SQLITE_ONLY
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

# About pages and sign-in, not the database: their queries run on PostgreSQL in tests/engine.
pytestmark = SQLITE_ONLY

NEW = "a much better passphrase"


def change(client, current: str, new: str, repeated: str | None = None):
    token = csrf(client, "/profile/password")
    data = {"csrf_token": token, "current": current, "new": new, "repeated": new if repeated is None else repeated}
    return client.post("/profile/password", data=data)


def test_a_user_changes_their_password_and_other_sessions_end(app, make_user) -> None:
    make_user("wang", "engineer")
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, "wang")
    sign_in(elsewhere, "wang")
    wrong = change(here, "not my password", NEW)
    assert wrong.status_code == 422 and 'id="error-current"' in wrong.get_data(as_text=True)
    assert change(here, "correct horse", "short").status_code == 422
    differs = change(here, "correct horse", NEW, NEW + "!")
    assert differs.status_code == 422 and 'id="error-repeated"' in differs.get_data(as_text=True)
    assert change(here, "correct horse", NEW).status_code == 302
    assert here.get("/tasks/").status_code == 200  # this session stays signed in
    assert elsewhere.get("/tasks/").status_code == 302  # every other one is signed out
    assert sign_in(app.test_client(), "wang").status_code == 401  # the old password no longer works
    assert sign_in(app.test_client(), "wang", NEW).status_code == 302


def test_an_admin_reset_forces_a_new_password_at_the_next_sign_in(app, make_user) -> None:
    make_user("root", "admin")
    wang = make_user("wang", "engineer")
    signed_in = app.test_client()
    sign_in(signed_in, "wang")
    admin = app.test_client()
    sign_in(admin, "root")
    token = csrf(admin, f"/admin/users/{wang.user_id}")
    short = admin.post(f"/admin/users/{wang.user_id}/password", data={"csrf_token": token, "new": "x", "repeated": "x"})
    assert short.status_code == 422
    form = {"csrf_token": token, "new": "temporary-2026", "repeated": "temporary-2026"}
    assert admin.post(f"/admin/users/{wang.user_id}/password", data=form).status_code == 302
    assert "下次登录须设置新密码" in admin.get(f"/admin/users/{wang.user_id}").get_data(as_text=True)
    assert signed_in.get("/tasks/").status_code == 302  # the reset signs wang out everywhere
    client = app.test_client()
    landed = sign_in(client, "wang", "temporary-2026")
    assert landed.headers["Location"] == "/profile/password"
    assert client.get("/tasks/").headers["Location"] == "/profile/password"  # nothing else until changed
    assert change(client, "temporary-2026", NEW).status_code == 302
    assert client.get("/tasks/").status_code == 200


def test_tokens_are_listed_with_their_use_and_revoked_by_their_owner_or_an_admin(app, make_user) -> None:
    make_user("root", "admin")
    wang = make_user("wang", "engineer")
    client = app.test_client()
    sign_in(client, "wang")
    made = []
    for name in ("erp-sync", "report"):
        page = client.post("/profile", data={"csrf_token": csrf(client, "/profile"), "name": name}).get_data(
            as_text=True
        )
        made.append(re.search(r'<code id="new-token">([^<]+)</code>', page).group(1))
    api = app.test_client()
    assert api.get("/api/v1/tasks", headers={"Authorization": f"Bearer {made[0]}"}).status_code == 200
    listed = client.get("/profile").get_data(as_text=True).split('id="tokens"')[1].split("</table>")[0]
    rows = re.findall(r'<tr data-token="(\d+)"><td>([^<]+)</td><td>[^<]+</td><td>([^<]+)</td>', listed)
    assert [(name, used != "从未") for _id, name, used in rows] == [("erp-sync", True), ("report", False)]
    assert made[0] not in listed and made[1] not in listed  # a token is never shown again
    first, second = rows[0][0], rows[1][0]
    assert (
        client.post(f"/profile/tokens/{first}/revoke", data={"csrf_token": csrf(client, "/profile")}).status_code == 302
    )
    assert api.get("/api/v1/tasks", headers={"Authorization": f"Bearer {made[0]}"}).status_code == 401
    make_user("li", "engineer")
    thief = app.test_client()
    sign_in(thief, "li")
    assert (
        thief.post(f"/profile/tokens/{second}/revoke", data={"csrf_token": csrf(thief, "/profile")}).status_code == 403
    )
    assert api.get("/api/v1/tasks", headers={"Authorization": f"Bearer {made[1]}"}).status_code == 200
    other = app.test_client()
    sign_in(other, "root")
    assert 'data-token="' + second in other.get(f"/admin/users/{wang.user_id}").get_data(as_text=True)
    revoked = other.post(f"/profile/tokens/{second}/revoke", data={"csrf_token": csrf(other, "/profile")})
    assert revoked.status_code == 302
    assert api.get("/api/v1/tasks", headers={"Authorization": f"Bearer {made[1]}"}).status_code == 401


def test_contact_details_are_checked_and_kept(app, make_user) -> None:
    make_user("wang", "engineer")
    client = app.test_client()
    sign_in(client, "wang")
    token = csrf(client, "/profile")
    bad = client.post("/profile/contact", data={"csrf_token": token, "email": "wang@", "mobile": "call me"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'id="error-email"' in page and 'id="error-mobile"' in page
    assert 'value="wang@"' in page and 'value="call me"' in page  # what was typed stays
    good = client.post(
        "/profile/contact", data={"csrf_token": token, "email": "wang@example.com", "mobile": "138 0000 0000"}
    )
    assert good.status_code == 302
    page = client.get("/profile").get_data(as_text=True)
    assert 'value="wang@example.com"' in page and 'value="138 0000 0000"' in page
