"""customer_visit and the care plan: key customers visited at least every half year, the
others at least yearly (S2 售后服务部门职责 (6), 10.2), with a visit report (S4 (5) 1));
a maintenance contract's renewal notice started from the contract record (S0 二十)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import time_machine
from sqlalchemy import select

from engine.services import cases
from engine.services import customers
from engine.store.models import Case
from engine.store.models import ProcessVersion
from tests.actors import SYSTEM
from tests.processes.conftest import SHANGHAI
from tests.processes.conftest import Scenario

WORKER = cases.CARE_ACTOR


def _at(day: str) -> Any:
    return time_machine.travel(datetime.fromisoformat(day).replace(hour=9, tzinfo=SHANGHAI), tick=False)


def _cases_of(ctx: Any, process: str) -> list[Case]:
    with ctx.uow() as uow:
        query = select(Case).join(ProcessVersion).where(ProcessVersion.key == process).order_by(Case.id)
        return list(uow.session.scalars(query))


def _customer(ctx: Any, kind: str, code: str = "C1") -> int:
    return customers.save_customer(ctx, SYSTEM, None, {"code": code, "name": f"示例客户{code}", "class": kind})


def test_a_key_customer_is_visited_every_half_year_and_the_visit_opens_a_month_ahead(ctx, staff) -> None:
    with _at("2026-01-05"):
        customer_id = _customer(ctx, "key")
    with _at("2026-06-04"):  # the visit is due on 5 July; it opens 30 days before
        assert cases.start_care_cases(ctx, WORKER) == 0
    with _at("2026-06-05"):
        assert cases.start_care_cases(ctx, WORKER) == 1
        assert cases.start_care_cases(ctx, WORKER) == 0  # once
    (visit,) = _cases_of(ctx, "customer_visit")
    assert visit.data["visit_due"] == "2026-07-05" and visit.customer_id == customer_id
    case = Scenario(ctx, staff, visit.id)
    assert case.task("dispatcher", "plan_visit").due_at == datetime(2026, 7, 5, 8, 0, tzinfo=SHANGHAI)
    case.do("dispatcher", "plan_visit", {"engineer": "wang", "planned_on": "2026-06-20"})
    assert case.open() == ["visit"]  # the engineer named holds it
    report = {
        "visited_on": "2026-06-20",
        "usage": "两台设备每日两班运行",
        "opinions": "希望平台护栏可折叠",
        "visit_report": "运行正常；护栏意见转技术部",
        "issues_found": True,
    }
    case.do("engineer_wang", "visit", report)
    case.do("quality_office", "follow_up_issues", {"issue_action": "护栏折叠意见已转产品开发室"})
    assert case.status == "completed"
    # The next one is six months after the last one's date, not after the day it was made.
    with _at("2026-12-05"):
        assert cases.start_care_cases(ctx, WORKER) == 0
    with _at("2026-12-06"):
        assert cases.start_care_cases(ctx, WORKER) == 1
    assert _cases_of(ctx, "customer_visit")[-1].data["visit_due"] == "2027-01-05"


def test_any_other_customer_is_visited_yearly_and_a_visit_without_findings_ends_at_the_report(ctx, staff) -> None:
    with _at("2026-01-05"):
        _customer(ctx, "ordinary")
    with _at("2026-12-05"):
        assert cases.start_care_cases(ctx, WORKER) == 0
    with _at("2026-12-06"):
        assert cases.start_care_cases(ctx, WORKER) == 1
    (visit,) = _cases_of(ctx, "customer_visit")
    assert visit.data["visit_due"] == "2027-01-05"
    case = Scenario(ctx, staff, visit.id)
    case.do("dispatcher", "plan_visit", {"engineer": "wang", "planned_on": "2026-12-20"})
    case.do(
        "engineer_wang",
        "visit",
        {"visited_on": "2026-12-20", "usage": "正常", "visit_report": "无问题", "issues_found": False},
    )
    assert case.status == "completed"


def test_a_running_maintenance_contract_gets_its_renewal_notice_case_once(ctx, staff) -> None:
    with _at("2026-03-01"):
        customer_id = _customer(ctx, "ordinary")
        values = {"agreement": "MC-9", "agreement_kind": "maintenance_contract", "scope": "maintenance",
                  "starts_on": "2025-07-01", "ends_on": "2026-06-30"}  # fmt: skip
        customers.add_part(ctx, SYSTEM, customer_id, values)
        ended = {**values, "agreement": "MC-8", "starts_on": "2024-07-01", "ends_on": "2025-06-30"}
        customers.add_part(ctx, SYSTEM, customer_id, ended)
        assert cases.start_care_cases(ctx, WORKER) == 1
        assert cases.start_care_cases(ctx, WORKER) == 0
    (renewal,) = _cases_of(ctx, "contract_renewal")
    assert (renewal.data["contract_no"], renewal.data["contract_end"]) == ("MC-9", "2026-06-30")  # not the ended MC-8
    assert renewal.customer_id == customer_id
    case = Scenario(ctx, staff, renewal.id)
    assert case.fire_timers_at(datetime(2026, 5, 30, 9, 0, tzinfo=SHANGHAI)) == 1  # a month before the end
    case.do("sales", "notify", {"notice_sent": True, "renewed": False})
    assert case.status == "completed"


def test_nothing_is_started_where_the_processes_are_not_deployed(ctx) -> None:
    with _at("2026-01-05"):
        _customer(ctx, "key")
    with _at("2026-06-10"):
        assert cases.start_care_cases(ctx, WORKER) == 0  # the worker carries on; nothing is recorded
    assert _cases_of(ctx, "customer_visit") == []


def test_visits_missed_while_the_worker_was_stopped_are_caught_up_once(ctx, staff) -> None:
    with _at("2025-01-05"):
        _customer(ctx, "key")
    with _at("2026-06-10"):  # three half-years have passed without a visit (and a year without a survey)
        assert cases.start_care_cases(ctx, WORKER) == 2
        assert cases.start_care_cases(ctx, WORKER) == 0
    (visit,) = _cases_of(ctx, "customer_visit")
    assert visit.data["visit_due"] == "2026-06-10"
