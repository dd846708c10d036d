"""The trip claim (S2 7.2.7): within 3 working days of coming back the engineer hands in the trip
report with the expense claim and its receipts; within 5 working days the quality office verifies
the service and audits the expenses; finance reimburses what was approved. Nothing but the trip's
transport, lodging and allowance is paid without prior approval (S2 8.4): a cut line says why.
"""

from __future__ import annotations

import base64
import hashlib
from decimal import Decimal

from sqlalchemy import select

from engine.domain.file_kinds import Upload
from engine.services import tasks
from engine.store.models import CaseAttachment
from tests.priced import CLAIM_860
from tests.priced import claim
from tests.priced import reimbursed
from tests.priced import verified
from tests.processes.journeys import dispatch_and_repair
from tests.processes.journeys import refusal
from tests.processes.journeys import to_solution

TICKET = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # a photographed train ticket
HOTEL = b"%PDF-1.4\n% hotel invoice\n%%EOF\n"


def back_from_the_trip(start):
    case = start("service_request")
    to_solution(case, "onsite")
    dispatch_and_repair(case)
    case.do("service_desk", "feedback", {"feedback_signed_by": "李经理"})
    case.do("quality_office", "approve_leave", {"leave": "approved"})
    return case


def test_the_claim_goes_in_with_its_receipts_a_cut_line_says_why_and_finance_pays_the_rest(ctx, staff, start):
    case = back_from_the_trip(start)
    receipts = [
        Upload("车票.png", TICKET),
        {"filename": "hotel.pdf", "content_base64": base64.b64encode(HOTEL).decode()},
    ]
    case.do("engineer_wang", "trip_report", {**claim("更换密封圈"), "receipts": receipts})
    assert Decimal(case.data["expenses"]) == Decimal("860")  # 480 + 300 + 80
    kept = case.data["receipts"]
    assert [item["file"] for item in kept] == ["车票.png", "hotel.pdf"]
    with ctx.uow() as uow:
        stored = {
            row.id: row for row in uow.session.scalars(select(CaseAttachment).where(CaseAttachment.case_id == case.id))
        }
        assert [stored[item["attachment_id"]].content for item in kept] == [TICKET, HOTEL]
    assert [item["sha256"] for item in kept] == [hashlib.sha256(TICKET).hexdigest(), hashlib.sha256(HOTEL).hexdigest()]
    # The audit opens with each claimed line, approved in full.
    page = tasks.task_page(ctx, staff["quality_office"], case.task("quality_office", "verify").id)
    opened = [(row["item"], row["claimed"], row["approved"]) for row in page.draft["expense_audit"]]
    assert opened == [("高铁往返", "480", "480"), ("2 晚", "300", "300"), ("2 天", "80", "80")]
    # Lodging above the company's rate: 300 cut to 200.
    case.do("quality_office", "verify", verified(line_1=("200", "超住宿标准")))
    assert Decimal(case.data["approved_expenses"]) == Decimal("760")  # 480 + 200 + 80
    assert Decimal(case.data["rejected_expenses"]) == Decimal("100")  # 300 − 200
    assert case.open() == ["reimburse"]
    case.do("finance", "reimburse", reimbursed("760.00"))
    assert case.open() == ["rate"]


def test_an_audit_that_does_not_follow_the_claim_is_refused_cell_by_cell(start):
    case = back_from_the_trip(start)
    case.do("engineer_wang", "trip_report", claim("更换密封圈"))
    above = verified(line_0=("500", ""))
    assert refusal(case, "quality_office", "verify", above) == {"expense_audit-0-approved": "at most the claimed 480"}
    silent = verified(line_1=("200", ""))
    assert refusal(case, "quality_office", "verify", silent) == {"expense_audit-1-reason": "say why the line is cut"}
    changed = verified()
    changed["expense_audit"][2]["claimed"] = "60"
    assert refusal(case, "quality_office", "verify", changed) == {
        "expense_audit-2-claimed": "the engineer claimed 80 on this line"
    }
    dropped = verified()
    dropped["expense_audit"].pop()
    assert refusal(case, "quality_office", "verify", dropped) == {
        "expense_audit": "audit each claimed line once: 3 lines were claimed"
    }
    rejected_but_paid = verified(approved=False)
    assert refusal(case, "quality_office", "verify", rejected_but_paid) == {
        f"expense_audit-{n}-approved": "a rejected claim approves nothing: 0" for n in range(3)
    }
    assert case.open() == ["verify"]


def test_a_claim_rejected_as_a_whole_is_not_reimbursed(start):
    case = back_from_the_trip(start)
    case.do("engineer_wang", "trip_report", claim("更换密封圈"))
    no = ("0", "未附票据")
    case.do("quality_office", "verify", verified(approved=False, line_0=no, line_1=no, line_2=no))
    assert Decimal(case.data["approved_expenses"]) == Decimal("0")
    assert Decimal(case.data["rejected_expenses"]) == Decimal("860")
    assert case.open() == ["rate"]  # nothing for finance to pay


def test_a_file_that_is_no_receipt_is_refused_by_name_and_nothing_is_kept(ctx, start):
    case = back_from_the_trip(start)
    program = Upload("报销.exe", b"MZ\x90\x00" + b"\x00" * 60)
    errors = refusal(case, "engineer_wang", "trip_report", {**claim("更换密封圈", CLAIM_860), "receipts": [program]})
    assert list(errors) == ["receipts"]
    assert errors["receipts"].startswith("报销.exe: only these kinds of file are accepted")
    with ctx.uow() as uow:
        assert uow.session.scalars(select(CaseAttachment).where(CaseAttachment.case_id == case.id)).all() == []
    assert case.open() == ["trip_report"]
