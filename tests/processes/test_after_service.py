"""After every service (SPEC): satisfaction survey, follow-up call, contract renewal notice."""

from __future__ import annotations

from datetime import datetime

from tests.processes.conftest import SHANGHAI
from tests.processes.journeys import CALL
from tests.processes.journeys import IN_WARRANTY
from tests.processes.journeys import SATISFIED
from tests.processes.journeys import rate_and_follow_up


def solved_by_phone(start):
    case = start("service_request")
    case.do("service_desk", "register", CALL)
    case.do("quality_office", "triage", IN_WARRANTY)
    case.do("tech_support", "guidance", {"resolved": True, "guidance_note": "复位"})
    return case


def test_a_poor_rating_opens_a_follow_up_by_the_quality_office(start) -> None:
    case = solved_by_phone(start)
    case.do("service_desk", "rate", {**SATISFIED, "rating_arrival": "poor", "rating_comment": "到达太晚"})
    assert case.open() == ["poor_follow_up"]
    case.do("quality_office", "poor_follow_up", {"follow_up_action": "致歉并调整派工"})
    assert case.open() == []


def test_ratings_have_four_levels_on_four_items(start) -> None:
    case = solved_by_phone(start)
    fields = {f["id"]: f for f in case.task("service_desk", "rate").form["fields"]}
    for item in ("attitude", "skill", "arrival", "promises"):
        assert [o["id"] for o in fields[f"rating_{item}"]["options"]] == ["very_satisfied", "satisfied", "fair", "poor"]


def test_the_customer_is_called_one_month_after_the_service(start) -> None:
    case = solved_by_phone(start)
    rate_and_follow_up(case)
    assert case.status == "completed"


def test_maintenance_contract_renewal_notice_one_month_before_expiry(start) -> None:
    outcomes = {}
    for renewed in (True, False):
        contract = {"customer": "北辰示例油田设备", "contract_no": f"WB-{renewed}", "contract_end": "2027-06-30"}
        case = start("contract_renewal", contract, role="sales")
        assert case.open() == [] and case.info.next_timer_at is not None
        assert case.fire_timers_at(datetime(2027, 5, 29, 12, 0, tzinfo=SHANGHAI)) == 0
        assert case.fire_timers_at(datetime(2027, 5, 30, 9, 0, tzinfo=SHANGHAI)) == 1
        case.do("sales", "notify", {"notice_sent": True, "renewed": renewed})
        if renewed:
            case.do("service_desk", "register_renewal", {"new_contract_no": "WB-2027-2"})
        outcomes[renewed] = case.status
    assert outcomes == {True: "completed", False: "completed"}
