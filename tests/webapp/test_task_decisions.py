"""Decisions with their facts: the task page shows what the decision rests on, and an approval
is an explicit choice that must be made (S3 2.3: the division head and the general manager
approve exchange and refund notices; S2 7.2.4: a refused fee needs the general manager)."""

from __future__ import annotations

import re

from engine.services import tasks
from tests.conftest import SQLITE_ONLY
from tests.priced import QUOTE_860
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import OUT_OF_WARRANTY
from tests.processes.journeys import to_solution
from tests.processes.test_exchange_refund import confirmed
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in

pytestmark = SQLITE_ONLY  # pages and messages: the database is incidental (tests/conftest.py)


def facts_of(page: str) -> dict[str, str]:
    """The 'facts for this decision' list of a task page, label → shown value."""
    block = page.split('id="decision-facts"')[1].split("</dl>")[0]
    return dict(re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", block))


def open_task(ctx, actor, case_id: int, bpmn_id: str) -> int:
    return next(t.id for t in tasks.list_tasks(ctx, actor) if t.case_id == case_id and t.bpmn_id == bpmn_id)


def test_the_division_head_sees_the_refund_amount_and_kind_before_deciding(app, ctx, staff, start) -> None:  # noqa: F811
    case = confirmed(start, kind="refund", amount="68000")
    item = open_task(ctx, staff["division_head"], case.id, "approve_division")
    client = app.test_client()
    sign_in(client, "division_head")
    page = client.get(f"/tasks/{item}").get_data(as_text=True)
    assert facts_of(page) == {
        "退换原因": "保修期内质量缺陷且无法修复",
        "方式": "退货退款",
        "金额（元）": "68000",
        "产品质量退换通知单号": "TH-2026-007",
        "退换明细": "AWP-12 整机 1 台",
    }
    # The decision is two named choices, neither picked; no checkbox that means "no" when left alone.
    choices = re.findall(
        r'<input type="radio" class="form-check-input" name="division_approved" value="(\w+)"[^>]*>\s*(\S+)</label>',
        page,
    )
    assert choices == [("true", "批准"), ("false", "驳回")]
    assert 'name="division_approved" value="true" required checked' not in page
    assert 'type="checkbox" name="division_approved"' not in page


def test_an_approval_left_unchosen_is_refused_and_the_form_comes_back(app, ctx, staff, start) -> None:  # noqa: F811
    case = confirmed(start)
    item = open_task(ctx, staff["division_head"], case.id, "approve_division")
    client = app.test_client()
    sign_in(client, "division_head")
    token = csrf(client, f"/tasks/{item}")
    refused = client.post(
        f"/tasks/{item}", data={"csrf_token": token, "action": "complete", "division_approved_comment": "看一下"}
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="f-division_approved" role="radiogroup" aria-invalid="true"' in page
    assert "看一下" in page  # what was typed stays
    assert case.open() == ["approve_division"]  # nothing moved
    rejected = client.post(
        f"/tasks/{item}", data={"csrf_token": token, "action": "complete", "division_approved": "false"}
    )
    assert rejected.status_code == 302
    assert case.open() == ["tell_refused"]  # rejecting is a choice, and it is taken as one


def test_the_general_manager_sees_the_refused_fee_and_the_customers_note(app, ctx, staff, start) -> None:  # noqa: F811
    case = start("service_request")
    to_solution(case, "onsite", OUT_OF_WARRANTY)
    case.do("finance", "quote", {**QUOTE_860, "quote_note": "更换油泵"})
    case.do("service_desk", "confirm_quote", {"quote_accepted": False, "customer_note": "认为应保修"})
    item = open_task(ctx, staff["general_manager"], case.id, "approve_unpaid")
    client = app.test_client()
    sign_in(client, "general_manager")
    page = client.get(f"/tasks/{item}").get_data(as_text=True)
    # The total was left blank by finance and computed from its lines: 260 + 600.
    assert facts_of(page) == {
        "报价合计（元）": "860.00",
        "报价说明": "更换油泵",
        "同意付费": "拒绝",
        "客户意见": "认为应保修",
    }
    assert '<details class="summary" id="case-record">' in page  # the whole record is there, folded


def test_a_quote_total_that_is_not_the_sum_of_its_parts_is_refused(app, ctx, staff, start) -> None:  # noqa: F811
    case = start("service_request")
    to_solution(case, "onsite", OUT_OF_WARRANTY)
    item = open_task(ctx, staff["finance"], case.id, "quote")
    client = app.test_client()
    sign_in(client, "finance")
    token = csrf(client, f"/tasks/{item}")
    typed = {"csrf_token": token, "action": "complete", "quote_amount": "800"}
    for n, line in enumerate(QUOTE_860["quote_lines"]):
        typed.update({f"quote_lines-{n}-{column}": value for column, value in line.items()})
    refused = client.post(f"/tasks/{item}", data=typed)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "= 860" in page, page
    assert 'id="f-quote_amount" name="quote_amount" value="800" aria-invalid="true"' in page
    assert 'value="800" aria-invalid="true" aria-describedby="error-quote_amount" autofocus' in page


def test_a_task_without_declared_facts_shows_every_step_that_led_to_it(app, ctx, staff, start) -> None:  # noqa: F811
    case = start("service_request")
    to_solution(case, "onsite", OUT_OF_WARRANTY)
    item = open_task(ctx, staff["finance"], case.id, "quote")
    client = app.test_client()
    sign_in(client, "finance")
    page = client.get(f"/tasks/{item}").get_data(as_text=True)
    assert 'id="decision-facts"' not in page
    record = page.split('id="case-record" open>')[1].split("</details>")[0]
    assert record.count('<section class="record-step">') >= 4  # opened, register, triage, guidance, way
    assert '<dt>在保修期内</dt><dd data-field="under_warranty">否</dd>' in record
    for variable in ("under_warranty", "product_category", "solution"):
        assert f"<dt>{variable}</dt>" not in record
