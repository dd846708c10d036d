"""Form field types on the task page: a date-time is entered and shown in local time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from engine.services import cases
from engine.services import tasks
from tests import diagrams
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

ARRIVAL = diagrams.definitions(
    "visit",
    "\n".join(
        [
            diagrams.start_event(),
            diagrams.user_task(
                "arrive",
                "到达现场",
                '<camunda:formField id="arrived_at" label="到达时间" type="datetime">'
                '<camunda:validation><camunda:constraint name="required"/></camunda:validation></camunda:formField>',
            ),
            diagrams.user_task("leave", "离开现场"),
            '<bpmn:endEvent id="end"/>',
            diagrams.flow("f1", "start", "arrive"),
            diagrams.flow("f2", "arrive", "leave"),
            diagrams.flow("f3", "leave", "end"),
        ]
    ),
    lanes={"engineer": ["start", "arrive", "leave", "end"]},
)


def test_an_arrival_time_is_typed_in_local_time_stored_in_utc_and_shown_in_local_time(app, ctx, make_user, deploy):
    deploy({"visit.bpmn": ARRIVAL})
    engineer = make_user("wang", "engineer")
    case = cases.start_case(ctx, engineer, "visit", {})
    item = next(t for t in tasks.list_tasks(ctx, engineer) if t.case_id == case.id)
    client = app.test_client()
    sign_in(client, "wang")
    page = client.get(f"/tasks/{item.id}").get_data(as_text=True)
    assert 'name="arrived_at"' in page and 'type="datetime-local"' in page
    token = csrf(client, f"/tasks/{item.id}")
    wrong = client.post(
        f"/tasks/{item.id}", data={"csrf_token": token, "action": "complete", "arrived_at": "2026-03-03"}
    )
    assert wrong.status_code == 422 and 'value="2026-03-03"' in wrong.get_data(as_text=True)  # kept as typed
    done = client.post(
        f"/tasks/{item.id}", data={"csrf_token": token, "action": "complete", "arrived_at": "2026-03-03T14:30"}
    )
    assert done.status_code == 302
    assert cases.get_case(ctx, engineer, case.id).data["arrived_at"] == "2026-03-03T06:30:00+00:00"  # 14:30 − 8 h
    record = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-field="arrived_at">2026/3/3 14:30</dd>' in record


def test_the_call_time_is_proposed_as_now_in_local_time_and_may_be_corrected(app, staff) -> None:  # noqa: F811
    client = app.test_client()
    with time_machine.travel(datetime(2026, 3, 2, 11, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        sign_in(client, "service_desk")
        page = client.get("/cases/new/service_request").get_data(as_text=True)
    tag = page.split('name="received_at"')[0].rsplit("<input", 1)[1] + page.split('name="received_at"')[1].split(">")[0]
    assert 'value="2026-03-02T11:00"' in tag and 'type="datetime-local"' in tag
