"""Case list, case page and opening a case, through the Flask test client."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from engine.services import cases
from engine.services import tasks
from tests import diagrams
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in


@pytest.fixture
def opened(ctx, make_user, deploy):
    deploy({"linear.bpmn": diagrams.linear()})
    desk = make_user("desk1", "service_desk")
    make_user("qo1", "quality_office")
    make_user("cust1", "customer")
    make_user("eng1", "engineer")
    found = []
    for customer in ["东方机械", "南山办公"] + [f"客户{n}" for n in range(21)]:
        case = cases.start_case(ctx, desk, "two_steps", {"channel": "phone"})
        item = next(t for t in tasks.list_tasks(ctx, desk) if t.case_id == case.id)
        tasks.complete_task(ctx, desk, item.id, {"customer": customer})
        found.append(case)
    return found


def test_case_list_searches_filters_and_pages(app, opened) -> None:
    client = app.test_client()
    sign_in(client, "qo1")
    first = client.get("/cases/").get_data(as_text=True)
    assert 'id="case-total">23<' in first and "1 / 2" in first
    assert 'href="/cases/?page=2"' in first and "?page=0" not in first  # next page, no previous
    assert opened[0].number not in first  # newest first: the oldest is on page 2
    assert opened[0].number in client.get("/cases/?page=2").get_data(as_text=True)
    found = client.get("/cases/", query_string={"q": "东方"}).get_data(as_text=True)
    assert 'id="case-total">1<' in found and opened[0].number in found
    assert 'id="case-total">0<' in client.get("/cases/?status=completed").get_data(as_text=True)
    assert client.get("/cases/?status=lost").status_code == 422


def test_customers_do_not_see_staff_case_pages(app, opened) -> None:
    client = app.test_client()
    sign_in(client, "cust1")
    assert client.get("/cases/").status_code == 403
    assert client.get(f"/cases/{opened[0].id}").status_code == 403


def test_case_page_shows_tasks_data_and_a_verified_history(app, ctx, opened) -> None:
    client = app.test_client()
    sign_in(client, "qo1")
    page = client.get(f"/cases/{opened[0].id}").get_data(as_text=True)
    assert "Decide" in page and "东方机械" in page and "完成任务" in page
    assert "审计链校验通过" in page
    with ctx.uow(write=True) as uow:
        uow.session.execute(
            text("UPDATE audit_events SET actor = 'mallory' WHERE case_id = :id AND seq = 2"), {"id": opened[0].id}
        )
        uow.commit()
    assert "审计链已损坏" in client.get(f"/cases/{opened[0].id}").get_data(as_text=True)
    assert client.get("/cases/99999").status_code == 404


def test_opening_a_case_from_its_start_form(app, opened) -> None:
    client = app.test_client()
    sign_in(client, "desk1")
    assert "two_steps" in client.get("/cases/new").get_data(as_text=True)
    token = csrf(client, "/cases/new/two_steps")
    refused = client.post("/cases/new/two_steps", data={"csrf_token": token, "channel": "phone", "extra": "x"})
    assert refused.status_code == 422 and 'value="phone"' in refused.get_data(as_text=True)
    done = client.post("/cases/new/two_steps", data={"csrf_token": token, "channel": "phone"})
    assert done.status_code == 302 and "/cases/" in done.headers["Location"]
    assert "已创建" in client.get(done.headers["Location"]).get_data(as_text=True)


def test_roles_that_cannot_start_see_no_process(app, opened) -> None:
    client = app.test_client()
    sign_in(client, "eng1")
    assert "two_steps" not in client.get("/cases/new").get_data(as_text=True)
    assert client.get("/cases/new/two_steps").status_code == 302


def test_the_case_page_is_a_record_of_its_steps_with_labels_not_variable_names(app, ctx, opened) -> None:
    office = users_by_name(ctx, "qo1")
    decide = next(t for t in tasks.list_tasks(ctx, office) if t.case_id == opened[0].id)
    tasks.complete_task(ctx, office, decide.id, {"approved": True, "amount": "800"})
    client = app.test_client()
    sign_in(client, "qo1")
    page = client.get(f"/cases/{opened[0].id}").get_data(as_text=True)
    record = page.split('id="notes"')[0].split("案件记录")[1]  # the record section of the page
    assert "<h3>Register call</h3>" in record and "<h3>Decide</h3>" in record
    assert "<dt>客户</dt>" in record and "东方机械" in record
    assert "<dt>批准</dt>" in record and 'data-field="approved">是</dd>' in record and "<dt>金额</dt>" in record
    for variable in ("customer", "approved", "amount"):
        assert f"<dt>{variable}</dt>" not in record


def users_by_name(ctx, username: str):
    from engine.services import users

    return users.authenticate(ctx, username, "correct horse")
