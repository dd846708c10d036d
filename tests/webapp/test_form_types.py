"""Form field types on the task page: a date-time is entered and shown in local time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from engine.services import cases
from engine.services import tasks
from tests import diagrams
from tests.conftest import SQLITE_ONLY
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

pytestmark = SQLITE_ONLY  # pages and messages: the database is incidental (tests/conftest.py)

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


PARTS_USED = diagrams.definitions(
    "repair",
    "\n".join(
        [
            diagrams.start_event(),
            diagrams.user_task(
                "record_parts",
                "记录配件",
                '<camunda:formField id="parts" label="更换配件" type="rows"><camunda:properties>'
                '<camunda:property id="column.part_no" value="text|零件号|required"/>'
                '<camunda:property id="column.qty" value="integer|数量|required"/>'
                '<camunda:property id="column.unit_price" value="decimal|单价"/>'
                '<camunda:property id="column.amount" value="decimal|金额|=qty*unit_price"/>'
                "</camunda:properties></camunda:formField>"
                '<camunda:formField id="parts_fee" label="配件费" type="decimal"><camunda:properties>'
                '<camunda:property id="total_of" value="parts.amount"/></camunda:properties></camunda:formField>',
            ),
            '<bpmn:endEvent id="end"/>',
            diagrams.flow("f1", "start", "record_parts"),
            diagrams.flow("f2", "record_parts", "end"),
        ]
    ),
    lanes={"engineer": ["start", "record_parts", "end"]},
)


def test_parts_are_entered_as_rows_a_wrong_cell_is_shown_again_and_the_record_shows_the_table(
    app, ctx, make_user, deploy
):
    deploy({"repair.bpmn": PARTS_USED})
    engineer = make_user("wang", "engineer")
    case = cases.start_case(ctx, engineer, "repair", {})
    item = next(t for t in tasks.list_tasks(ctx, engineer) if t.case_id == case.id)
    client = app.test_client()
    sign_in(client, "wang")
    page = client.get(f"/tasks/{item.id}").get_data(as_text=True)
    assert 'name="parts-0-part_no"' in page and 'name="parts-1-part_no"' not in page  # one blank row to fill
    assert 'placeholder="= qty × unit_price"' in page and "添加一行" in page
    token = csrf(client, f"/tasks/{item.id}")
    typed = {
        "csrf_token": token,
        "action": "complete",
        "parts-0-part_no": "YB-32",
        "parts-0-qty": "2",
        "parts-0-unit_price": "180.50",
        "parts-1-part_no": "MS-8",
        "parts-1-qty": "four",
        "parts-1-unit_price": "12",
    }
    wrong = client.post(f"/tasks/{item.id}", data=typed)
    again = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    assert 'name="parts-1-qty" value="four"' in again and "请输入整数" in again  # kept as typed, marked
    assert 'name="parts-0-unit_price" value="180.50"' in again and 'name="parts-2-part_no"' in again
    assert client.post(f"/tasks/{item.id}", data={**typed, "action": "draft"}).status_code == 302
    drafted = client.get(f"/tasks/{item.id}").get_data(as_text=True)
    assert 'name="parts-1-part_no" value="MS-8"' in drafted  # the rows of a draft come back too
    done = client.post(f"/tasks/{item.id}", data={**typed, "parts-1-qty": "4"})
    assert done.status_code == 302
    data = cases.get_case(ctx, engineer, case.id).data
    assert data["parts"] == [
        {"part_no": "YB-32", "qty": 2, "unit_price": "180.50", "amount": "361.00"},
        {"part_no": "MS-8", "qty": 4, "unit_price": "12", "amount": "48.00"},
    ]
    assert data["parts_fee"] == "409.00"  # 2 × 180.50 + 4 × 12
    record = client.get(f"/cases/{case.id}").get_data(as_text=True)
    table = record.split('data-field="parts">')[1].split("</table>")[0]
    assert "<th>零件号</th>" in table and "<td>MS-8</td><td>4</td><td>12</td><td>48.00</td>" in table
