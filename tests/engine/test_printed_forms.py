"""The policy's paper forms as numbered PDFs: each rendered from a case that went through its
flow, its text read back (pypdf) and the case's values found in it."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from engine.domain import printed_forms
from engine.domain.errors import NotFound
from engine.services import printed_forms as printing
from engine.store.pdf_documents import inline_only
from engine.store.pdf_documents import pdf_of
from tests.actors import SYSTEM
from tests.conftest import SQLITE_ONLY
from tests.priced import QUOTE_860
from tests.priced import claim
from tests.priced import invoice
from tests.priced import reimbursed
from tests.priced import verified
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import OUT_OF_WARRANTY
from tests.processes.journeys import dispatch_and_repair
from tests.processes.journeys import to_solution
from tests.processes.test_complaint import COMPANY_FAULT
from tests.processes.test_complaint import COMPLAINT
from tests.processes.test_exchange_refund import confirmed
from tests.processes.test_factory_repair import JOINT
from tests.processes.test_factory_repair import returned
from tests.processes.test_onsite_repair import QUOTE
from tests.processes.test_onsite_repair import finish_on_site
from tests.processes.test_parts import ACCOUNT
from tests.processes.test_parts import on_the_trip

NUMBER = re.compile(r"^[A-Z]{2}-\d{4}-\d{4}$")


def _text(pdf: bytes) -> str:
    """The PDF's text without the line breaks and spaces its layout puts between characters."""
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def _printed(ctx: Any, case_id: int, key: str, *values: str) -> printing.PrintedDocument:
    document = printing.print_form(ctx, SYSTEM, case_id, key)
    assert document.content.startswith(b"%PDF-") and NUMBER.match(document.number)
    text = _text(document.content)
    form = printed_forms.FORMS[key]
    for expected in (form.title, document.number, *values):
        assert re.sub(r"\s+", "", expected) in text, f"{key}: {expected!r} not printed"
    return document


@SQLITE_ONLY  # the rendering; the numbering runs on both databases below
def test_an_on_site_repair_prints_its_quote_service_report_feedback_form_and_invoice(ctx, start) -> None:  # noqa: F811
    case = start("service_request")
    to_solution(case, "onsite", OUT_OF_WARRANTY)
    assert printing.forms_of_case(ctx, SYSTEM, case.id) == []  # nothing quoted or serviced yet
    case.do("finance", "quote", QUOTE)
    case.do("service_desk", "confirm_quote", {"quote_accepted": True})
    dispatch_and_repair(case)
    finish_on_site(case)
    offered = [offer.key for offer in printing.forms_of_case(ctx, SYSTEM, case.id)]
    assert offered == ["service_report", "feedback_form", "quote", "expense_claim"]
    number = case.info.number
    _printed(ctx, case.id, "quote", number, "华东示例重工有限公司", "AWP-12", "260.00", "600.00", "860.00")
    _printed(ctx, case.id, "service_report", number, "AW2026-0101", "液压系统漏油", "密封圈老化", "2026-03-0310:00")
    _printed(ctx, case.id, "feedback_form", number, "李经理", "液压系统漏油")
    case.do("finance", "invoice", invoice(QUOTE_860, "FP-0009", "860.00") | {"collected_on": "2026-03-20"})
    assert "invoice" in [offer.key for offer in printing.forms_of_case(ctx, SYSTEM, case.id)]
    _printed(ctx, case.id, "invoice", number, "FP-0009", "260.00", "600.00", "860.00", "2026-03-20")


@SQLITE_ONLY  # the rendering; the numbering runs on both databases below
def test_a_factory_repair_prints_its_entrusted_repair_order_and_repair_record(ctx, start) -> None:  # noqa: F811
    case = returned(start)
    case.do(
        "quality_office",
        "reinspect",
        {**JOINT, "repairable": True, "parts_source": "own", "paid_repair": False, "responsibility": "company"},
    )
    case.do("workshop", "repair", {"repair_order_no": "WX-01", "repair_hours": "3.5", "repair_parts": "油泵"})
    case.do("inspector", "inspect", {"passed": True})
    case.do("warehouse", "ship_back", {"shipping_no": "SF-001"})
    _printed(ctx, case.id, "repair_order", "华东示例重工有限公司", "油泵磨损", "质量、技术、检验、生产", "WX-01")
    _printed(ctx, case.id, "repair_record", "AW2026-0101", "3.5", "油泵", "SF-001")


@SQLITE_ONLY  # the rendering; the numbering runs on both databases below
def test_an_exchange_prints_its_quality_exchange_notice(ctx, start) -> None:  # noqa: F811
    case = confirmed(start)
    _printed(ctx, case.id, "exchange_notice", "AWP-12整机1台", "18,000.00", "TH-2026-007")


@SQLITE_ONLY  # the rendering; the numbering runs on both databases below
def test_a_complaint_prints_its_handling_sheet(ctx, start) -> None:  # noqa: F811
    case = start("complaint")
    case.do("service_desk", "register", COMPLAINT)
    case.do("service_desk", "first_contact", {"contact_note": "当即电话联系客户"})
    case.do("tech_support", "analyse", COMPANY_FAULT)
    _printed(
        ctx,
        case.id,
        "complaint_sheet",
        "东岭示例电气集团",
        "SO-2026-0310",
        "三台开关柜合闸失败，要求更换",
        "装配扭矩不足",
    )


