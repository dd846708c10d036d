"""Administrators reword a message (issue 15): a wording that names a value the message lacks,
or uses a loop, is shown again with what was typed and the line of the problem; a preview fills
in the sample values; a saved wording is what the next notification says; reset brings back
the shipped one."""

from __future__ import annotations

import html

from engine.services import cases
from engine.services import notifications
from tests import diagrams
from tests.conftest import SQLITE_ONLY
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

pytestmark = SQLITE_ONLY  # pages and messages: the database is incidental (tests/conftest.py)

PAGE = "/admin/templates/task_landed/en"


def test_an_administrator_rewords_a_notification(app, ctx, make_user, deploy) -> None:
    deploy({"two_steps.bpmn": diagrams.linear()})
    make_user("root", "admin")
    desk, colleague = make_user("desk", "service_desk"), make_user("desk2", "service_desk")
    client = app.test_client()
    sign_in(client, "root")
    token = csrf(client, PAGE)

    bad = client.post(
        PAGE, data={"csrf_token": token, "action": "preview", "subject": "Task {{ taks }}", "body": "{{ url }}"}
    )
    page = html.unescape(bad.get_data(as_text=True))
    assert bad.status_code == 422
    assert 'value="Task {{ taks }}"' in page  # what was typed, kept
    assert "第 1 行：此消息没有名为 taks 的值" in page  # the page is in Chinese by default
    looping = client.post(
        PAGE,
        data={
            "csrf_token": token,
            "action": "save",
            "subject": "x",
            "body": "{% for c in number %}{{ c }}{% endfor %}",
        },
    )
    assert looping.status_code == 422
    assert "此处只能使用 {{ 值 }}、{% if %}" in html.unescape(looping.get_data(as_text=True))

    wording = {"subject": "Please take {{ task|upper }} of {{ number }}", "body": "{{ url }}"}
    preview = client.post(PAGE, data={"csrf_token": token, "action": "preview", **wording})
    assert preview.status_code == 200
    assert "Please take 报价 of SR-2026-0042" in html.unescape(preview.get_data(as_text=True))  # the samples
    saved = client.post(PAGE, data={"csrf_token": token, "action": "save", **wording})
    assert saved.status_code == 302

    case = cases.start_case(ctx, desk, "two_steps", {})
    (notice,) = notifications.notifications(ctx, colleague, "en").items
    assert notice.subject == f"Please take REGISTER CALL of {case.number}"
    (in_chinese,) = notifications.notifications(ctx, colleague, "zh_Hans_CN").items
    assert in_chinese.subject == f"新任务 {case.number}：Register call"  # the other language is untouched

    assert client.post(f"{PAGE}/reset", data={"csrf_token": token}).status_code == 302
    (notice,) = notifications.notifications(ctx, colleague, "en").items
    assert notice.subject == f"New task {case.number}: Register call"
    listed = client.get("/admin/templates").get_data(as_text=True)
    assert 'id="edit-task_landed-en"' in listed and 'id="edit-quote_ready-zh_Hans_CN"' in listed
