"""A page is one engine call: the task page and the case page each read in one transaction.

Every request also pays for two transactions outside the view: finding the signed-in user and
the inbox counts of the navigation bar. Counted with SQLAlchemy's ``begin`` event on the app's
own engine, so the numbers are the database's, not a count of function calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from engine.services import cases
from engine.services import tasks
from tests import diagrams
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

OUTSIDE_THE_VIEW = 2  # the signed-in user, the navigation counts


@contextmanager
def transactions(app) -> Iterator[list[int]]:
    counted: list[int] = []
    engine = app.extensions["aftercare"].db

    def begun(_connection) -> None:
        counted.append(1)

    event.listen(engine, "begin", begun)
    try:
        yield counted
    finally:
        event.remove(engine, "begin", begun)


def test_the_task_page_and_a_refused_completion_each_read_in_one_transaction(app, ctx, deploy, make_user) -> None:
    deploy({"linear.bpmn": diagrams.linear()})
    desk = make_user("desk1", "service_desk")
    case = cases.start_case(ctx, desk, "two_steps", {})
    item = tasks.list_tasks(ctx, desk)[0]
    client = app.test_client()
    sign_in(client, "desk1")
    with transactions(app) as counted:
        page = client.get(f"/tasks/{item.id}")
    assert page.status_code == 200 and case.number in page.get_data(as_text=True)
    assert len(counted) == OUTSIDE_THE_VIEW + 1
    token = csrf(client, f"/tasks/{item.id}")
    with transactions(app) as counted:
        refused = client.post(f"/tasks/{item.id}", data={"csrf_token": token, "customer": ""})
    assert refused.status_code == 422
    # the refused completion (rolled back) and the form shown again
    assert len(counted) == OUTSIDE_THE_VIEW + 2


def test_the_case_page_reads_in_one_transaction(app, ctx, deploy, make_user) -> None:
    deploy({"linear.bpmn": diagrams.linear()})
    desk = make_user("desk1", "service_desk")
    case = cases.start_case(ctx, desk, "two_steps", {})
    client = app.test_client()
    sign_in(client, "desk1")
    with transactions(app) as counted:
        page = client.get(f"/cases/{case.id}")
    assert page.status_code == 200 and case.number in page.get_data(as_text=True)
    assert len(counted) == OUTSIDE_THE_VIEW + 1
