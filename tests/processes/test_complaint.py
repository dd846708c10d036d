"""complaint: SPEC flow 4 (S4 3, S0 二十二–二十八), each test named after the clause it checks."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from tests.processes.conftest import SHANGHAI

COMPLAINT = {
    "customer": "东岭示例电气集团",
    "order_no": "SO-2026-0310",
    "part_no": "KG-5",
    "quantity": 20,
    "defective_qty": 3,
    "complaint_text": "三台开关柜合闸失败，要求更换",
    "complaint_class": "quality",
    "severity": "minor",
    "complexity": "general",
}
COMPANY_FAULT = {
    "analysis": "装配扭矩不足",
    "company_fault": True,
    "responsible_department": "production",
    "cause": "assembly",
}
RESULT = {"result": "已更换三台", "customer_informed": True, "external_cost": "4500.00"}
CAPA = {"corrective_action": "复紧全部在库产品", "preventive_action": "增加扭矩检验", "effective": True}


def analysed(start, **register):
    case = start("complaint")
    case.do("service_desk", "register", {**COMPLAINT, **register})
    case.do("service_desk", "first_contact", {"contact_note": "当即电话联系客户"})
    case.do("tech_support", "analyse", COMPANY_FAULT)
    return case


def test_every_complaint_gets_a_number_and_a_first_contact_at_once(start) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case = start("complaint")
        case.do("service_desk", "register", COMPLAINT)
    assert case.info.number.startswith("CP-2026-")
    assert case.task("service_desk", "first_contact").due_at == datetime(2026, 3, 2, 11, 0, tzinfo=SHANGHAI)


def test_general_complaints_are_due_within_15_working_days(start) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case = analysed(start)
    case.do("quality_office", "record_minor", {"feedback_to": "生产部"})
    assert case.task("quality_office", "carry_out").due_at == datetime(2026, 3, 23, 9, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("registered", "due"),
    [
        (datetime(2026, 3, 2, 9, 0), datetime(2026, 4, 2, 9, 0)),
        # Across National Day (1–7 October off): still the same day of the next month, not
        # 22 working days (which, with Mid-Autumn and National Day off, ended on 21 October).
        (datetime(2026, 9, 15, 9, 0), datetime(2026, 10, 15, 9, 0)),
        (datetime(2026, 1, 31, 10, 0), datetime(2026, 2, 28, 10, 0)),  # February is shorter
    ],
)
def test_complex_complaints_are_due_within_a_calendar_month(start, registered, due) -> None:
    with time_machine.travel(registered.replace(tzinfo=SHANGHAI), tick=False):
        case = analysed(start, complexity="complex")
    case.do("quality_office", "record_minor", {"feedback_to": "生产部"})
    assert case.task("quality_office", "carry_out").due_at == due.replace(tzinfo=SHANGHAI)


def test_not_the_companys_fault_is_explained_with_evidence(start) -> None:
    case = start("complaint")
    case.do("service_desk", "register", COMPLAINT)
    case.do("service_desk", "first_contact", {"contact_note": "已联系"})
    case.do("tech_support", "analyse", {**COMPANY_FAULT, "company_fault": False, "cause": "use"})
    case.do("service_desk", "explain", {"explanation": "检验报告显示为超负荷使用"})
    assert case.status == "completed"


def test_minor_complaints_are_recorded_fed_back_and_closed_with_capa(start) -> None:
    case = analysed(start)
    case.do("quality_office", "record_minor", {"feedback_to": "生产部"})
    case.do("quality_office", "carry_out", RESULT)
    case.do("quality_manager", "capa", CAPA)
    assert case.status == "completed"


def test_serious_complaints_get_measures_negotiation_and_parallel_department_approval(start) -> None:
    case = analysed(start, severity="serious", about_staff="王工")
    case.do("quality_office", "handling_form", {"handling_form_no": "TS-01"})
    assert case.open() == ["propose_production", "propose_technical"]
    case.do("workshop", "propose_production", {"production_measures": "返工"})
    case.do("tech_support", "propose_technical", {"technical_measures": "改图"})
    case.do("sales", "negotiate", {"agreed_solution": "免费更换"})
    assert case.open() == ["approve_production", "approve_quality", "approve_technical"]
    case.do("tech_support", "approve_technical", {"technical_approved": True})
    case.do("workshop", "approve_production", {"production_approved": True})
    case.do("quality_manager", "approve_quality", {"quality_approved": True})
    assert case.open() == ["carry_out"]
    case.do("quality_office", "carry_out", RESULT)
    case.do("quality_manager", "capa", CAPA)
    assert case.open() == ["record_performance"]  # the complaint names a staff member
    case.do("quality_manager", "record_performance", {"performance_note": "计入当月考核"})
    assert case.status == "completed"


def test_a_department_rejecting_a_serious_complaint_sends_it_to_the_general_manager(start) -> None:
    case = analysed(start, severity="serious")
    case.do("quality_office", "handling_form", {"handling_form_no": "TS-02"})
    case.do("workshop", "propose_production", {"production_measures": "返工"})
    case.do("tech_support", "propose_technical", {"technical_measures": "改图"})
    case.do("sales", "negotiate", {"agreed_solution": "折价"})
    case.do(
        "tech_support", "approve_technical", {"technical_approved": False, "technical_approved_comment": "措施不足"}
    )
    case.do("workshop", "approve_production", {"production_approved": True})
    case.do("quality_manager", "approve_quality", {"quality_approved": True})
    assert case.open() == ["gm_review"]


def test_major_complaints_are_reviewed_by_the_general_manager_and_answered_in_writing(start) -> None:
    case = analysed(start, severity="major")
    assert case.open() == ["gm_review"]
    case.do("general_manager", "gm_review", {"gm_decision": "全部更换并赔偿运费"})
    case.do("service_desk", "written_reply", {"reply_ref": "函-2026-05"})
    assert case.open() == ["carry_out"]


def test_a_complaint_past_its_deadline_is_chased(start) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case = analysed(start, complexity="simple")
        case.do("quality_office", "record_minor", {"feedback_to": "生产部"})
    assert case.fire_timers_at(datetime(2026, 3, 3, 9, 1, tzinfo=SHANGHAI)) == 1
    assert case.open() == ["carry_out", "chase_complaint"]
    case.do("quality_manager", "chase_complaint", {"breach_note": "已督办"})
    assert case.open() == ["carry_out"]
