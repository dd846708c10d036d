"""A customer scans the QR code on the unit's nameplate and asks for service (issue 15): the
code printed from the archive opens a form that knows the unit; the request becomes a case the
desk finds filled in, and the customer gets the case number and a tracking link."""

from __future__ import annotations

import base64
import re

from engine.services import audit
from engine.services import products
from tests.conftest import SQLITE_ONLY
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import CALL
from tests.qr_codes import decode_png_qr
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in
from tests.webapp.test_product_archive import GOOD

pytestmark = SQLITE_ONLY  # pages and messages: the database is incidental (tests/conftest.py)

SERIAL = CALL["serial_number"]  # AWP-12, warranty to 2027-05-31 in GOOD


def test_the_nameplate_code_opens_a_request_that_becomes_a_case_for_the_desk(
    app,
    ctx,
    staff,  # noqa: F811
) -> None:
    products.import_units(ctx, staff["quality_manager"], "units.csv", GOOD.encode())
    office = app.test_client()
    sign_in(office, "quality_manager")
    label = office.get(f"/quality/products/{SERIAL}/nameplate.png")
    assert label.status_code == 200 and label.mimetype == "image/png"
    url = decode_png_qr(label.data)  # what a phone reads off the nameplate
    assert url.startswith("http://localhost/c/r/")
    customer = app.test_client()
    path = url.removeprefix("http://localhost")
    form = customer.get(path).get_data(as_text=True)
    assert "AWP-12" in form and SERIAL in form and "今日在保修期内" in form
    token = csrf(customer, path)
    typed = {"csrf_token": token, "customer": "华东示例重工有限公司", "contact_person": "李工",
             "contact_phone": "not a phone", "fault_description": "液压系统漏油"}  # fmt: skip
    wrong = customer.post(path, data=typed)
    assert wrong.status_code == 422 and 'value="not a phone"' in wrong.get_data(as_text=True)
    done = customer.post(path, data={**typed, "contact_phone": "021-1234 5678"})
    receipt = done.get_data(as_text=True)
    number = re.search(r"案件 (SR-\d{4}-\d+)", receipt).group(1)
    tracking = re.search(r'id="track" href="([^"]+)"', receipt).group(1)
    assert customer.get(tracking).status_code == 200
    # The desk finds the registration filled in with the customer's words and the archive's unit.
    desk = app.test_client()
    sign_in(desk, "service_desk")
    inbox = desk.get("/tasks/?task=register").get_data(as_text=True)
    task_id = re.search(r'href="/tasks/(\d+)"', inbox).group(1)
    register = desk.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert number in register
    assert 'value="021-1234 5678"' in register and "液压系统漏油" in register
    assert '<option value="nameplate" selected>' in register and f'value="{SERIAL}"' in register
    trail = audit.export_trail(ctx, staff["quality_manager"], number)
    assert trail["events"][0]["action"] == "case_started" and trail["events"][0]["actor"] == "customer"


def test_a_forged_or_unknown_nameplate_opens_nothing(app, ctx, staff) -> None:  # noqa: F811
    client = app.test_client()
    assert client.get("/c/r/not-a-label").status_code == 404
    office = app.test_client()
    sign_in(office, "quality_manager")
    assert office.get("/quality/products/NO-SUCH/nameplate.png").status_code == 404


def test_a_label_sheet_prints_the_code_of_every_unit_on_the_list_page(app, ctx, staff) -> None:  # noqa: F811
    products.import_units(ctx, staff["quality_manager"], "units.csv", GOOD.encode())
    office = app.test_client()
    sign_in(office, "quality_manager")
    listed = office.get("/quality/products?q=AWP").get_data(as_text=True)
    sheet_url = re.search(r'href="([^"]+)" id="print-labels"', listed).group(1).replace("&amp;", "&")
    sheet = office.get(sheet_url).get_data(as_text=True)
    labels = re.findall(r'data-serial="([^"]+)">\s*<img src="data:image/png;base64,([^"]+)"', sheet)
    assert sorted(serial for serial, _code in labels) == sorted([SERIAL, "AW2026-0999"])  # the two units of GOOD
    for serial, code in labels:  # each label opens the request form of its own unit
        path = decode_png_qr(base64.b64decode(code)).removeprefix("http://localhost")
        assert serial in app.test_client().get(path).get_data(as_text=True)
    assert "AWP-8" in sheet and "扫码报修" in sheet
