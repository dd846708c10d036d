"""corrective_action: CAPA for a quality problem found in any case (S2 12.3), not only in a complaint."""

from __future__ import annotations

from datetime import datetime

import time_machine

from engine.services import case_views
from tests.processes.conftest import SHANGHAI
from tests.processes.journeys import refusal

PLAN = {
    "root_cause": "外购密封圈批次硬度不足",
    "cause": "purchasing",
    "responsible_department": "purchasing",
    "corrective_action": "更换该批次库存密封圈",
    "preventive_action": "进货检验增加硬度抽检",
    "action_owner": "采购主管",
    "action_due": "2026-03-20",
}


def test_a_repair_opens_a_capa_that_is_analysed_again_until_it_works(ctx, staff, start) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):  # a Monday
        capa = start("capa", {"source_case": "SR-2026-0007", "problem": "同批密封圈三次渗漏"}, "quality_office")
        # Five working days to analyse and plan (S2 12.3 quarterly analysis → action).
        assert capa.task("quality_manager", "plan_actions").due_at == datetime(2026, 3, 9, 9, 0, tzinfo=SHANGHAI)
    assert refusal(capa, "quality_manager", "plan_actions", {**PLAN, "preventive_action": ""}) == {
        "preventive_action": "this field is required"
    }
    capa.do("quality_manager", "plan_actions", PLAN)
    # The quality office sees it done by the owner's deadline.
    assert capa.task("quality_office", "carry_out_actions").due_at.date().isoformat() == "2026-03-20"
    capa.do("quality_office", "carry_out_actions", {"done_on": "2026-03-18", "implementation": "已更换并下发检验规程"})
    capa.do("quality_manager", "verify_actions", {"effective": False, "verification_note": "新批次仍有渗漏"})
    assert capa.open() == ["plan_actions"]  # not effective: analysed again
    capa.do("quality_manager", "plan_actions", {**PLAN, "corrective_action": "更换供方"})
    capa.do("quality_office", "carry_out_actions", {"done_on": "2026-04-10", "implementation": "已更换供方"})
    capa.do("quality_manager", "verify_actions", {"effective": True, "verification_note": "连续三个月无渗漏"})
    assert capa.status == "completed"
    assert capa.data["source_case"] == "SR-2026-0007"


def test_the_source_case_lists_the_corrective_actions_opened_for_it(ctx, staff, start) -> None:
    repair = start("service_request")
    number = repair.info.number
    capa = start("capa", {"source_case": number, "problem": "同一问题重复维修"}, "quality_manager")
    start("capa", {"source_case": "SR-OTHER", "problem": "另一问题"}, "quality_manager")
    page = case_views.case_page(ctx, staff["quality_office"], repair.id)
    assert [(c.id, c.number) for c in page.actions] == [(capa.id, capa.info.number)]
    assert page.may_open_action
    assert not case_views.case_page(ctx, staff["engineer"], repair.id).may_open_action  # not a starter
