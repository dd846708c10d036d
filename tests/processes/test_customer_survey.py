"""customer_survey: every customer surveyed on its satisfaction once a year (S3 12.3 一 4)), from
the customer master; a fair or poor answer goes to the quality office for improvement."""

from __future__ import annotations

from engine.services import cases
from tests.processes.conftest import Scenario
from tests.processes.test_customer_visit import WORKER
from tests.processes.test_customer_visit import _at
from tests.processes.test_customer_visit import _cases_of
from tests.processes.test_customer_visit import _customer

SATISFIED = {"survey_product": "satisfied", "survey_service": "very_satisfied", "survey_delivery": "satisfied",
             "survey_overall": "satisfied"}  # fmt: skip


def _surveys(ctx) -> list:
    return _cases_of(ctx, "customer_survey")


def test_a_customer_is_surveyed_a_year_after_entering_the_master_and_then_yearly(ctx, staff) -> None:
    with _at("2026-01-05"):
        customer_id = _customer(ctx, "ordinary")
    with _at("2027-01-04"):
        cases.start_care_cases(ctx, WORKER)
        assert _surveys(ctx) == []
    with _at("2027-01-05"):
        cases.start_care_cases(ctx, WORKER)
        cases.start_care_cases(ctx, WORKER)  # once
    (survey,) = _surveys(ctx)
    assert (survey.data["survey_due"], survey.customer_id) == ("2027-01-05", customer_id)
    case = Scenario(ctx, staff, survey.id)
    case.do("service_desk", "survey_call", {"reached": True, "survey_contact": "设备科长，电话"})
    case.do("service_desk", "record_survey", {**SATISFIED, "survey_delivery": "fair", "survey_suggestions": "交货偏慢"})
    assert case.open() == ["improve_survey"]  # a fair answer is acted on
    case.do("quality_office", "improve_survey", {"improvement": "交货期意见转销售部"})
    assert case.status == "completed"
    with _at("2028-01-04"):
        cases.start_care_cases(ctx, WORKER)
        assert len(_surveys(ctx)) == 1
    with _at("2028-01-05"):
        cases.start_care_cases(ctx, WORKER)
    assert _surveys(ctx)[-1].data["survey_due"] == "2028-01-05"


def test_a_satisfied_customer_or_one_not_reached_closes_the_survey(ctx, staff) -> None:
    with _at("2026-01-05"):
        _customer(ctx, "key", "K1")
        _customer(ctx, "ordinary", "O1")
    with _at("2027-01-06"):
        cases.start_care_cases(ctx, WORKER)
    first, second = (Scenario(ctx, staff, survey.id) for survey in _surveys(ctx))
    first.do("service_desk", "survey_call", {"reached": True, "survey_contact": "总经理"})
    first.do("service_desk", "record_survey", SATISFIED)
    second.do("service_desk", "survey_call", {"reached": False, "survey_contact": "三次未接通"})
    assert (first.status, second.status) == ("completed", "completed")
