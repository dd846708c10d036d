"""The case page offers the case's paper forms; each opens as a numbered PDF."""

from __future__ import annotations

import re

from engine.services import printed_forms as printing
from tests.actors import SYSTEM
from tests.conftest import SQLITE_ONLY
from tests.engine.test_printed_forms import _text
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

pytestmark = SQLITE_ONLY


def test_the_case_page_lists_its_forms_and_a_print_gives_the_number_it_then_shows(app, start) -> None:  # noqa: F811
    contract = {"customer": "北辰示例油田设备", "contract_no": "WB-2026-09", "contract_end": "2027-06-30"}
    case = start("contract_renewal", contract, role="sales")
    client = app.test_client()
    sign_in(client, "service_desk")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-form="maintenance_notice"' in page and 'data-form="service_report"' not in page
    response = client.get(f"/cases/{case.id}/forms/maintenance_notice.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    number = re.search(r'filename="(BY-\d{4}-\d{4})\.pdf"', response.headers["Content-Disposition"]).group(1)
    assert number in _text(response.data) and "WB-2026-09" in _text(response.data)
    assert number in client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert client.get(f"/cases/{case.id}/forms/service_report.pdf").status_code == 404


def test_an_administrator_rewords_a_form_previews_it_and_restores_the_shipped_one(app, ctx, start, make_user) -> None:  # noqa: F811
    make_user("boss", "admin")
    admin = app.test_client()
    sign_in(admin, "boss")
    token = csrf(admin, "/admin/forms/maintenance_notice")
    shipped = printing.form_wording(ctx, SYSTEM, "maintenance_notice").shipped
    reworded = shipped.replace("{% endblock %}", "<p>本通知一式两份。</p>{% endblock %}", 1)
    preview = admin.post(
        "/admin/forms/maintenance_notice", data={"csrf_token": token, "action": "preview", "source": reworded}
    )
    assert preview.mimetype == "application/pdf"
    assert "本通知一式两份" in _text(preview.data) and "华东示例重工有限公司" in _text(preview.data)  # sample values
    hostile = reworded + '{% for i in range(99999) %}{{ "x" * 9999 }}{% endfor %}'
    refused = admin.post(
        "/admin/forms/maintenance_notice", data={"csrf_token": token, "action": "save", "source": hostile}
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "for is not allowed" in page and "mul is not allowed" in page
    assert "range(99999)" in page  # what was typed is shown again
    saved = admin.post(
        "/admin/forms/maintenance_notice", data={"csrf_token": token, "action": "save", "source": reworded}
    )
    assert saved.status_code == 302
    case = start(
        "contract_renewal", {"customer": "北辰", "contract_no": "WB-7", "contract_end": "2027-06-30"}, role="sales"
    )
    assert "本通知一式两份" in _text(printing.print_form(ctx, SYSTEM, case.id, "maintenance_notice").content)
    assert admin.post("/admin/forms/maintenance_notice/reset", data={"csrf_token": token}).status_code == 302
    assert "本通知一式两份" not in _text(printing.print_form(ctx, SYSTEM, case.id, "maintenance_notice").content)
