"""Sign-in and session defences: where sign-in may lead, the session key, headers, timing."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.domain.config import EngineConfig
from engine.services import users
from tests.webapp.test_pages import csrf
from webapp import create_app
from webapp.redirects import local_path
from webapp.security import KEY_FILE
from webapp.security import WeakSecretKey

OFF_SITE = [
    "//evil.example/",
    "/\t/evil.example/",  # browsers drop the tab: //evil.example
    "/\n/evil.example/",
    "/\\evil.example/",  # browsers read the backslash as a slash
    "\\\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    " /tasks/",
    "tasks/",
    "",
    None,
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_leads_off_the_site(target: str | None) -> None:
    assert local_path(target) is None


def test_sign_in_leads_back_to_the_page_that_asked(app, make_user) -> None:
    assert local_path("/tasks/3?scope=mine") == "/tasks/3?scope=mine"
    make_user("desk1", "service_desk")
    client = app.test_client()
    token = csrf(client)
    data = {"username": "desk1", "password": "correct horse", "csrf_token": token}
    back = client.post("/auth/login?next=/cases/%3Fstatus%3Drunning", data=data)
    assert back.headers["Location"] == "/cases/?status=running"
    client = app.test_client()
    data["csrf_token"] = csrf(client)
    away = client.post("/auth/login?next=/%09/evil.example/", data=data)  # an encoded tab
    assert away.status_code == 302 and away.headers["Location"] == "/tasks/"


def test_without_a_configured_key_each_instance_makes_its_own_random_key(
    tmp_path: Path, engine_config: EngineConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AFTERCARE_SECRET_KEY", raising=False)
    keys = []
    for name in ("one", "two"):
        monkeypatch.setenv("AFTERCARE_INSTANCE", str(tmp_path / name))
        app = create_app({"ENGINE_CONFIG": engine_config})
        stored = (tmp_path / name / KEY_FILE).read_text(encoding="ascii")
        assert app.config["SECRET_KEY"] == stored and len(stored) == 64
        assert (tmp_path / name / KEY_FILE).stat().st_mode & 0o077 == 0  # readable by the owner only
        again = create_app({"ENGINE_CONFIG": engine_config})
        assert again.config["SECRET_KEY"] == stored  # kept across restarts: sessions survive
        keys.append(stored)
        app.extensions["aftercare"].dispose()
        again.extensions["aftercare"].dispose()
    assert keys[0] != keys[1]


@pytest.mark.parametrize("key", ["dev-only-change-me", "changeme", "short"])
def test_a_published_or_short_key_refuses_to_start(
    key: str, tmp_path: Path, engine_config: EngineConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AFTERCARE_INSTANCE", str(tmp_path))
    monkeypatch.setenv("AFTERCARE_SECRET_KEY", key)
    with pytest.raises(WeakSecretKey):
        create_app({"ENGINE_CONFIG": engine_config})


def test_every_response_forbids_framing_inline_script_and_sniffing(app) -> None:
    for path in ("/auth/login", "/healthz", "/api/v1/openapi.json", "/no-such-page"):
        headers = app.test_client().get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_an_unknown_name_is_checked_against_a_hash_like_a_known_one(ctx, make_user) -> None:
    """Without a stand-in hash an unknown name answered in 70 ms and a known one in 1.8 s."""
    make_user("desk1", "service_desk")
    users._stand_in_hash.cache_clear()
    assert users.authenticate(ctx, "nobody", "whatever") is None
    assert users._stand_in_hash.cache_info().misses == 1  # the stand-in hash was made and checked
    assert users.authenticate(ctx, "nobody", "whatever") is None
    assert users._stand_in_hash.cache_info().hits == 1
    assert users.authenticate(ctx, "desk1", "correct horse") is not None


def test_a_session_cookie_kept_from_before_sign_out_no_longer_works(app, make_user) -> None:
    from tests.webapp.test_pages import sign_in

    make_user("desk1", "service_desk")
    client = app.test_client()
    sign_in(client, "desk1")
    kept = client.get_cookie("session").value  # e.g. copied from the browser before signing out
    assert client.get("/tasks/").status_code == 200
    client.post("/auth/logout", data={"csrf_token": csrf(client, "/tasks/")})
    replay = app.test_client()
    replay.set_cookie("session", kept)
    answer = replay.get("/tasks/")
    assert answer.status_code == 302 and "/auth/login" in answer.headers["Location"]
    sign_in(replay, "desk1")  # signing in again works, with a new session
    assert replay.get("/tasks/").status_code == 200


@pytest.mark.parametrize(
    "method, path, data",
    [
        ("POST", "/auth/login", {"username": "desk\x001", "password": "x"}),
        ("GET", "/cases/?q=a\x00b", None),
        ("GET", "/quality/products/SN\x001", None),
    ],
)
def test_nul_characters_anywhere_get_a_plain_400(app, make_user, method: str, path: str, data) -> None:
    make_user("qm", "quality_manager")
    client = app.test_client()
    from tests.webapp.test_pages import sign_in

    sign_in(client, "qm")
    answer = client.open(path, method=method, data=data)
    assert answer.status_code == 400


def test_http_errors_on_pages_are_the_apps_own_pages_in_chinese(app, make_user) -> None:
    from tests.webapp.test_pages import sign_in

    make_user("desk1", "service_desk")
    client = app.test_client()
    sign_in(client, "desk1")
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "此页面不存在。" in missing.get_data(as_text=True)
    assert "Not Found" not in missing.get_data(as_text=True)
    wrong = client.post("/cases/")  # the list only answers GET
    assert wrong.status_code in (400, 405) and "Method Not Allowed" not in wrong.get_data(as_text=True)
    api = client.get("/api/v1/no-such-route")
    assert api.status_code == 404 and api.content_type == "application/json"
