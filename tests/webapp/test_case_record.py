"""The case page as the record a desk works from: customer and contact, the product with its
archive entry, the money and the customer's ratings at the head, each value with its label."""

from __future__ import annotations

import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import time_machine

from engine.services import products
from tests.priced import QUOTE_860
from tests.priced import invoice
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import CALL
from tests.processes.journeys import OUT_OF_WARRANTY
from tests.processes.journeys import dispatch_and_repair
from tests.processes.journeys import rate_and_follow_up
from tests.processes.journeys import report_and_verify
from tests.processes.journeys import to_solution
from tests.webapp.test_pages import sign_in
from tests.webapp.test_product_archive import HEADER


def group(page: str, name: str) -> dict[str, str]:
    """The label → shown value pairs of one group of the record's head."""
    section = page.split(f'id="record-{name}"')[1].split("</section>")[0]
    pairs = re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", section, re.S)
    return {label.strip(): value.strip() for label, value in pairs}


def test_a_paid_repair_shows_customer_product_money_and_ratings_at_the_head(app, ctx, staff, start) -> None:  # noqa: F811
    units = f"{HEADER}\n{CALL['serial_number']},AWP-12,own,{CALL['customer']},2024-03-01,2025-03-01,,\n"
    products.import_units(ctx, staff["quality_manager"], "units.csv", units.encode())
    case = start("service_request")
    to_solution(case, "onsite", OUT_OF_WARRANTY)
    case.do("finance", "quote", QUOTE_860)
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=2, seconds=1)):  # the customer takes 2 hours
        case.do("service_desk", "confirm_quote", {"quote_accepted": True})
        dispatch_and_repair(case)
        case.do("service_desk", "feedback", {"feedback_signed_by": "李经理"})
        case.do("quality_office", "approve_leave", {"leave": "approved"})
        report_and_verify(case)
        case.do("finance", "invoice", invoice(QUOTE_860))
        rate_and_follow_up(case)
        client = app.test_client()
        sign_in(client, "quality_office")
        page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert group(page, "customer") == {
        "客户单位": CALL["customer"],
        "联系电话": CALL["contact_phone"],
        "来源渠道": "电话",
    }
    assert group(page, "product")["产品型号"] == "AWP-12"
    assert group(page, "product")["出厂编号"] == CALL["serial_number"]
    assert group(page, "product")["在保修期内"] == "否"
    # The total was left blank and computed from its lines: 260 + 600.
    money = group(page, "money")
    assert money["报价合计（元）"] == "860.00" and money["发票金额（元）"] == "860.00"
    assert money["同意付费"] == "同意" and money["发票号"] == "FP-0001" and money["收款金额（元）"] == "860.00"
    assert group(page, "ratings")["服务态度"] == "满意"
    # The archive's word beside the caller's: warranty ended on 2025-03-01.
    archive = page.split('id="archive-unit"')[1].split("</section>")[0]
    assert "2025-03-01" in archive and 'id="warranty-state">今日已过保修期' in archive
    for variable in ("quote_amount", "rating_attitude", "under_warranty"):
        assert f"<dt>{variable}</dt>" not in page
    # The promises the case kept: forwarded and contacted at once; the engineer's recorded
    # arrival is long before the 24 hours the 120 km allow; the service ended (the same day)
    # within the 15 working days of the whole request.
    promises = page.split('id="promises"')[1].split("</section>")[0]
    kept = re.findall(r'class="clock clock-(\w+)" data-clock="(\w+)"', promises)
    assert kept == [("kept", "forward"), ("kept", "contact"), ("kept", "arrival"), ("kept", "resolution")]
    assert "将来电信息传递到质量室" in promises and "S2 5.1.1.3" in promises
    # The 2 hours the customer took over the quote are added to the arrival and resolution terms.
    assert promises.count("已顺延 2 小时：等待客户答复") == 2
