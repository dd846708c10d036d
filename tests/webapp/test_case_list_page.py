"""The case list a desk works from: customer, product and serial, current step with its holder,
due time, priority; sortable; filtered by process name; exported as the page shows it."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import time_machine
from openpyxl import load_workbook

from tests.conftest import SQLITE_ONLY
from tests.processes.conftest import SHANGHAI
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import CALL
from tests.processes.journeys import IN_WARRANTY
from tests.processes.journeys import to_solution
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

# About pages and sign-in, not the database: their queries run on PostgreSQL in tests/engine.
pytestmark = SQLITE_ONLY


def numbers(page: str) -> list[str]:
    return re.findall(r'<tr class="status-\w+" data-case="([\w-]+)">', page)


def test_the_list_shows_what_a_desk_needs_and_sorts_and_exports(app, ctx, staff, start) -> None:  # noqa: F811
    registered = start("service_request")
    registered.do("service_desk", "register", {**CALL, "customer": "南山示例办公", "serial_number": "PR2026-0901"})
    dispatching = start("service_request")
    to_solution(dispatching, "onsite")  # waiting for the dispatcher, due 24 h after confirmation
    waiting = start("service_request")  # not registered yet: nothing but the register step
    client = app.test_client()
    sign_in(client, "quality_office")
    page = client.get("/cases/").get_data(as_text=True)
    row = page.split(f'data-case="{registered.info.number}">')[1].split("</tr>")[0]
    cells = [re.sub(r"<[^>]+>", " ", cell).split() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[1] == ["服务请求受理"]  # by its name, never its key
    assert "service_request" not in row
    assert cells[2] == ["南山示例办公"] and cells[3] == ["AWP-12", "PR2026-0901"]
    assert cells[4] == ["保修及产品类别确认"] and cells[5] == ["—"]  # nobody holds it yet
    assert numbers(page) == [waiting.info.number, dispatching.info.number, registered.info.number]  # newest first
    by_number = numbers(client.get("/cases/?sort=number").get_data(as_text=True))
    assert by_number == sorted(by_number)
    by_number_desc = numbers(client.get("/cases/?sort=-number").get_data(as_text=True))
    assert by_number_desc == sorted(by_number, reverse=True)
    assert client.get("/cases/?sort=size").status_code == 422
    exported = client.get("/cases/export.csv?sort=number").data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(exported)))
    assert table[0][:4] == ["案件", "流程", "客户", "产品"] and [line[0] for line in table[1:]] == by_number
    line = next(line for line in table if line[0] == registered.info.number)
    assert (line[2], line[3], line[4]) == ("南山示例办公", "AWP-12", "PR2026-0901")
    book = load_workbook(io.BytesIO(client.get("/cases/export.xlsx?sort=number").data))
    assert [[str(c.value or "") for c in r] for r in book.worksheets[0].iter_rows()] == table


def test_the_process_filter_offers_names_and_filters_survive_a_language_switch(app, staff, start) -> None:  # noqa: F811
    start("service_request")
    client = app.test_client()
    sign_in(client, "quality_office")
    page = client.get("/cases/").get_data(as_text=True)
    choices = page.split('name="process"')[1].split("</select>")[0]
    offered = dict(re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', choices))
    assert offered["service_request"] == "服务请求受理"
    filtered = "/cases/?process=service_request&sort=number"
    page = client.get(filtered).get_data(as_text=True)
    assert 'name="next" value="/cases/?process=service_request&amp;sort=number"' in page
    switched = client.post("/lang", data={"csrf_token": csrf(client, "/cases/"), "lang": "en", "next": filtered})
    assert switched.headers["Location"] == filtered
    # The choice is kept across signing out and in again.
    client.post("/auth/logout", data={"csrf_token": csrf(client, "/cases/")})
    assert 'lang="en"' in client.get("/auth/login").get_data(as_text=True)


def test_the_inbox_shows_each_tasks_customer_and_product(app, staff, start) -> None:  # noqa: F811
    case = start("service_request")
    case.do("service_desk", "register", {**CALL, "customer": "南山示例办公", "serial_number": "PR2026-0901"})
    client = app.test_client()
    sign_in(client, "quality_office")
    page = client.get("/tasks/").get_data(as_text=True)
    row = page.split(f'data-case="{case.info.number}">')[1].split("</li>")[0]
    assert '<span class="customer">南山示例办公</span>' in row
    assert '<span class="product small">AWP-12 · PR2026-0901</span>' in row


def test_the_inbox_shows_the_promise_at_stake_on_each_case(app, staff, start) -> None:  # noqa: F811
    # Called Monday 2 March 09:00, forwarded 09:10: the customer is to be contacted by 14:40
    # (4 working hours, S2 7.1.3); at 10:00 that is the promise the warranty check is working
    # against. At 15:00 the same promise is overdue; the arrival (09:00 Tuesday) is not yet due.
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case = start("service_request")
    with time_machine.travel(datetime(2026, 3, 2, 9, 10, tzinfo=SHANGHAI), tick=False):
        case.do("service_desk", "register", CALL)

    def promise_at(hour: int) -> str:
        with time_machine.travel(datetime(2026, 3, 2, hour, 0, tzinfo=SHANGHAI), tick=False):
            client = app.test_client()
            sign_in(client, "quality_office")
            page = client.get("/tasks/").get_data(as_text=True)
        row = page.split(f'data-case="{case.info.number}">')[1].split("</li>")[0]
        return row.split('class="promise')[1].split("</span>")[0]

    running = promise_at(10)
    assert 'data-clock="contact"' in running and "传递后与用户联系" in running and "14:40" in running
    assert "text-bg-danger" not in running and "已超期" not in running
    overdue = promise_at(15)
    assert 'data-clock="contact"' in overdue and "text-bg-danger" in overdue and "已超期" in overdue


def test_the_inbox_sorts_by_priority_and_exports_the_filtered_list(app, staff, start) -> None:  # noqa: F811
    agent = start("service_request")
    agent.do("service_desk", "register", {**CALL, "serial_number": "CP-0001"})
    agent.do("quality_office", "triage", {**IN_WARRANTY, "product_category": "agent", "under_warranty": False})
    own = start("service_request")
    own.do("service_desk", "register", {**CALL, "serial_number": "OW-0002"})
    own.do("quality_office", "triage", IN_WARRANTY)
    client = app.test_client()
    sign_in(client, "tech_support")  # both wait for phone guidance

    def order(query: str) -> list[str]:
        page = client.get(f"/tasks/?{query}").get_data(as_text=True)
        return re.findall(r'<li class="task[^"]*" data-task="guidance" data-case="([\w-]+)"', page)

    # The decision table gives own products under warranty priority 1 and agents' 4.
    assert order("sort=priority") == [own.info.number, agent.info.number]
    assert order("sort=received") == [agent.info.number, own.info.number]
    assert order("sort=-received") == [own.info.number, agent.info.number]
    assert 'value="priority" selected' in client.get("/tasks/?sort=priority").get_data(as_text=True)
    assert client.get("/tasks/?sort=size").status_code == 422
    exported = client.get("/tasks/export.csv?sort=priority").data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(exported)))
    assert table[0][:3] == ["任务", "案件", "客户"]
    assert [(line[1], line[4], line[5]) for line in table[1:]] == [
        (own.info.number, "OW-0002", "1"),
        (agent.info.number, "CP-0001", "3"),
    ]
    assert table[1][0] == "电话指导"  # the task's name, not its id
    filtered = client.get("/tasks/export.xlsx?q=CP-0001").data
    rows = [[str(c.value or "") for c in r] for r in load_workbook(io.BytesIO(filtered)).worksheets[0].iter_rows()]
    assert [row[1] for row in rows[1:]] == [agent.info.number]


def test_the_inbox_filters_and_sort_survive_a_language_switch(app, staff, start) -> None:  # noqa: F811
    start("service_request")
    client = app.test_client()
    sign_in(client, "service_desk")
    filtered = "/tasks/?scope=available&process=service_request&due=&q=&sort=priority"
    page = client.get(filtered).get_data(as_text=True)
    assert f'name="next" value="{filtered.replace("&", "&amp;")}"' in page
    switched = client.post("/lang", data={"csrf_token": csrf(client, "/tasks/"), "lang": "en", "next": filtered})
    assert switched.headers["Location"] == filtered
    page = client.get(filtered).get_data(as_text=True)
    assert 'value="priority" selected' in page and "Priority, most urgent first" in page
