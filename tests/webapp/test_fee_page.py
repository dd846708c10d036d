"""The fee table page: finance changes a rate and pastes a price list, mistakes come back with
what was typed, each version says who changed what and why, and a stale form cannot overwrite;
a quote step's page opens with the table's lines."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import SQLITE_ONLY
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import OUT_OF_WARRANTY
from tests.processes.journeys import to_solution
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in
from tests.webapp.test_task_decisions import open_task

pytestmark = SQLITE_ONLY  # pages and messages: the database is incidental (tests/conftest.py)


def fields_of(client: Any) -> dict[str, str]:
    page = client.get("/settings/fees").get_data(as_text=True)
    begin = page.index('id="fees">')
    form = page[begin : page.index("</form>", begin)]
    values = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*>', form))
    values["parts"] = re.search(r'<textarea id="f-parts" name="parts"[^>]*>(.*?)</textarea>', form, re.S).group(1)
    return values


def test_finance_changes_a_rate_and_pastes_a_price_list(app, make_user) -> None:
    make_user("qian", "finance")
    client = app.test_client()
    sign_in(client, "qian")
    shown = fields_of(client)
    assert shown["labour.onsite.engineer"] == "200.00" and shown["travel.2.up_to_km"] == "300"
    assert shown["rules.agent_parts_markup"] == "10"  # S2 5.2.2.3
    pasted = "YB-32\t液压油泵\t500\nMS-8\t密封圈\t12.5\n"  # two columns copied from a spreadsheet
    token = csrf(client, "/settings/fees")
    changes = {"labour.onsite.engineer": "220", "parts": pasted, "note": "2027 年度价格"}
    saved = client.post("/settings/fees", data={**shown, "csrf_token": token, **changes})
    assert saved.status_code == 302
    again = fields_of(client)
    assert again["labour.onsite.engineer"] == "220.00"
    assert again["parts"] == "YB-32\t液压油泵\t500.00\nMS-8\t密封圈\t12.50"
    history = client.get("/settings/fees").get_data(as_text=True).split('id="history"')[1]
    assert "2027 年度价格" in history and "qian" in history
    assert "labour.onsite.engineer</code>: 200.00 → 220.00" in history


def test_a_wrong_price_list_line_is_named_and_everything_typed_comes_back(app, make_user) -> None:
    make_user("qian", "finance")
    client = app.test_client()
    sign_in(client, "qian")
    shown = fields_of(client)
    pasted = "YB-32,液压油泵,500\nMS-8,密封圈,twelve\nYB-32,again,1"
    data = {**shown, "csrf_token": csrf(client, "/settings/fees"), "parts": pasted, "travel.1.fee": "-5", "note": "x"}
    refused = client.post("/settings/fees", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "2: price must be a number from 0 to 1000000; 3: YB-32 is listed twice" in page
    assert 'id="error-travel-1-fee"' in page
    assert "MS-8,密封圈,twelve" in page  # the textarea keeps what was pasted
    assert fields_of(client)["parts"] == ""  # nothing saved


def test_a_stale_form_cannot_overwrite_a_newer_version(app, make_user) -> None:
    make_user("qian", "finance")
    client = app.test_client()
    sign_in(client, "qian")
    shown = fields_of(client)
    first = client.post("/settings/fees", data={**shown, "csrf_token": csrf(client, "/settings/fees"), "note": "a"})
    assert first.status_code == 302
    stale = client.post("/settings/fees", data={**shown, "csrf_token": csrf(client, "/settings/fees"), "note": "b"})
    assert stale.status_code == 409 and "其间已保存了第 1 版" in stale.get_data(as_text=True)  # in the page's language


def test_a_quote_step_opens_with_the_tables_lines(app, ctx, staff, start) -> None:  # noqa: F811
    case = start("service_request")
    to_solution(case, "onsite", OUT_OF_WARRANTY)
    client = app.test_client()
    sign_in(client, "finance")
    page = client.get(f"/tasks/{open_task(ctx, staff['finance'], case.id, 'quote')}").get_data(as_text=True)
    # 4 h of an engineer on site × 200 = 800; the call is 120 km away: the ≤ 300 km band, 600.
    for name, value in (("0-qty", "4"), ("0-amount", "800.00"), ("1-unit_price", "600.00")):
        assert re.search(rf'name="quote_lines-{name}"[^>]*value="{re.escape(value)}"', page), name
    for row, chosen in ((0, "工时费"), (1, "差旅费")):  # the kind, picked from its names
        select = page.split(f'name="quote_lines-{row}-kind"')[1].split("</select>")[0]
        assert re.search(rf'<option value="\w+" selected>{chosen}</option>', select), row
