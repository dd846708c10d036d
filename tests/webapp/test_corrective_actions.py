"""A corrective action opened from a case's page (S2 12.3): the link fills the source case, the
new CAPA case is listed on the source case, and only those who may start CAPA see the link."""

from __future__ import annotations

from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.webapp.test_pages import TOKEN
from tests.webapp.test_pages import sign_in


def test_a_case_page_opens_a_corrective_action_that_it_then_lists(app, staff, start) -> None:  # noqa: F811
    repair = start("service_request")
    number = repair.info.number
    office = app.test_client()
    sign_in(office, "quality_office")
    page = office.get(f"/cases/{repair.id}").get_data(as_text=True)
    link = f'href="/cases/new/capa?source_case={number}"'
    assert link in page and 'id="actions"' not in page  # none opened yet

    form = office.get(f"/cases/new/capa?source_case={number}").get_data(as_text=True)
    assert f'value="{number}"' in form  # the source case filled in
    token = next(group for group in TOKEN.search(form).groups() if group)
    opened = office.post(
        "/cases/new/capa", data={"csrf_token": token, "source_case": number, "problem": "同一故障三个月内重复维修"}
    )
    assert opened.status_code == 302

    page = office.get(f"/cases/{repair.id}").get_data(as_text=True)
    actions = page.split('id="actions"')[1].split("</ul>")[0]
    assert actions.count("data-case=") == 1 and "进行中" in actions and "CA-" in actions

    engineer = app.test_client()
    sign_in(engineer, "engineer")
    assert link not in engineer.get(f"/cases/{repair.id}").get_data(as_text=True)  # may not start CAPA
