"""Form field types on the task page: a date-time is entered and shown in local time."""

from __future__ import annotations

from engine.services import cases
from engine.services import tasks
from tests import diagrams
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
