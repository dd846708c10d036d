"""Warranty from the product archive: the check opens with the archive's answers, judged on
the day of the call, and an answer against the archive needs a reason that the approvals
register shows (issue 14; S2 5.1.1: warranty service follows the product's warranty period)."""

from __future__ import annotations

from datetime import date
from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

from engine.domain.errors import InvalidData
from engine.domain.periods import Period
from engine.services import approvals
from engine.services import products
from engine.services import tasks
from engine.store.models import AuditEvent
from tests.processes.conftest import SHANGHAI
from tests.processes.journeys import CALL
from tests.processes.journeys import IN_WARRANTY

MARCH = approvals.ApprovalFilter(Period(date(2026, 3, 1), date(2026, 3, 31), SHANGHAI))
# The unit of CALL: warranty to the end of February 2026, a maintenance contract to year end.
UNITS = (
    "serial_number,model,category,customer,delivered_on,warranty_end,contract_end\n"
    "AW2026-0101,AWP-12,own,华东示例重工有限公司,2025-02-28,2026-02-28,2026-12-31\n"
)


@pytest.fixture
def called_on_the_last_day_of_warranty(ctx, staff, start):
    """The call came in Sat 28 Feb 2026 at 20:00; the desk registers it on Monday 2 March."""
    products.import_units(ctx, staff["quality_manager"], "units.csv", UNITS.encode())
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case = start("service_request", {"received_at": "2026-02-28T20:00"})
        case.do("service_desk", "register", CALL)
    return case


def _triage_page(case):
    item = case.task("quality_office", "triage")
    return tasks.task_page(case.ctx, case.staff["quality_office"], item.id)


def test_the_check_proposes_warranty_contract_and_category_as_on_the_day_of_the_call(
    called_on_the_last_day_of_warranty,
) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        page = _triage_page(called_on_the_last_day_of_warranty)
    # 28 Feb is the warranty's last day: covered on the day of the call, though not on the day
    # of the check (2 March); the contract runs to 31 Dec.
    assert page.proposed_on == date(2026, 2, 28)
    assert page.proposed == {"under_warranty": True, "has_contract": True, "product_category": "own"}
    assert ("产品类别", "本公司产品") in page.proposal_lines


def test_an_answer_against_the_archive_is_refused_without_a_reason(called_on_the_last_day_of_warranty) -> None:
    case = called_on_the_last_day_of_warranty
    against = {**IN_WARRANTY, "under_warranty": False, "has_contract": True}
    with pytest.raises(InvalidData) as refused:
        case.do("quality_office", "triage", against)
    assert set(refused.value.errors) == {"under_warranty", "archive_note"}
    assert refused.value.errors["under_warranty"] == "the product archive says 是"
    assert case.open() == ["triage"]


def test_an_answer_against_the_archive_is_recorded_with_its_reason_in_the_approvals_register(
    ctx, called_on_the_last_day_of_warranty
) -> None:
    case = called_on_the_last_day_of_warranty
    reason = "客户出示的交货单为 2025-01-20，保修已于 2026-01-20 到期"
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        case.do(
            "quality_office",
            "triage",
            {**IN_WARRANTY, "under_warranty": False, "has_contract": True, "archive_note": reason},
        )
    assert case.data["under_warranty"] is False  # the person's answer stands
    with ctx.uow() as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(
                AuditEvent.case_id == case.id, AuditEvent.bpmn_id == "triage", AuditEvent.action == "task_completed"
            )
        ).one()
    assert event.data["archive_override"] == {
        "under_warranty": {
            "label": "在保修期内",
            "archive": True,
            "chosen": False,
            "archive_shown": "是",
            "chosen_shown": "否",
        }
    }
    register = approvals.list_approvals(ctx, case.staff["quality_manager"], MARCH)
    (row,) = [a for a in register if a.case_id == case.id and a.bpmn_id == "triage"]
    assert (row.comment, row.actor, row.against_archive) == (reason, "quality_office", "在保修期内: 是 → 否")


def test_answers_that_agree_with_the_archive_need_no_reason_and_are_no_decision(
    ctx, called_on_the_last_day_of_warranty
) -> None:
    case = called_on_the_last_day_of_warranty
    case.do("quality_office", "triage", {**IN_WARRANTY, "has_contract": True})
    assert case.open() == ["guidance"]
    register = approvals.list_approvals(ctx, case.staff["quality_manager"], MARCH)
    assert not [a for a in register if a.bpmn_id == "triage"]


def test_a_unit_the_archive_does_not_know_proposes_nothing(start) -> None:
    case = start("service_request")
    case.do("service_desk", "register", {**CALL, "serial_number": "UNKNOWN-1"})
    assert _triage_page(case).proposed == {}
    case.do("quality_office", "triage", {**IN_WARRANTY, "under_warranty": False})
    assert case.open() == ["guidance"]
