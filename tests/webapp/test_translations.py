"""Every UI string has a Chinese translation (zh-CN is the default language)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from engine.services import cases
from engine.services import tasks
from tests import diagrams
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "webapp" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def test_every_string_in_the_views_and_templates_is_translated(tmp_path: Path) -> None:
    template = tmp_path / "messages.pot"
    # As webapp/babel.cfg says: engine messages are marked with Message(...), the rest with gettext.
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "webapp/babel.cfg", "-k", "Message"]
    subprocess.run([*command, "-o", str(template), "engine", "webapp"], cwd=ROOT, check=True, capture_output=True)
    with template.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    assert len(wanted) > 50  # the extraction found the strings at all
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    translated = {message.id for message in catalog if message.id and message.string and not message.fuzzy}
    assert sorted(str(m) for m in wanted - translated) == []


def test_engine_refusals_are_shown_in_the_users_language(app, ctx, make_user, deploy) -> None:
    deploy({"linear.bpmn": diagrams.linear()})
    desk = make_user("desk", "service_desk")
    make_user("eng", "engineer")
    cases.start_case(ctx, desk, "two_steps", {})
    task = tasks.list_tasks(ctx, desk)[0]
    client = app.test_client()
    sign_in(client, "eng")
    refused = client.get(f"/tasks/{task.id}")
    assert refused.status_code == 403
    assert "任务“Register call”需要以下角色之一：客服专员" in refused.get_data(as_text=True)  # the role by its name
    client.post("/lang", data={"csrf_token": csrf(client, "/cases/"), "lang": "en"})
    assert "needs one of the roles Service desk" in client.get(f"/tasks/{task.id}").get_data(as_text=True)
