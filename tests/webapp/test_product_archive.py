"""The product archive: import with every bad row listed and nothing stored, a unit's page
with its cases, outcomes and ratings, a customer's page."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import Workbook

from engine.domain.errors import InvalidData
from engine.domain.errors import InvalidRows
from engine.domain.errors import NotAllowed
from engine.services import products
from tests import quality_month
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import CALL
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

HEADER = "serial_number,model,category,customer,delivered_on,warranty_end,parts,notes"
GOOD = f"""{HEADER}
{CALL["serial_number"]},AWP-12,own,{CALL["customer"]},2025-06-01,2027-05-31,主控板:B2025-11; 液压泵:P2025-03,
AW2026-0999,AWP-8,partner,{CALL["customer"]},2026-01-10,,,备用机
"""


def test_a_table_with_bad_rows_is_refused_whole_with_each_problem(ctx, make_user) -> None:
    manager = make_user("qm", "quality_manager")
    bad = f"{HEADER}\nX-1,M,own,C,2025-13-01,,,\n,M,rented,C,,,:B1,\nX-1,M,own,C,,,,\n"
    with pytest.raises(InvalidRows) as refused:
        products.import_units(ctx, manager, "units.csv", bad.encode())
    assert [(p.row, p.column) for p in refused.value.problems] == [
        (2, "delivered_on"),
        (3, "serial_number"),
        (3, "category"),
        (3, "parts"),
        (4, "serial_number"),  # repeats row 2
    ]
    assert products.list_units(ctx, manager, None, 1) == ([], 0)
    with pytest.raises(NotAllowed):
        products.import_units(ctx, make_user("qo", "quality_office"), "units.csv", GOOD.encode())


def test_an_xlsx_table_imports_and_updates(ctx, make_user) -> None:
    manager = make_user("qm", "quality_manager")
    book = Workbook()
    book.active.append(HEADER.split(","))
    book.active.append(["SN-1", "PU-8", "own", "北辰示例油田设备", "2024-06-01", "2026-05-31", "电机:M24-7", None])
    data = io.BytesIO()
    book.save(data)
    assert products.import_units(ctx, manager, "units.xlsx", data.getvalue()) == 1
    [unit], total = products.list_units(ctx, manager, "PU-8", 1)
    assert (total, unit.customer, unit.parts, str(unit.warranty_end)) == (
        1,
        "北辰示例油田设备",
        [{"part": "电机", "batch": "M24-7"}],
        "2026-05-31",
    )


def test_a_units_page_lists_its_cases_with_outcome_and_rating(app, ctx, staff, start) -> None:  # noqa: F811
    month = quality_month.build(ctx, staff, start)
    client = app.test_client()
    sign_in(client, "quality_manager")
    token = csrf(client, "/quality/products")
    imported = client.post(
        "/quality/products", data={"csrf_token": token, "file": (io.BytesIO(GOOD.encode()), "units.csv")}
    )
    assert imported.status_code == 302
    page = client.get(f"/quality/products/{CALL['serial_number']}").get_data(as_text=True)
    assert "主控板 (B2025-11)" in page and "2027-05-31" in page
    outcomes = page.split('id="case-outcomes"')[1]
    assert f'data-case="{month.a}"' in outcomes and f'data-case="{month.b}"' in outcomes
    row_a = outcomes.split(f'data-case="{month.a}"')[1].split("</tr>")[0]
    row_b = outcomes.split(f'data-case="{month.b}"')[1].split("</tr>")[0]
    assert "现场维修" in row_a and "<td>4/4</td>" in row_a and "<td>3/4</td>" in row_b
    customer = client.get(f"/quality/customers/{CALL['customer']}").get_data(as_text=True)
    assert "AW2026-0999" in customer and f'data-case="{month.c}"' in customer  # C is the same customer's call
    bad = client.post(
        "/quality/products", data={"csrf_token": token, "file": (io.BytesIO(b"serial_number\nX\n"), "units.csv")}
    )
    assert bad.status_code == 422 and 'id="import-problems"' in bad.get_data(as_text=True)


def test_a_workbook_with_an_entity_declaration_is_refused(ctx, make_user) -> None:
    book = Workbook()
    book.active.append(HEADER.split(","))
    plain = io.BytesIO()
    book.save(plain)
    forged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, zipfile.ZipFile(forged, "w") as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                content = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + content
            target.writestr(entry, content)
    with pytest.raises(InvalidData, match="could not be read"):
        products.import_units(ctx, make_user("qm", "quality_manager"), "units.xlsx", forged.getvalue())


def test_the_warranty_check_shows_the_archive_and_the_quality_office_opens_it(app, ctx, staff, start) -> None:  # noqa: F811
    products.import_units(ctx, staff["quality_manager"], "units.csv", GOOD.encode())
    case = start("service_request")
    case.do("service_desk", "register", CALL)
    triage = case.task("quality_office", "triage")
    client = app.test_client()
    sign_in(client, "quality_office")
    with time_machine.travel(datetime(2027, 5, 31, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        sign_in(client, "quality_office")
        page = client.get(f"/tasks/{triage.id}").get_data(as_text=True)  # the warranty's last day
    with time_machine.travel(datetime(2027, 6, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        sign_in(client, "quality_office")
        later = client.get(f"/tasks/{triage.id}").get_data(as_text=True)
    assert 'id="warranty-state">今日已过保修期' in later
    archive = page.split('id="archive-unit"')[1].split("</section>")[0]
    assert "AWP-12" in archive and "本公司产品" in archive and "2027-05-31" in archive
    assert 'id="warranty-state">今日在保修期内' in archive
    assert f'href="/quality/products/{CALL["serial_number"]}"' in archive
    sign_in(client, "quality_office")  # again, in today's time
    assert client.get(f"/quality/products/{CALL['serial_number']}").status_code == 200
    assert client.get("/quality/").status_code == 403  # the rest of the quality pages stay the managers'


def test_the_warranty_check_page_is_filled_in_from_the_archive_and_an_answer_against_it_is_shown_again(
    app,
    ctx,
    staff,  # noqa: F811
    start,  # noqa: F811
) -> None:
    products.import_units(ctx, staff["quality_manager"], "units.csv", GOOD.encode())
    shanghai = ZoneInfo("Asia/Shanghai")
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=shanghai), tick=False):
        case = start("service_request")
        case.do("service_desk", "register", CALL)
        triage = case.task("quality_office", "triage")
        client = app.test_client()
        sign_in(client, "quality_office")
        page = client.get(f"/tasks/{triage.id}").get_data(as_text=True)
        # Warranty to 2027-05-31, no contract listed, an own product: yes is picked, category set.
        assert 'name="under_warranty" value="true" required checked' in page
        assert 'name="has_contract" value="true" required checked' not in page
        assert '<option value="own" selected>' in page
        proposal = page.split('id="archive-proposal"')[1].split("</div>")[0]
        assert "2026-03-02" in proposal and "在保修期内: <strong>是</strong>" in proposal
        form = {
            "csrf_token": csrf(client, f"/tasks/{triage.id}"),
            "action": "complete",
            "contacted_at": "2026-03-02T09:00",
            "product_category": "own",
            "under_warranty": "false",
            "has_contract": "false",
            "misuse": "false",
            "distance_km": "120",
        }
        refused = client.post(f"/tasks/{triage.id}", data=form)
        again = refused.get_data(as_text=True)
        assert refused.status_code == 422
        assert "产品档案为：是" in again and "请说明与产品档案不一致的理由" in again
        assert 'name="under_warranty" value="false" required checked' in again  # what was typed stays
        form["archive_note"] = "客户称该机为二手转让，原保修不随机转移"
        assert client.post(f"/tasks/{triage.id}", data=form).status_code == 302
        sign_in(client, "quality_manager")
        register = client.get("/quality/approvals").get_data(as_text=True)
    row = register.split('data-task="triage"')[1].split("</tr>")[0]
    assert "与档案不一致：在保修期内 档案为 是 → 选择 否" in row and form["archive_note"] in row
