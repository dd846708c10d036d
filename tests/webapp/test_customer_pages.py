"""The customer master's pages: the desk imports, searches, keeps records, and finds a caller."""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any

import time_machine

from engine.services import cases
from engine.services import customers
from tests.actors import SYSTEM
from tests.conftest import SQLITE_ONLY
from tests.engine.test_customers import TABLE
from tests.processes.conftest import SHANGHAI
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.journeys import CALL
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

pytestmark = SQLITE_ONLY


def _desk(app: Any) -> tuple[Any, str]:
    client = app.test_client()
    sign_in(client, "service_desk")
    return client, csrf(client, "/customers/")


def _upload(client: Any, token: str, text: str) -> Any:
    data = {"csrf_token": token, "file": (io.BytesIO(text.encode("utf-8")), "customers.csv")}
    return client.post("/customers/import", data=data, content_type="multipart/form-data")


def test_the_desk_imports_customers_and_finds_one_by_a_callers_number(app, staff) -> None:  # noqa: F811
    client, token = _desk(app)
    refused = _upload(client, token, TABLE.replace(",key,一号厂区", ",vip,一号厂区"))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert re.search(r"<td>2</td><td>class</td>", page)  # the row and the column of the problem
    assert 'id="customers"' in page and "华东示例重工有限公司" not in page.split('id="import-problems"')[0]
    assert _upload(client, token, TABLE).status_code == 302
    found = client.get("/customers/?q=138-0000-0002").get_data(as_text=True)
    assert "华东示例重工有限公司" in found and "北方示例代理公司" not in found
    record = client.get(re.search(r'href="(/customers/\d+)"', found).group(1)).get_data(as_text=True)
    for shown in ("一号厂区", "上海市示例路1号", "13800000002", "MC-2026-01", "AWP-12"):
        assert shown in record


def test_a_refused_customer_form_is_shown_again_with_what_was_typed(app, staff) -> None:  # noqa: F811
    client, token = _desk(app)
    response = client.post("/customers/new", data={"csrf_token": token, "code": "C7", "name": "", "class": "agent"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="C7"' in page and 'id="error-name"' in page
    assert re.search(r'<option value="agent" selected>', page)


def test_a_contact_with_a_bad_number_is_refused_and_a_good_one_is_listed(app, ctx, staff) -> None:  # noqa: F811
    customer_id = customers.save_customer(
        ctx, SYSTEM, None, {"code": "C7", "name": "西部示例公司", "class": "ordinary"}
    )
    client, token = _desk(app)
    refused = client.post(
        f"/customers/{customer_id}/contact", data={"csrf_token": token, "contact": "赵工", "phone": "call me"}
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'value="赵工"' in page and 'id="error-phone"' in page and "<details open" in page
    saved = client.post(
        f"/customers/{customer_id}/contact", data={"csrf_token": token, "contact": "赵工", "phone": "139 0000 0009"}
    )
    assert saved.status_code == 302
    assert "13900000009" in client.get(f"/customers/{customer_id}").get_data(as_text=True)


@time_machine.travel(datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI))  # inside the contract's year
def test_the_registration_finds_the_caller_and_the_next_step_shows_the_customer(app, ctx, staff) -> None:  # noqa: F811
    customers.import_customers(ctx, SYSTEM, "customers.csv", TABLE.encode("utf-8"))
    client, _token = _desk(app)
    (match,) = client.get("/customers/lookup.json?q=021 1234 5678").get_json()
    assert (match["name"], match["contact"], match["address"]) == ("华东示例重工有限公司", "张工", "上海市示例路1号")
    cases.start_case(ctx, staff["service_desk"], "service_request", {})
    inbox = client.get("/tasks/").get_data(as_text=True)
    task_path = re.search(r'href="(/tasks/\d+)"', inbox).group(1)
    assert 'id="customer-lookup"' in client.get(task_path).get_data(as_text=True)
    token = csrf(client, task_path)
    done = client.post(task_path, data={"csrf_token": token, "action": "complete", **CALL})
    assert done.status_code == 302
    # The warranty check (the quality office's) opens with the customer's card and contract.
    office = app.test_client()
    sign_in(office, "quality_office")
    task = re.search(r'href="(/tasks/\d+)"', office.get("/tasks/").get_data(as_text=True)).group(1)
    card = office.get(task).get_data(as_text=True)
    assert 'id="customer-card"' in card and "华东示例重工有限公司" in card
    assert re.search(r'id="agreements-in-force">MC-2026-01', card)


def test_the_planned_visits_show_each_engineers_visits_and_those_falling_due(app, ctx, staff) -> None:  # noqa: F811
    with time_machine.travel(datetime(2025, 9, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        customers.save_customer(ctx, SYSTEM, None, {"code": "C2", "name": "普通示例客户", "class": "ordinary"})
    with time_machine.travel(datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI), tick=False):
        customers.save_customer(ctx, SYSTEM, None, {"code": "C1", "name": "重点示例客户", "class": "key"})
    with time_machine.travel(datetime(2026, 6, 10, 9, 0, tzinfo=SHANGHAI), tick=False):
        assert cases.start_care_cases(ctx, cases.CARE_ACTOR) == 1  # the key customer's, due 5 July
        client, _token = _desk(app)
        page = client.get("/customers/visits").get_data(as_text=True)
    under_way, coming = page.split('id="coming-visits"')
    assert "重点示例客户" in under_way and "2026-07-05" in under_way
    assert "普通示例客户" in coming and "2026-09-01" in coming and "重点示例客户" not in coming
