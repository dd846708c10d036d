"""The processes in the reader's language: Chinese in the diagrams, English from the catalogue
beside them (processes/translations/en.po); in English no page of a case shows Chinese except
what people typed, and in Chinese task names carry no English."""

from __future__ import annotations

import html
import re
from pathlib import Path

from babel.messages.pofile import read_po

from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import IN_WARRANTY
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff\uff08\uff09\uff1f\uff1a\u3001\u3002]+")
# A call typed in English: what a person typed is not translated, so it must not be Chinese here.
CALL_IN_ENGLISH = {
    "channel": "phone",
    "customer": "East Example Heavy Industry",
    "contact_phone": "021-1234 5678",
    "product_model": "AWP-12",
    "serial_number": "AW2026-0101",
    "fault_description": "hydraulic oil leak",
    "request_kind": "fault",
}


def shown_texts(process_file: Path) -> set[str]:
    """The Chinese texts of a diagram a page may show: names, labels, options, choices, instructions."""
    text = process_file.read_text(encoding="utf-8")
    found = {html.unescape(m) for m in re.findall(r'(?:name|label)="([^"]*)"', text)}
    for choices in re.findall(r'<camunda:property id="choices" value="([^"]*)"', text):
        found.update(choices.split("|"))
    for task in re.findall(r"<bpmn:userTask .*?</bpmn:userTask>", text, re.S):
        found.update(html.unescape(doc) for doc in re.findall(r"<bpmn:documentation>([^<]*)<", task))
    return {t for t in found if CJK.search(t)}


def test_every_text_of_the_shipped_processes_has_english() -> None:
    with (ROOT / "processes" / "translations" / "en.po").open("rb") as handle:
        english = {m.id: m.string for m in read_po(handle) if m.id and m.string}
    for process_file in sorted((ROOT / "processes").glob("*.bpmn")):
        missing = shown_texts(process_file) - set(english)
        assert not missing, f"{process_file.name}: no English for {sorted(missing)}"
        for chinese_text in shown_texts(process_file):
            assert not CJK.search(english[chinese_text]), chinese_text


def test_task_names_are_in_one_language_and_instructions_cite_no_clause() -> None:
    for process_file in sorted((ROOT / "processes").glob("*.bpmn")):
        text = process_file.read_text(encoding="utf-8")
        for name in re.findall(r'<bpmn:userTask id="\w+" name="([^"]*)"', text):
            assert not re.search(r"[A-Za-z]{2}", name), f"{process_file.name}: {name}"
        for task in re.findall(r"<bpmn:userTask .*?</bpmn:userTask>", text, re.S):
            for doc in re.findall(r"<bpmn:documentation>([^<]*)<", task):
                english = set(re.findall(r"[A-Za-z]{3,}", doc)) - {"ERP"}  # the ERP system keeps its name
                assert not re.search(r"\bS[0-4] ", doc) and not english, f"{process_file.name}: {doc}"


def main_text(page: str) -> str:
    """The visible text of the page's main part (scripts and attributes left out)."""
    body = page.split("<main")[1].split(">", 1)[1].split("</main>")[0]
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_in_english_a_case_shows_no_chinese_but_what_was_typed(app, ctx, staff, start) -> None:  # noqa: F811
    case = start("service_request")
    case.do("service_desk", "register", CALL_IN_ENGLISH)
    case.do("quality_office", "triage", IN_WARRANTY)
    client = app.test_client()
    sign_in(client, "tech_support")
    client.post("/lang", data={"csrf_token": csrf(client, "/tasks/"), "lang": "en", "next": "/tasks/"})
    inbox = client.get("/tasks/").get_data(as_text=True)
    assert "Phone guidance" in main_text(inbox) and not CJK.search(main_text(inbox)), CJK.findall(main_text(inbox))
    item = re.search(r'<a href="/tasks/(\d+)">Phone guidance</a>', inbox).group(1)
    task = main_text(client.get(f"/tasks/{item}").get_data(as_text=True))
    for english in (
        "Phone guidance",
        "Problem solved",
        "Guidance note",
        "Under warranty",
        "Own product",
        "Fault report",
    ):
        assert english in task, english
    assert "Phone guidance first, free of charge." in task  # the instruction, in English
    assert not CJK.search(task), CJK.findall(task)
    record = main_text(client.get(f"/cases/{case.id}").get_data(as_text=True))
    assert "Warranty check" in record and not CJK.search(record), CJK.findall(record)


def test_in_chinese_task_pages_show_no_english_words_but_data(app, ctx, staff, start) -> None:  # noqa: F811
    case = start("service_request")
    case.do("service_desk", "register", {**CALL_IN_ENGLISH, "customer": "华东示例重工", "fault_description": "漏油"})
    client = app.test_client()
    sign_in(client, "quality_office")
    inbox = client.get("/tasks/").get_data(as_text=True)
    item = re.search(r'<a href="/tasks/(\d+)">保修及产品类别确认</a>', inbox).group(1)
    task = main_text(client.get(f"/tasks/{item}").get_data(as_text=True))
    data = {"AWP-12", "AW2026-0101", "SR", "service_desk"}  # product, case number, the account that registered
    words = {word for word in re.findall(r"[A-Za-z]{3,}", task) if not any(word in d for d in data)}
    assert words == set(), words
