"""The service settings: terms in their units on the PRC calendar, every wrong value named at
once, and a diagram naming a promise the settings do not have refused at upload."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from engine.bpmn.building import check_files
from engine.domain.roles import role_aliases
from engine.domain.service_settings import SHIPPED_SETTINGS
from engine.domain.service_settings import SettingsInvalid
from engine.domain.service_settings import Term
from engine.domain.service_settings import settings_from_json
from engine.domain.working_calendar import WorkingCalendar
from tests.diagrams import definitions
from tests.diagrams import flow
from tests.diagrams import user_task

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*moment: int) -> datetime:
    return datetime(*moment, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("term", "start", "due"),
    [
        # Friday 16:00 + 4 working hours: 1.5 h on Friday, 2.5 h from Monday 08:30.
        (Term(4, "working_hours"), at(2026, 3, 6, 16, 0), at(2026, 3, 9, 11, 0)),
        # Wednesday 30 September + 3 working days: 1–7 October are National Day, 8, 9 and the
        # make-up Saturday 10 October work — Saturday 10 October, same hour.
        (Term(3, "working_days"), at(2026, 9, 30, 10, 0), at(2026, 10, 10, 10, 0)),
        # A complex complaint's "one month" is a calendar month: 30 October, not 22 working days
        # (which would end on 4 November after the holiday).
        (Term(1, "months"), at(2026, 9, 30, 10, 0), at(2026, 10, 30, 10, 0)),
        # Clock hours run through the night and the weekend.
        (Term(48, "hours"), at(2026, 3, 6, 15, 0), at(2026, 3, 8, 15, 0)),
        (Term(3, "days"), at(2026, 3, 6, 15, 0), at(2026, 3, 9, 15, 0)),
    ],
    ids=["working-hours", "working-days-national-day", "calendar-month", "clock-hours", "days"],
)
def test_a_term_counts_in_its_unit(term: Term, start: datetime, due: datetime) -> None:
    assert term.due(start, WorkingCalendar()) == due


def test_the_shipped_settings_survive_their_own_json() -> None:
    assert settings_from_json(SHIPPED_SETTINGS.as_json()) == SHIPPED_SETTINGS


def test_a_class_of_cases_survives_json_and_applies_only_to_its_cases() -> None:
    body = SHIPPED_SETTINGS.as_json()
    body["classes"] = [
        {
            "label": "维保合同",
            "field": "service_type",
            "value": "B",
            "terms": {"fix": {"amount": 24, "unit": "hours"}},
            "arrival": {"amount": 4, "unit": "hours"},
        }
    ]
    settings = settings_from_json(body)
    assert settings_from_json(settings.as_json()) == settings
    contract = settings.for_case({"service_type": "B", "distance_km": 800})
    assert contract.arrival.term(800, None) == Term(4, "hours")  # whatever the distance
    assert (contract.term("fix"), contract.term("contact")) == (Term(24, "hours"), SHIPPED_SETTINGS.term("contact"))
    paid = settings.for_case({"service_type": "A"})
    assert (paid.arrival.term(800, None), paid.term("fix")) == (Term(48, "hours"), None)


def test_every_wrong_value_is_named_at_once() -> None:
    body = SHIPPED_SETTINGS.as_json()
    body["terms"]["forward"] = {"amount": "soon", "unit": "working_hours"}
    body["terms"]["report"] = {"amount": 2.5, "unit": "working_days"}
    body["terms"]["dispatch"] = None  # the processes count with it
    body["terms"]["fix"] = None  # optional: no such promise is fine
    body["arrival"]["bands"] = [
        {"up_to_km": 1000, "amount": 48, "unit": "hours"},
        {"up_to_km": 300, **Term(24, "hours").as_json()},
    ]
    body["arrival"]["zones"] = {"moon": {"amount": 1, "unit": "hours"}}
    body["targets"]["on_time"] = 90  # per cent typed as a share
    with pytest.raises(SettingsInvalid) as raised:
        settings_from_json(body)
    assert set(raised.value.problems) == {
        "terms.forward.amount",
        "terms.report.amount",
        "terms.dispatch.amount",
        "arrival.bands",
        "arrival.zones.moon",
        "targets.on_time",
    }


def test_a_diagram_naming_an_unknown_promise_is_refused_at_upload() -> None:
    body = "\n".join(
        [
            '<bpmn:startEvent id="start"/>',
            user_task("t1", "Reply", attrs="camunda:dueDate=\"due('reply_fast', now())\""),
            user_task("t2", "Settle", attrs="camunda:dueDate=\"due('settle_' + complexity, now())\""),
            user_task("t3", "Forward", attrs="camunda:dueDate=\"due('forward', now())\""),
            '<bpmn:endEvent id="end"/>',
            flow("f1", "start", "t1"),
            flow("f2", "t1", "t2"),
            flow("f3", "t2", "t3"),
            flow("f4", "t3", "end"),
        ]
    )
    problems, built = check_files(
        {"a.bpmn": definitions("p", body, {"quality_office": ["t1", "t2", "t3"]})}, role_aliases()
    )
    assert not built
    assert {(p.element, "reply_fast" in p.message or "settle_" in p.message) for p in problems} == {
        ("t1", True),
        ("t2", True),
    }
