"""Each of the four seed companies' promises entered as service settings, with no diagram edited.

The numbers are those of the seeds (../shared/seeds): S0 十九 (city 6 / suburb 7 working hours
from the call to arrival) and S0's 1 h dispatch; S2 5.1.1.3 (24/48/72 h by distance, the
shipped default); S3 一 (city 24 h, other areas 48 h, special cases three days; a reply within
2 hours); S4 4.(6) (a response within 2 h, on site within 4 h, fixed within 24 h). Every
expected time is worked out by hand below, on the default working day 08:30–12:00, 13:30–17:30.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import time_machine

from engine.domain.service_settings import SHIPPED_SETTINGS
from engine.services import case_views
from engine.services import service_settings
from tests.actors import SYSTEM
from tests.priced import QUOTE_300
from tests.processes.conftest import SHANGHAI
from tests.processes.journeys import CALL
from tests.processes.journeys import IN_WARRANTY
from tests.processes.journeys import OUT_OF_WARRANTY
from tests.processes.journeys import to_solution


def hours(amount: float, unit: str = "hours") -> dict[str, Any]:
    return {"amount": amount, "unit": unit}


def profile(terms: dict[str, Any] | None = None, **arrival: Any) -> dict[str, Any]:
    body = SHIPPED_SETTINGS.as_json()
    body["terms"].update(terms or {})
    body["arrival"].update(arrival)
    return body


S0 = profile(
    {"dispatch": hours(1)},
    zones={"city": hours(6, "working_hours"), "suburb": hours(7, "working_hours")},
)
S2 = profile()
S3 = profile(
    {"contact": hours(2)},
    zones={"city": hours(24), "other": hours(48), "special": hours(3, "days")},
)
S4 = profile({"contact": hours(2), "fix": hours(24)}, bands=[{"up_to_km": None, **hours(4)}])


def at(*moment: int) -> datetime:
    return datetime(*moment, tzinfo=SHANGHAI)


def on_site_due(start, called: datetime, distance: int, zone: str = "") -> datetime | None:
    """A call at ``called``; forwarded, checked and dispatched within its first hour."""
    with time_machine.travel(called, tick=False):
        case = start("service_request")
        to_solution(case, "onsite")
        case.do("dispatcher", "dispatch", {"engineer": "wang", "distance_km": distance, "service_zone": zone})
        case.do("engineer_wang", "prepare", {"plan_confirmed": True})
    return case.task("engineer_wang", "service").due_at


@pytest.mark.parametrize(
    ("body", "called", "distance", "zone", "due"),
    [
        # S0 十九: Monday 09:00 in the suburbs, 7 working hours: 3 to noon, 4 in the afternoon.
        (S0, at(2026, 3, 2, 9, 0), 30, "suburb", at(2026, 3, 2, 17, 30)),
        # … in the city, 6 working hours: 16:30 the same day.
        (S0, at(2026, 3, 2, 9, 0), 30, "city", at(2026, 3, 2, 16, 30)),
        # … called Friday 16:00 in the city: 1.5 h on Friday, 4.5 h from Monday 08:30 (the
        # weekend does not count) — Monday 14:30.
        (S0, at(2026, 3, 6, 16, 0), 30, "city", at(2026, 3, 9, 14, 30)),
        # S2 5.1.1.3: 800 km, 48 clock hours, through the weekend.
        (S2, at(2026, 3, 6, 15, 0), 800, "", at(2026, 3, 8, 15, 0)),
        # S3: other areas 48 h; a special case three days; a named zone beats the distance.
        (S3, at(2026, 3, 6, 15, 0), 50, "other", at(2026, 3, 8, 15, 0)),
        (S3, at(2026, 3, 6, 15, 0), 50, "special", at(2026, 3, 9, 15, 0)),
        # … without a zone S3 keeps the distance bands: 50 km, 24 h.
        (S3, at(2026, 3, 6, 15, 0), 50, "", at(2026, 3, 7, 15, 0)),
        # S4 4.(6): on site within 4 hours whatever the distance.
        (S4, at(2026, 3, 2, 9, 0), 800, "", at(2026, 3, 2, 13, 0)),
    ],
    ids=["S0-suburb", "S0-city", "S0-city-weekend", "S2-800km", "S3-other", "S3-special", "S3-no-zone", "S4"],
)
def test_each_companys_arrival_promise_is_entered_as_settings(
    ctx, staff, start, body, called, distance, zone, due
) -> None:
    service_settings.save_settings(ctx, SYSTEM, body, "tender promise", based_on=0)
    assert on_site_due(start, called, distance, zone) == due


def test_the_dispatch_promise_and_the_contact_clock_follow_the_settings(ctx, staff, start) -> None:
    """S0: an engineer dispatched within 1 hour; S3: the customer answered within 2 hours."""
    body = profile({"dispatch": hours(1), "contact": hours(2)})
    service_settings.save_settings(ctx, SYSTEM, body, "S0 and S3 promises", based_on=0)
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        case = start("service_request")
    with time_machine.travel(at(2026, 3, 2, 9, 15), tick=False):
        case.do("service_desk", "register", CALL)
    assert case.task("quality_office", "triage").due_at == at(2026, 3, 2, 11, 15)  # 2 h from forwarding
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        case.do("quality_office", "triage", IN_WARRANTY)
        case.do("tech_support", "guidance", {"resolved": False, "guidance_note": "未解决"})
        case.do("quality_office", "choose_way", {"solution": "onsite"})
    assert case.task("dispatcher", "dispatch").due_at == at(2026, 3, 2, 11, 0)


def test_a_six_day_week_counts_saturday_but_not_a_holiday_saturday(ctx, staff, start) -> None:
    """Forwarding due 4 working hours after a call on Friday 6 March 2026 at 16:00: 1.5 h on
    Friday, 2.5 h on Saturday from 08:30 — Saturday 11:00 (five-day week: Monday 11:00)."""
    body = {**SHIPPED_SETTINGS.as_json(), "six_day_week": True}
    service_settings.save_settings(ctx, SYSTEM, body, "workshop works Saturdays", based_on=0)
    with time_machine.travel(at(2026, 3, 6, 16, 0), tick=False):
        case = start("service_request")
    assert case.task("service_desk", "register").due_at == at(2026, 3, 7, 11, 0)
    with ctx.uow() as uow:
        calendar = ctx.calendar(uow.session)
    assert calendar.is_workday(datetime(2026, 3, 7).date())  # an ordinary Saturday
    assert not calendar.is_workday(datetime(2026, 2, 21).date())  # a Saturday of the Spring Festival
    assert calendar.is_workday(datetime(2026, 10, 10).date())  # the make-up Saturday after National Day
    assert not calendar.is_workday(datetime(2026, 3, 8).date())  # Sundays stay off


def test_a_company_that_dispatches_at_registration_skips_guidance_and_dispatches_within_the_hour(
    ctx, staff, start
) -> None:
    """S0 八: the call is registered, its service voucher checked, and sent to the supervisor to
    dispatch; S0 三.4: an engineer within 1 hour of the call."""
    body = {**profile({"dispatch": hours(1)}), "dispatch_at_registration": True}
    service_settings.save_settings(ctx, SYSTEM, body, "S0: dispatch at registration", based_on=0)
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        case = start("service_request")
    with time_machine.travel(at(2026, 3, 2, 9, 10), tick=False):
        case.do("service_desk", "register", CALL)
        case.do("quality_office", "triage", IN_WARRANTY)
    assert case.open() == ["dispatch"]  # no phone guidance, no solution meeting
    assert (case.data["solution"], case.data["resolved"]) == ("onsite", False)
    assert case.task("dispatcher", "dispatch").due_at == at(2026, 3, 2, 10, 0)  # the call + 1 h


def test_the_end_of_the_service_is_recorded_for_the_resolution_promise(start) -> None:
    """S2/11 3.12: a service request resolved within 15 working days; the clock stops when the
    service ends (here: solved by phone at 11:00), not at the follow-up call a month later."""
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        case = start("service_request")
        case.do("service_desk", "register", CALL)
        case.do("quality_office", "triage", IN_WARRANTY)
    with time_machine.travel(at(2026, 3, 2, 11, 0), tick=False):
        case.do("tech_support", "guidance", {"resolved": True, "guidance_note": "更换保险丝后恢复"})
    assert case.open() == ["rate"]
    assert datetime.fromisoformat(case.data["service_ended_at"]) == at(2026, 3, 2, 11, 0)


def test_the_arrival_promise_stands_still_while_the_customer_weighs_the_quote(start) -> None:
    """S2 7.2.4: a paid service is arranged once the customer agrees to the fee. Called Monday
    2 March 09:00, 120 km (24 clock hours, S2 5.1.1.3): due Tuesday 09:00 — but the quote went
    out Monday 10:00 and was accepted Wednesday 10:00, a 48-hour wait: due Thursday 5 March 09:00."""
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        case = start("service_request")
        to_solution(case, "onsite", OUT_OF_WARRANTY)
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        case.do("finance", "quote", {**QUOTE_300, "quote_amount": "300"})
    with time_machine.travel(at(2026, 3, 4, 10, 0), tick=False):
        case.do("service_desk", "confirm_quote", {"quote_accepted": True})
        case.do("dispatcher", "dispatch", {"engineer": "wang", "distance_km": 120})
        case.do("engineer_wang", "prepare", {"plan_confirmed": True})
    assert case.task("engineer_wang", "service").due_at == at(2026, 3, 5, 9, 0)


HOSPITAL = "市示例人民医院"  # a purchaser whose tender contract holds S4 4.(6)'s promises
MINE = "西部示例矿业公司"  # served by a station of its own


def test_one_customers_contract_holds_its_own_promises_while_the_others_keep_the_companys(ctx, staff, start) -> None:
    """The company keeps S2's promises (forward-to-contact 4 working hours, 800 km: 48 clock
    hours); its contract with one purchaser promises S4 4.(6): a response within 2 hours, on
    site within 4, fixed within 24. Both called Monday 2 March 2026 at 09:00, forwarded at once."""
    body = SHIPPED_SETTINGS.as_json()
    body["classes"] = [
        {
            "label": "医院采购合同",
            "field": "customer",
            "value": HOSPITAL,
            "terms": {"contact": hours(2), "fix": hours(24)},
            "arrival": hours(4),
        }
    ]
    service_settings.save_settings(ctx, SYSTEM, body, "the hospital's tender contract", based_on=0)
    due = {}
    for customer in (CALL["customer"], HOSPITAL):
        with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
            case = start("service_request")
            case.do("service_desk", "register", {**CALL, "customer": customer})
            triage_due = case.task("quality_office", "triage").due_at
            to_solution_after_registration(case)
            case.do("dispatcher", "dispatch", {"engineer": "wang", "distance_km": 800})
            case.do("engineer_wang", "prepare", {"plan_confirmed": True})
        due[customer] = (triage_due, case.task("engineer_wang", "service").due_at, case)
    # The company's: 4 working hours from 09:00 (3 to noon, 1 after 13:30) — 14:30; 48 h.
    assert due[CALL["customer"]][:2] == (at(2026, 3, 2, 14, 30), at(2026, 3, 4, 9, 0))
    # The contract's: 2 clock hours — 11:00; on site by 13:00.
    assert due[HOSPITAL][:2] == (at(2026, 3, 2, 11, 0), at(2026, 3, 2, 13, 0))
    # The case page's clocks read the contract's terms too: fixed by Tuesday 09:00.
    page = case_views.case_page(ctx, staff["quality_office"], due[HOSPITAL][2].id)
    clocks = {clock.term: clock for clock in page.clocks}
    assert page.promise_class is not None and page.promise_class.label == "医院采购合同"
    assert (clocks["contact"].due_at, clocks["arrival"].due_at, clocks["fix"].due_at) == (
        at(2026, 3, 2, 11, 0),
        at(2026, 3, 2, 13, 0),
        at(2026, 3, 3, 9, 0),
    )
    ordinary = case_views.case_page(ctx, staff["quality_office"], due[CALL["customer"]][2].id)
    assert "fix" not in {clock.term for clock in ordinary.clocks}  # the company promises no fix time


def to_solution_after_registration(case) -> None:
    case.do("quality_office", "triage", IN_WARRANTY)
    case.do("tech_support", "guidance", {"resolved": False, "guidance_note": "未解决"})
    case.do("quality_office", "choose_way", {"solution": "onsite"})


def test_a_site_with_its_own_shifts_counts_working_time_in_them(ctx, staff, start) -> None:
    """The company works 08:30–12:00 and 13:30–17:30, Monday to Friday; the station that serves
    one mine runs two shifts, 08:00–20:00, Saturdays too. Calls registered on Friday 6 March 2026
    at 18:00 must be answered within 4 working hours of forwarding (S2 7.1.3): the mine's, 2 h
    on Friday to 20:00 and 2 on Saturday from 08:00 — Saturday 10:00; another customer's, 3.5 h
    on Monday morning and 0.5 after 13:30 — Monday 14:00."""
    body = SHIPPED_SETTINGS.as_json()
    body["classes"] = [
        {
            "label": "矿区服务站",
            "field": "customer",
            "value": MINE,
            "terms": {},
            "working_hours": "08:00-20:00",
            "six_day_week": True,
        }
    ]
    service_settings.save_settings(ctx, SYSTEM, body, "the mine station's shifts", based_on=0)
    due = {}
    for customer in (MINE, CALL["customer"]):
        with time_machine.travel(at(2026, 3, 6, 18, 0), tick=False):
            case = start("service_request")
            case.do("service_desk", "register", {**CALL, "customer": customer})
        due[customer] = case.task("quality_office", "triage").due_at
    assert due == {MINE: at(2026, 3, 7, 10, 0), CALL["customer"]: at(2026, 3, 9, 14, 0)}


def test_the_companys_working_hours_are_its_setting(ctx, staff, start) -> None:
    """Working 08:00–12:00 and 13:00–17:00, a call on Monday 2 March 2026 at 09:00 is forwarded
    within 4 working hours: 3 to noon, 1 from 13:00 — 14:00 (the shipped hours give 14:30)."""
    body = {**SHIPPED_SETTINGS.as_json(), "working_hours": "08:00-12:00, 13:00-17:00"}
    service_settings.save_settings(ctx, SYSTEM, body, "the plant's hours", based_on=0)
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        case = start("service_request")
    assert case.task("service_desk", "register").due_at == at(2026, 3, 2, 14, 0)