@SQLITE_ONLY  # the rendering; the numbering runs on both databases below
def test_a_maintenance_contract_prints_its_due_notice(ctx, start) -> None:  # noqa: F811
    contract = {"customer": "北辰示例油田设备", "contract_no": "WB-2026-09", "contract_end": "2027-06-30"}
    case = start("contract_renewal", contract, role="sales")
    _printed(ctx, case.id, "maintenance_notice", "北辰示例油田设备", "WB-2026-09", "2027-06-30")


@SQLITE_ONLY  # the rendering; the numbering runs on both databases below
def test_a_trip_prints_its_expense_claim_and_its_parts_slip(ctx, start) -> None:  # noqa: F811
    case = on_the_trip(start)
    case.do("engineer_wang", "trip_report", {**claim("更换密封圈"), "parts_accounted": ACCOUNT})
    results = [
        {"part_no": "SEAL-01", "source": "unused", "qty": "1", "result": "good"},
        {"part_no": "PUMP-02", "source": "unused", "qty": "1", "result": "good"},
        {"part_no": "SEAL-01", "source": "removed", "qty": "2", "result": "scrap"},
    ]
    case.do("quality_office", "reinspect_parts", {"reinspection": results, "inspection_certificate": "JY-2026-031"})
    case.do("warehouse", "transfer_stock", {"stock_moved": True, "transfer_no": "ZY-88"})
    case.do("quality_office", "verify", verified(line_1=("200", "超出住宿标准")))
    case.do("finance", "reimburse", reimbursed("760.00"))
    # 480 + 300 + 80 claimed; lodging cut to 200: 760 approved, 100 cut.
    _printed(ctx, case.id, "expense_claim", "高铁往返", "480", "860.00", "760.00", "超出住宿标准", "BX-0001")
    _printed(ctx, case.id, "parts_slip", "ERP-AS-0412", "SEAL-01", "PUMP-02", "JY-2026-031", "ZY-88")


def test_a_reprint_keeps_its_number_and_the_next_case_gets_the_next_one(ctx, start) -> None:  # noqa: F811
    first, second = (
        start(
            "contract_renewal",
            {"customer": "北辰", "contract_no": f"WB-{n}", "contract_end": "2027-06-30"},
            role="sales",
        )
        for n in (1, 2)
    )
    printed = printing.print_form(ctx, SYSTEM, first.id, "maintenance_notice").number
    assert printing.print_form(ctx, SYSTEM, first.id, "maintenance_notice").number == printed
    following = printing.print_form(ctx, SYSTEM, second.id, "maintenance_notice").number
    prefix, year, count = printed.split("-")
    assert following == f"{prefix}-{year}-{int(count) + 1:04d}"
    assert [o.number for o in printing.forms_of_case(ctx, SYSTEM, first.id)] == [printed]


@SQLITE_ONLY  # the rendering; the numbering runs on both databases below
def test_a_form_the_case_has_nothing_for_and_an_unknown_form_are_refused(ctx, start) -> None:  # noqa: F811
    case = start(
        "contract_renewal", {"customer": "北辰", "contract_no": "WB-1", "contract_end": "2027-06-30"}, role="sales"
    )
    with pytest.raises(NotFound):
        printing.print_form(ctx, SYSTEM, case.id, "service_report")
    with pytest.raises(NotFound):
        printing.print_form(ctx, SYSTEM, case.id, "no_such_form")


def test_a_form_cannot_load_files_or_addresses() -> None:
    for url in ("file:///etc/passwd", "http://127.0.0.1:1/x.png", "https://example.com/logo.png"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            inline_only().fetch(url)
    # The image is left out and the document still prints.
    pdf = pdf_of(
        '<html><body><p>保养</p><img src="file:///etc/hostname"><link rel="stylesheet" href="file:///etc/passwd"></body></html>'
    )
    assert "保养" in _text(pdf)


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("{% for i in range(9) %}x{% endfor %}", "line 1: for is not allowed"),
        ('{{ "x" * 99999999 }}', "line 1: mul is not allowed"),
        ("\n{{ shown.__globals__ }}", "line 2: only form."),
        ('{% include "/etc/passwd" %}', "include is not allowed"),
        ('{% extends "../../../etc/passwd" %}', 'extends only "_form.html"'),
        ("{{ lipsum() }}", "unknown name lipsum"),
        ('{{ shown("a")|upper }}', "filter is not allowed"),
        ("{% if %}", "line 1: Expected an expression"),
    ],
)
def test_an_administrators_form_template_is_refused_with_its_line_when_it_does_more_than_print(
    source: str, problem: str
) -> None:
    assert any(problem in found for found in printed_forms.problems_of(source))


def test_every_shipped_form_template_keeps_to_the_editors_rules() -> None:
    for form in printed_forms.FORMS.values():
        assert printed_forms.problems_of(printed_forms.shipped_source(form)) == [], form.key
