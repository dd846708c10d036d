"""The studio's process list: versions, the live one, cases per version; upload and download."""

from __future__ import annotations

import io

from engine.services import cases
from tests import diagrams
from tests.conftest import SQLITE_ONLY
from tests.processes.conftest import PROCESSES
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

pytestmark = SQLITE_ONLY  # pages and messages: the database is incidental (tests/conftest.py)


def test_process_owners_see_versions_live_version_and_cases_per_version(app, ctx, make_user, deploy) -> None:
    make_user("owner", "process_owner")
    desk = make_user("desk", "service_desk")
    deploy({"linear.bpmn": diagrams.linear()})
    cases.start_case(ctx, desk, "two_steps", {})
    deploy({"linear.bpmn": diagrams.linear(condition="approved == False")})
    cases.start_case(ctx, desk, "two_steps", {})
    cases.start_case(ctx, desk, "two_steps", {})
    client = app.test_client()
    sign_in(client, "owner")
    page = client.get("/studio/").get_data(as_text=True)
    assert 'data-process="two_steps" data-version="2"' in page and 'data-process="two_steps" data-version="1"' in page
    row2 = page.split('data-version="2"')[1].split("</tr>")[0]
    row1 = page.split('data-version="1"')[1].split("</tr>")[0]
    assert "badge live" in row2 and "badge live" not in row1
    assert "2 / 2" in row2 and "1 / 1" in row1
    source = client.get("/studio/two_steps/1/linear.bpmn")
    assert source.status_code == 200 and b'id="two_steps"' in source.data
    assert source.headers["Content-Disposition"].startswith("attachment;")
    sign_in(desk_client := app.test_client(), "desk")
    assert desk_client.get("/studio/").status_code == 403


def test_an_upload_with_problems_is_listed_and_not_deployed_then_fixed_and_deployed(app, make_user) -> None:
    make_user("owner", "process_owner")
    client = app.test_client()
    sign_in(client, "owner")
    token = csrf(client, "/studio/")
    broken = {
        "csrf_token": token,
        "action": "deploy",
        "files": [(io.BytesIO(diagrams.linear(condition="approved ==")), "l.bpmn")],
    }
    response = client.post("/studio/upload", data=broken)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="problems"' in page and "<code>f_yes</code>" in page
    assert "data-process=" not in page  # nothing deployed
    fixed = {"csrf_token": token, "action": "deploy", "files": [(io.BytesIO(diagrams.linear()), "l.bpmn")]}
    assert client.post("/studio/upload", data=fixed).status_code == 302
    assert 'data-process="two_steps" data-version="1"' in client.get("/studio/").get_data(as_text=True)


def test_the_changes_between_two_versions_are_listed(app, make_user, deploy) -> None:
    make_user("owner", "process_owner")
    deploy({"linear.bpmn": diagrams.linear()})
    deploy({"linear.bpmn": diagrams.linear(condition="approved == False")})
    client = app.test_client()
    sign_in(client, "owner")
    assert "/studio/two_steps/compare?from=1&amp;to=2" in client.get("/studio/").get_data(as_text=True)
    page = client.get("/studio/two_steps/compare?from=1&to=2").get_data(as_text=True)
    assert 'class="change-changed" data-element="f_yes"' in page
    assert client.get("/studio/two_steps/compare?from=1&to=9").status_code == 404


def test_compare_names_the_changed_attribute_with_its_old_and_new_value(app, make_user, deploy) -> None:
    make_user("owner", "process_owner")
    deploy({"linear.bpmn": diagrams.linear()})
    deploy({"linear.bpmn": diagrams.linear(condition="approved == False")})
    client = app.test_client()
    sign_in(client, "owner")
    page = client.get("/studio/two_steps/compare?from=1&to=2").get_data(as_text=True)
    row = page[page.index('data-element="f_yes"') :].split("</tr>", 1)[0]
    assert "<code>conditionExpression</code>" in row
    assert "<del>approved == True</del> → <ins>approved == False</ins>" in row


def test_a_called_process_is_deployed_with_its_callers_only_after_they_are_confirmed(app, make_user, deploy) -> None:
    make_user("owner", "process_owner")
    deploy({p.name: p.read_bytes() for p in PROCESSES.iterdir() if p.is_file()}, allow_scripts=True)
    client = app.test_client()
    sign_in(client, "owner")
    token = csrf(client, "/studio/")
    changed = (PROCESSES / "follow_up.bpmn").read_bytes().replace(b"due('follow_up_call'", b"due('survey'")
    upload = {"csrf_token": token, "action": "deploy", "files": [(io.BytesIO(changed), "follow_up.bpmn")]}
    response = client.post("/studio/upload", data=upload)
    page = response.get_data(as_text=True)
    # Nothing is deployed yet: the page says service_request (which calls follow_up) would get v2 too.
    assert response.status_code == 200 and 'id="confirm-deploy"' in page
    assert '<li data-key="service_request" data-version="2" class="caller">' in page
    assert 'data-process="follow_up" data-version="2"' not in page
    form = page[page.index('id="confirm-deploy"') :].split("</form>", 1)[0]
    kept = [v.split('"', 1)[0] for v in form.split('name="kept" value="')[1:]]
    confirm = [v.split('"', 1)[0] for v in form.split('name="confirm" value="')[1:]]
    assert confirm == ["service_request"] and [k.split(":", 1)[0] for k in kept] == ["follow_up.bpmn"]
    response = client.post(
        "/studio/upload", data={"csrf_token": token, "action": "confirm", "kept": kept, "confirm": confirm}
    )
    assert response.status_code == 302
    listing = client.get("/studio/").get_data(as_text=True)
    assert 'data-process="follow_up" data-version="2"' in listing
    assert 'data-process="service_request" data-version="2"' in listing
    assert 'data-process="onsite_repair" data-version="2"' not in listing  # it does not call follow_up
