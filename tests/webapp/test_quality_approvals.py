"""The approvals register on known cases: every decision with who, role, amount and comment;
filters; CSV and XLSX exports equal to the page; only quality readers see it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from engine.domain.errors import NotAllowed
from engine.domain.periods import reporting_period
from engine.services import approvals
from engine.store.db import utcnow
from tests.priced import QUOTE_860
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import OUT_OF_WARRANTY
from tests.processes.journeys import to_solution
from tests.webapp.test_pages import sign_in

QUOTE = {**QUOTE_860, "quote_amount": "860.00"}


@pytest.fixture
def decided(ctx, staff, start):  # noqa: F811
    """An out-of-warranty fee refused by the customer and waived by the general manager."""
    case = start("service_request")
    to_solution(case, "onsite", OUT_OF_WARRANTY)  # guidance: not resolved; solution: on site
    case.do("finance", "quote", QUOTE)
    case.do("service_desk", "confirm_quote", {"quote_accepted": False, "customer_note": "认为应保修"})
    case.do("general_manager", "approve_unpaid", {"unpaid_approved": True, "unpaid_approved_comment": "重点客户"})
    return case


def register(ctx, actor, **filters):
    today = utcnow().date()
    period = reporting_period(ctx.config.timezone, str(today - timedelta(days=1)), str(today + timedelta(days=1)))
    return approvals.list_approvals(ctx, actor, approvals.ApprovalFilter(period, **filters))


def test_each_decision_is_listed_with_who_role_amount_and_comment(ctx, staff, decided) -> None:  # noqa: F811
    rows = register(ctx, staff["quality_manager"])
    # Approvals and confirmations only, each answer by its choice's name; routing choices
    # (the request kind, phone guidance, the way of repair) are not approvals.
    assert [(a.bpmn_id, a.decision) for a in rows] == [
        ("approve_unpaid", "审批结论: 批准"),
        ("confirm_quote", "同意付费: 拒绝"),
    ]
    waived, refused = rows[0], rows[1]
    assert (waived.actor, waived.role, waived.comment, waived.amount) == (
        "general_manager",
        "general_manager",
        "重点客户",
        "860.00",
    )
    assert (waived.process, waived.version, waived.step_process) == ("service_request", 1, "onsite_repair")
    assert (refused.actor, refused.role, refused.on_behalf_of, refused.amount) == (
        "service_desk",
        "service_desk",
        "customer",
        "860.00",
    )
    assert refused.comment == "认为应保修"


def test_filters_by_approver_decision_process_and_period(ctx, staff, decided) -> None:  # noqa: F811
    reader = staff["general_manager"]
    assert [a.bpmn_id for a in register(ctx, reader, approver="general_manager")] == ["approve_unpaid"]
    assert [a.bpmn_id for a in register(ctx, reader, decision="no")] == ["confirm_quote"]
    assert [a.bpmn_id for a in register(ctx, reader, decision="批准")] == ["approve_unpaid"]
    assert [a.bpmn_id for a in register(ctx, reader, process="onsite_repair")] == ["approve_unpaid", "confirm_quote"]
    earlier = reporting_period(ctx.config.timezone, "2020-01-01", "2020-01-31")
    assert approvals.list_approvals(ctx, reader, approvals.ApprovalFilter(earlier)) == []


def test_only_quality_readers(ctx, staff, decided) -> None:  # noqa: F811
    with pytest.raises(NotAllowed):
        register(ctx, staff["quality_office"])
    assert register(ctx, staff["division_head"])  # managers read the register too


def test_the_page_and_both_exports_show_the_same_rows(app, staff, decided) -> None:  # noqa: F811
    client = app.test_client()
    sign_in(client, "quality_manager")
    today = utcnow().date()
    query = f"from={today - timedelta(days=1)}&to={today + timedelta(days=1)}&process=onsite_repair"
    page = client.get(f"/quality/approvals?{query}").get_data(as_text=True)
    assert 'id="approval-total">2<' in page and "重点客户" in page and "(代 customer)" in page
    text = client.get(f"/quality/approvals.csv?{query}").data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][0] == "案件" and [row[4] for row in table[1:]] == [
        "拒付审批",
        "客户确认报价",
    ]
    assert table[1][7] == "860.00" and table[1][8] == "general_manager"
    book = load_workbook(io.BytesIO(client.get(f"/quality/approvals.xlsx?{query}").data))
    sheet = book.worksheets[0]
    assert [[str(c.value) if c.value is not None else "" for c in row] for row in sheet.iter_rows()] == table
    bad = client.get("/quality/approvals?from=2026-13-01")
    assert bad.status_code == 422 and 'value="2026-13-01"' in bad.get_data(as_text=True)


def test_the_register_is_refused_to_other_staff(app, staff) -> None:  # noqa: F811
    client = app.test_client()
    sign_in(client, "quality_office")
    assert client.get("/quality/approvals").status_code == 403
