"""Hostile or malformed input to the API gets a clear 4xx, never a 500."""

from __future__ import annotations

import pytest

from engine.services import users
from tests.actors import SYSTEM
from webapp.api.routes import MAX_JSON_DEPTH
from webapp.api.routes import nesting_depth


@pytest.fixture
def headers(ctx, make_user) -> dict[str, str]:
    make_user("desk1", "service_desk")
    return {"Authorization": f"Bearer {users.create_token(ctx, SYSTEM, 'desk1')}"}


def test_nesting_is_measured_without_recursion_and_ignores_brackets_in_strings() -> None:
    assert nesting_depth('{"a": [1, {"b": "[[[[{{"}]}') == 3
    assert nesting_depth('"\\"[["') == 0
    assert nesting_depth("[" * 100_000) == 100_000


def test_deeply_nested_json_is_refused_plainly(app, headers) -> None:
    deep = "[" * 5000 + "]" * 5000
    body = '{"process": "two_steps", "data": {"a": ' + deep + "}}"
    response = app.test_client().post(
        "/api/v1/cases", data=body, headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert f"deeper than {MAX_JSON_DEPTH}" in response.get_json()["error"]


def test_an_overlong_search_is_refused_plainly(app, headers) -> None:
    response = app.test_client().get("/api/v1/cases", query_string={"q": "x" * 50_000}, headers=headers)
    assert response.status_code == 422 and "200 characters" in response.get_json()["error"]


def test_options_under_the_api_answer_in_json(app, headers) -> None:
    for path in ("/api/v1/tasks", "/api/v1/no-such-route"):
        answer = app.test_client().open(path, method="OPTIONS", headers=headers)
        assert answer.content_type == "application/json"
