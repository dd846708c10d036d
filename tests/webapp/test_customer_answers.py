"""The feedback form signed on the customer's phone, and desk entries that say how the customer
answered (S2 7.2.6; issue 15): the pages, what they keep when sent with mistakes, and the marks."""

from __future__ import annotations

import base64
import hashlib
import io
import re

from engine.domain.link_tokens import link_id_of
from engine.services import customer_links
from engine.services import users
from tests.actors import SYSTEM
from tests.conftest import SQLITE_ONLY
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.test_customer_answers import PDF_SCAN
from tests.processes.test_customer_answers import data_url
from tests.processes.test_customer_answers import drawing
from tests.processes.test_customer_answers import repaired
from tests.processes.test_customer_answers import surveyed
from tests.qr_codes import decode_png_qr
from tests.webapp.test_customer_tracking import SECRET
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

pytestmark = SQLITE_ONLY  # pages and messages: the database is incidental (tests/conftest.py)


def test_the_customer_draws_the_signature_on_the_step_page_and_the_case_shows_it(
    app,
    ctx,
    staff,  # noqa: F811
    start,  # noqa: F811
) -> None:
    case = repaired(start)
    item = case.task("service_desk", "feedback")
    link = customer_links.issue_task_link(ctx, staff["engineer_wang"], case.id, item.id)
    url = f"/c/s/{link.token}"
    phone = app.test_client()
    page = phone.get(url).get_data(as_text=True)
    assert 'class="signature-pad" data-field="customer_signature"' in page and "dist/signature.js" in page
    token = csrf(phone, url)
    # Sent without drawing: asked again, with the name typed kept.
    blank = phone.post(url, data={"csrf_token": token, "feedback_signed_by": "李经理", "customer_signature": ""})
    text = blank.get_data(as_text=True)
    assert blank.status_code == 422 and 'id="error-customer_signature"' in text and 'value="李经理"' in text
    png = drawing()
    answer = {"csrf_token": token, "feedback_signed_by": "李经理", "customer_signature": data_url(png)}
    signed = phone.post(url, data=answer)
    assert signed.status_code == 200 and 'id="thanks"' in signed.get_data(as_text=True)
    desk = app.test_client()
    sign_in(desk, "quality_office")
    record = desk.get(f"/cases/{case.id}").get_data(as_text=True).split('data-field="customer_signature"')[1]
    image = re.search(r'<img src="([^"]+)"', record).group(1)
    assert desk.get(image).data == png  # the stored drawing, unchanged
    assert hashlib.sha256(png).hexdigest()[:16] in record
    assert 'data-answered="link"' in desk.get(f"/cases/{case.id}").get_data(as_text=True)


def test_the_desk_page_asks_how_the_customer_answered_and_keeps_what_was_typed(
    app,
    staff,  # noqa: F811
    start,  # noqa: F811
) -> None:
    case = repaired(start)
    item = case.task("service_desk", "feedback")
    desk = app.test_client()
    sign_in(desk, "service_desk")
    page = desk.get(f"/tasks/{item.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="answered_by" value="paper"' in page
    assert "signature-pad" not in page  # nobody draws the customer's signature at the desk
    assert 'value="not_reached"' not in page  # only the survey can end unanswered
    token = csrf(desk, f"/tasks/{item.id}")
    typed = {"csrf_token": token, "action": "complete", "feedback_signed_by": "李经理", "answered_by": "paper"}
    again = desk.post(f"/tasks/{item.id}", data=typed)
    text = again.get_data(as_text=True)
    assert again.status_code == 422 and 'id="error-paper_scan"' in text
    assert 'value="李经理"' in text and 'name="answered_by" value="paper" checked' in text
    sent = {**typed, "paper_scan": (io.BytesIO(PDF_SCAN), "反馈表.pdf")}
    done = desk.post(f"/tasks/{item.id}", data=sent, content_type="multipart/form-data")
    assert done.status_code == 302
    shown = desk.get(f"/cases/{case.id}").get_data(as_text=True)
    mark = shown.split('data-answered="paper"')[1].split("</p>")[0]
    scan = re.search(r'href="([^"]+)" class="scan"', mark).group(1)
    assert desk.get(scan).data == PDF_SCAN


def test_the_survey_desk_page_offers_not_reached_and_declined(
    app,
    staff,  # noqa: F811
    start,  # noqa: F811
) -> None:
    case = surveyed(start)
    item = case.task("service_desk", "rate")
    desk = app.test_client()
    sign_in(desk, "service_desk")
    token = csrf(desk, f"/tasks/{item.id}")
    sent = {"csrf_token": token, "action": "complete", "answered_by": "not_reached", "contact_attempts": "3"}
    assert desk.post(f"/tasks/{item.id}", data=sent).status_code == 302
    shown = desk.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "联系 3 次未接通" in shown.split('data-answered="not_reached"')[1].split("</span>")[0]
    manager = app.test_client()
    sign_in(manager, "quality_manager")
    board = manager.get("/quality/").get_data(as_text=True)
    response = board.split('id="survey-response"')[1].split("</ul>")[0]
    assert "0.0%" in response  # none of the one survey answered
    assert 'data-channel="not_reached"' in response and 'data-channel="phone"' not in response


def test_a_client_of_the_api_enters_the_paper_form_with_its_scan(
    app,
    ctx,
    staff,  # noqa: F811
    start,  # noqa: F811
) -> None:
    case = repaired(start)
    item = case.task("service_desk", "feedback")
    token = users.create_token(ctx, SYSTEM, "service_desk")
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/tasks/{item.id}/complete"
    paper = {"answered_by": "paper", "feedback_signed_by": "李经理"}
    not_base64 = {"filename": "a.pdf", "content_base64": "%%"}
    broken = api.post(path, headers=headers, json={"data": paper, "paper_scan": not_base64})
    assert broken.status_code == 422 and "paper_scan" in broken.json["errors"]
    scan = {"filename": "反馈表.pdf", "content_base64": base64.b64encode(PDF_SCAN).decode()}
    done = api.post(path, headers=headers, json={"data": paper, "paper_scan": scan})
    assert done.status_code == 200, done.json
    assert case.open() == ["approve_leave"]


def test_the_step_link_shows_as_a_qr_code_that_opens_the_customers_page(
    app,
    staff,  # noqa: F811
    start,  # noqa: F811
) -> None:
    case = repaired(start)
    item = case.task("service_desk", "feedback")
    engineer = app.test_client()
    sign_in(engineer, "wang")
    token = csrf(engineer, f"/cases/{case.id}")
    assert engineer.post(f"/cases/{case.id}/tasks/{item.id}/link", data={"csrf_token": token}).status_code == 302
    page = engineer.get(f"/cases/{case.id}").get_data(as_text=True)
    url = re.search(r'class="form-control form-control-sm link-url" readonly value="([^"]+)"', page).group(1)
    qr = re.search(r'<img class="link-qr" src="([^"]+)"', page).group(1)
    scanned = decode_png_qr(engineer.get(qr).data)
    # Tokens are signed afresh with the time on each page, so the two texts may differ by a
    # second; both must name the same link and open the customer's step.
    step_page = "http://localhost/c/s/"
    assert scanned.startswith(step_page) and url.startswith(step_page)
    same_link = {link_id_of(SECRET, "task", address.removeprefix(step_page)) for address in (scanned, url)}
    assert len(same_link) == 1
    opened = app.test_client().get(scanned.removeprefix("http://localhost")).get_data(as_text=True)
    assert 'data-field="customer_signature"' in opened
    assert re.search(r'class="btn btn-sm btn-primary handover-open" href="([^"]+)"', page).group(1) == url
