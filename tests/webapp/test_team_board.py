"""Pickers and the team board: a job goes only to an active person with the role, chosen from
a list that shows each one's open workload; a supervisor sees every open task of the area,
overdue first, and hands it over or releases it (S2 5.2.1.5: the dispatcher dispatches)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine

from engine.domain.errors import InvalidData
from engine.domain.errors import NotAllowed
from engine.services import inbox
from engine.services import tasks
from engine.services import users
from engine.store.db import utcnow
from tests.actors import SYSTEM
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import CALL
from tests.processes.journeys import to_solution
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in


@pytest.fixture
def to_dispatch(ctx, staff, start, make_user):  # noqa: F811
    """Two on-site repairs, one dispatched to wang; engineers: engineer and li (no job yet),
    wang (one), zhao (left the company)."""
    make_user("li", "engineer")
    gone = make_user("zhao", "engineer")
    users.update_user(ctx, SYSTEM, gone.user_id, ["engineer"], active=False)
    first, second = start("service_request"), start("service_request")
    for case in (first, second):
        to_solution(case, "onsite")
    first.do("dispatcher", "dispatch", {"engineer": "wang", "distance_km": 100})
    return second


def item_of(ctx, actor, case_id: int, bpmn_id: str) -> int:
    return next(t.id for t in tasks.list_tasks(ctx, actor) if t.case_id == case_id and t.bpmn_id == bpmn_id)


def test_the_dispatcher_picks_an_engineer_from_a_list_with_workloads(app, ctx, staff, to_dispatch) -> None:  # noqa: F811
    item = item_of(ctx, staff["dispatcher"], to_dispatch.id, "dispatch")
    client = app.test_client()
    sign_in(client, "dispatcher")
    page = client.get(f"/tasks/{item}").get_data(as_text=True)
    picker = page.split('<select id="f-engineer" name="engineer" class="picker form-select"')[1].split("</select>")[0]
    offered = re.findall(r'<option value="(\w+)"[^>]*>[^<]*\((\w+)\) · 在办 (\d+)</option>', picker)
    # Least loaded first; zhao, no longer active, is not offered.
    assert [(name, count) for name, _, count in offered] == [("engineer", "0"), ("li", "0"), ("wang", "1")]


def test_an_unknown_or_unqualified_engineer_is_refused(ctx, staff, to_dispatch) -> None:  # noqa: F811
    item = item_of(ctx, staff["dispatcher"], to_dispatch.id, "dispatch")
    for name in ("nobody", "finance"):  # no such user; a user without the engineer role
        with pytest.raises(InvalidData) as refused:
            tasks.complete_task(ctx, staff["dispatcher"], item, {"engineer": name, "distance_km": 100})
        assert set(refused.value.errors) == {"engineer"}
    assert to_dispatch.open() == ["dispatch"]


def test_the_board_lists_the_area_overdue_first_and_the_supervisor_re_dispatches(app, ctx, staff, to_dispatch):  # noqa: F811
    with time_machine.travel(utcnow() + timedelta(days=3)):  # the 24-hour dispatch deadline has passed
        board = inbox.team_board(ctx, staff["dispatcher"])
        assert [t.bpmn_id for t in board.tasks] == ["dispatch", "prepare"]  # overdue dispatch first
        assert board.overdue == 1
    prepare = next(t for t in board.tasks if t.bpmn_id == "prepare")
    assert prepare.assignee == "wang"
    # Other active engineers: not wang himself, not zhao, not the finance clerk.
    assert [p.username for p in board.choices[prepare.id]] == ["engineer", "li"]
    assert [t.bpmn_id for t in inbox.team_board(ctx, staff["dispatcher"], holder="wang").tasks] == ["prepare"]
    assert [t.bpmn_id for t in inbox.team_board(ctx, staff["dispatcher"], holder="-").tasks] == ["dispatch"]
    # The dispatcher's area is dispatch and the engineers: the quality office's tasks are not on it.
    assert all(set(t.roles) & {"dispatcher", "engineer"} for t in board.tasks)
    client = app.test_client()
    sign_in(client, "dispatcher")
    token = csrf(client, "/tasks/board")
    moved = client.post(
        f"/tasks/{prepare.id}/reassign",
        data={"csrf_token": token, "assignee": "li", "next": "/tasks/board?holder=wang"},
    )
    assert moved.status_code == 302 and moved.headers["Location"] == "/tasks/board?holder=wang"
    assert [t.id for t in inbox.team_board(ctx, staff["dispatcher"], holder="li").tasks] == [prepare.id]
    released = client.post(f"/tasks/{prepare.id}/release", data={"csrf_token": token})
    assert released.status_code == 302
    assert inbox.team_board(ctx, staff["dispatcher"], holder="-").total == 2


def test_a_supervisor_may_not_touch_tasks_outside_the_area(ctx, staff, start) -> None:  # noqa: F811
    case = start("service_request")
    register = item_of(ctx, staff["service_desk"], case.id, "register")
    with pytest.raises(NotAllowed):
        inbox.reassign(ctx, staff["dispatcher"], register, "service_desk")
    with pytest.raises(NotAllowed):
        inbox.release(ctx, staff["dispatcher"], register)
    with pytest.raises(InvalidData, match="assignee"):  # a name that is not in the list
        inbox.reassign(ctx, staff["quality_office"], register, "wang")


def test_after_completing_the_inbox_links_the_case_and_the_next_step(app, ctx, staff, start) -> None:  # noqa: F811
    case = start("service_request")
    register = item_of(ctx, staff["service_desk"], case.id, "register")
    client = app.test_client()
    sign_in(client, "service_desk")
    token = csrf(client, f"/tasks/{register}")
    form = {
        "csrf_token": token,
        "action": "complete",
        "channel": "phone",
        "customer": "华东示例重工",
        "contact_phone": "021-1234 5678",
        "product_model": "AWP-12",
        "serial_number": "AW2026-0101",
        "fault_description": "漏油",
        "request_kind": "fault",
    }
    done = client.post(f"/tasks/{register}", data=form)
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    links = page.split('id="next-steps"')[1].split("</p>")[0]
    assert f'href="/cases/{case.id}"' in links
    assert "下一步" not in links  # the warranty check is the quality office's, not the desk's
    assert 'id="next-steps"' not in client.get("/tasks/").get_data(as_text=True)  # shown once


def test_the_next_step_is_linked_when_it_is_the_same_persons(ctx, staff, start, make_user) -> None:  # noqa: F811
    both = make_user("desk_and_office", "service_desk", "quality_office")
    case = start("service_request")
    register = item_of(ctx, both, case.id, "register")
    done = tasks.complete_task(ctx, both, register, {**CALL})
    triage = item_of(ctx, both, case.id, "triage")
    assert done.next_for_actor == [(triage, "保修及产品类别确认")]
