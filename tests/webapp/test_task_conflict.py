"""Two people on one task: the second is told plainly who finished it and when, in the company's
time zone and their language, and gets back what they typed."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from engine.services import tasks
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import CALL
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in


def test_the_loser_of_a_race_learns_who_and_when_and_keeps_the_input(app, ctx, staff, make_user, start) -> None:  # noqa: F811
    make_user("desk2", "service_desk")
    case = start("service_request")
    item = next(t.id for t in tasks.list_tasks(ctx, staff["service_desk"]) if t.case_id == case.id)
    slow = app.test_client()
    sign_in(slow, "desk2")
    token = csrf(slow, f"/tasks/{item}")  # desk2 opens the form ...
    with time_machine.travel(datetime(2026, 3, 2, 1, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        tasks.complete_task(ctx, staff["service_desk"], item, CALL)  # ... and a colleague finishes first
    lost = slow.post(f"/tasks/{item}", data={"csrf_token": token, "action": "complete", **CALL, "customer": "南山示例"})
    page = lost.get_data(as_text=True)
    message = re.search(r'<p class="flash error" role="alert" id="gone-message">([^<]+)</p>', page).group(1)
    assert lost.status_code == 409
    assert "service_desk" in message and "2026/3/2 09:30" in message  # 01:30 UTC is 09:30 in Shanghai
    assert "UTC" not in message and "completed" not in message  # in the reader's language
    assert "南山示例" in page.split('id="typed"')[1]  # what desk2 typed is handed back
