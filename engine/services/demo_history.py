"""A few months of dated demo history for ``make run``: finished repairs, returns, an exchange,
a refund, a paid repair and a complaint, each taken step by step through the engine's own
services at the moment it would have happened (engine/domain/clock.py), so the dashboard, the
registers, the parts ledger and the printed forms show what real use would have written.
Fictional people and companies only.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from engine.domain import clock
from engine.domain.actors import Actor
from engine.services import cases
from engine.services import tasks
from engine.services import timers
from engine.store.context import EngineContext

Step = tuple[float, str, str, dict[str, Any]]  # (hours after the call, role, task id, form data)
# Fields left blank in a story's steps: the step's own moment, as its form takes it.
DATED = {"arrived_at": "%Y-%m-%dT%H:%M", "reimbursed_on": "%Y-%m-%d", "collected_on": "%Y-%m-%d"}
TIMERS = "timers"  # a step that runs the timer worker at its moment (the follow-up call falls due)

SATISFIED = {
    **{f"rating_{item}": "satisfied" for item in ("attitude", "skill", "arrival", "promises")},
    "answered_by": "phone",
}
FAIR = {**SATISFIED, "rating_arrival": "fair"}
IN_WARRANTY = {"product_category": "own", "under_warranty": True, "has_contract": False, "misuse": False}
UNRESOLVED = {"resolved": False, "guidance_note": "电话指导未能排除故障"}
CLAIM = [
    {"kind": "transport", "item": "高铁往返", "amount": "480"},
    {"kind": "lodging", "item": "1 晚", "amount": "260"},
    {"kind": "allowance", "item": "2 天", "amount": "80"},
]


def _audited(lines: list[dict[str, str]]) -> dict[str, Any]:
    rows = [{**{k: v for k, v in line.items() if k != "amount"}, "claimed": line["amount"],
             "approved": line["amount"], "reason": ""} for line in lines]  # fmt: skip
    return {"satisfaction_verified": True, "expenses_approved": True, "expense_audit": rows}


def _intake(solution: str, triage: Mapping[str, Any], distance: int) -> list[Step]:
    return [
        (0.2, "quality_office", "triage", {**triage, "distance_km": distance}),
        (1, "tech_support", "guidance", UNRESOLVED),
        (1.5, "quality_office", "choose_way", {"solution": solution}),
    ]


def _on_site(arrived: float, cause: str, department: str, parts: bool) -> list[Step]:
    slip = {"parts_slip": "ERP-AS-DEMO", "parts_issued": [{"part_no": "MS-8", "qty": "2", "basis": "warranty"}]}
    used = {"parts_accounted": [{"part_no": "MS-8", "used": "2", "unused": "0"}]} if parts else {}
    return [
        (2, "dispatcher", "dispatch", {"engineer": "engineer", "distance_km": 180, "visit_plan": "次日上午到达"}),
        (2.5, "engineer", "prepare", {"plan_confirmed": True, **(slip if parts else {})}),
        (
            arrived,
            "engineer",
            "service",
            {
                "arrived_at": "",
                "diagnosis": "密封圈老化渗漏",
                "cause": cause,
                "responsible_department": department,
                "tampered": False,
                "repaired": True,
                "whole_unit_checked": True,
            },
        ),  # fmt: skip
        (arrived + 2, "service_desk", "feedback", {"feedback_signed_by": "设备科负责人", "answered_by": "phone"}),
        (arrived + 2.2, "quality_office", "approve_leave", {"leave": "approved"}),
        (
            arrived + 26,
            "engineer",
            "trip_report",
            {"trip_report_text": "更换密封圈，试车正常", "expense_lines": CLAIM, **used},
        ),
        (arrived + 50, "quality_office", "verify", _audited(CLAIM)),
        (
            arrived + 54,
            "finance",
            "reimburse",
            {
                "reimbursed_amount": "820.00",
                "reimbursement_voucher": "BX-DEMO",
                "reimbursed_on": "",
            },
        ),
    ]


def _rated(at: float, ratings: Mapping[str, Any]) -> list[Step]:
    return [
        (at, "service_desk", "rate", dict(ratings)),
        (at + 24 * 32, TIMERS, "", {}),
        (at + 24 * 32 + 1, "service_desk", "call", {"reached": True, "follow_up_note": "设备运行正常"}),
    ]


def _warranty_repair(ratings: Mapping[str, Any], arrival: float = 22, cause: str = "assembly") -> list[Step]:
    department = {"assembly": "production", "purchasing": "purchasing", "machining": "production"}[cause]
    return [
        *_intake("onsite", IN_WARRANTY, 180),
        *_on_site(arrival, cause, department, parts=True),
        *_rated(arrival + 60, ratings),
    ]


def _factory_repair() -> list[Step]:
    return [
        *_intake("factory", IN_WARRANTY, 180),
        (50, "warehouse", "receive", {"received_qty": 1, "matches_list": True}),
        (
            54,
            "quality_office",
            "reinspect",
            {
                "participants": "质量、技术、检验、生产",
                "root_cause": "油泵轴套加工尺寸超差",
                "cause": "machining",
                "responsible_department": "production",
                "repairable": True,
                "parts_source": "own",
                "paid_repair": False,
                "responsibility": "company",
            },
        ),  # fmt: skip
        (74, "workshop", "repair", {"repair_order_no": "WX-DEMO", "repair_hours": "6", "repair_parts": "油泵轴套"}),
        (78, "inspector", "inspect", {"passed": True, "inspection_note": "试压合格"}),
        (96, "warehouse", "ship_back", {"shipping_no": "SF-DEMO"}),
        *_rated(150, SATISFIED),
    ]


def _exchange() -> list[Step]:
    return [
        *_intake("exchange", IN_WARRANTY, 180),
        (
            20,
            "quality_office",
            "check",
            {
                "exchange_reason": "transport",
                "cause": "transport",
                "responsible_department": "logistics",
                "eligible": True,
            },
        ),  # fmt: skip
        (22, "sales", "sales_confirm", {"sales_confirmed": True, "exchange_kind": "exchange", "amount": "6800"}),
        (24, "quality_office", "notice", {"notice_no": "TH-DEMO", "notice_items": "整机 1 台"}),
        (26, "division_head", "approve_division", {"division_approved": True, "division_approved_comment": "同意换货"}),
        (44, "warehouse", "ship_replacement", {"stock_out_no": "CK-DEMO"}),
        (120, "sales", "recover", {"recovered": True}),
        (124, "quality_office", "disposition", {"disposition_choice": "restock"}),
        (140, "workshop", "repair_recovered", {"recovered_repair": "更换外壳并试车", "recovered_repair_hours": "3"}),
        (146, "inspector", "inspect_recovered", {"inspection_passed": True, "inspection_report_no": "JY-DEMO"}),
        (150, "warehouse", "restock", {"stock_in_no": "RK-DEMO"}),
        *_rated(160, SATISFIED),
    ]


def _paid_repair() -> list[Step]:
    labour = {"kind": "labour", "item": "工程师", "qty": "2", "unit_price": "200"}
    travel = {"kind": "travel", "item": "180 km", "qty": "1", "unit_price": "600"}
    out = {**IN_WARRANTY, "under_warranty": False}
    return [
        *_intake("onsite", out, 180),
        (3, "finance", "quote", {"quote_lines": [labour, travel], "quote_note": "更换密封圈"}),
        (5, "service_desk", "confirm_quote", {"quote_accepted": True, "answered_by": "phone"}),
        *[(hours + 4, role, step, data) for hours, role, step, data in _on_site(22, "use", "customer", parts=False)],
        (
            90,
            "finance",
            "invoice",
            {
                "invoice_lines": [labour, travel],
                "invoice_no": "FP-DEMO",
                "amount_collected": "1000.00",
            },
        ),  # fmt: skip
        *_rated(100, SATISFIED),
    ]


def _complaint() -> list[Step]:
    return [
        (0.2, "service_desk", "first_contact", {"contact_note": "当即电话联系客户，约定复查"}),
        (3, "tech_support", "analyse", {
            "analysis": "出厂检验漏检", "company_fault": True, "responsible_department": "production",
            "cause": "assembly",
        }),  # fmt: skip
        (4, "quality_office", "record_minor", {"feedback_to": "生产部"}),
        (50, "quality_office", "carry_out", {
            "result": "上门更换并致歉", "customer_informed": True, "external_cost": "1500.00",
        }),
        (70, "quality_manager", "capa", {
            "corrective_action": "补检同批产品", "preventive_action": "增加出厂检验项目", "effective": True,
        }),
    ]  # fmt: skip


COMPLAINT = {
    "customer": "东岭示例电气集团", "order_no": "SO-DEMO-01", "part_no": "KG-5", "quantity": 10, "defective_qty": 2,
    "complaint_text": "开关柜合闸机构卡滞", "complaint_class": "quality", "severity": "minor", "complexity": "general",
}  # fmt: skip


@dataclass(frozen=True)
class Story:
    days_ago: int
    label: str
    steps: list[Step]
    process: str = "service_request"
    under_warranty: bool = True  # the unit's, as the product archive holds it


STORIES = [
    Story(100, "on-site warranty repair with parts, rated", _warranty_repair(SATISFIED)),
    Story(92, "returned to the factory and repaired", _factory_repair()),
    Story(80, "on-site repair, late arrival, rated fair", _warranty_repair(FAIR, arrival=30, cause="purchasing")),
    Story(70, "paid on-site repair, quoted, invoiced and collected", _paid_repair(), under_warranty=False),
    Story(62, "exchange after transport damage", _exchange()),
    Story(50, "quality complaint with CAPA", _complaint(), process="complaint"),
    Story(40, "on-site warranty repair with parts, rated", _warranty_repair(SATISFIED, cause="machining")),
    Story(24, "returned to the factory and repaired", _factory_repair()),
    Story(12, "on-site warranty repair with parts, rated", _warranty_repair(SATISFIED)),
]


def _start_moment(today: date, days_ago: int, zone: ZoneInfo) -> datetime:
    day = today - timedelta(days=days_ago)
    while day.weekday() >= 5:  # calls come in on working days
        day -= timedelta(days=1)
    return datetime.combine(day, time(9, 0), tzinfo=zone)


def load(
    ctx: EngineContext, people: Mapping[str, Actor], registers: Mapping[bool, Sequence[Mapping[str, Any]]]
) -> Iterator[str]:
    """Run every story up to today: each step at its moment; a step still in the future is left
    open (the follow-up call of a recent repair waits for its month). ``registers``: the intake
    forms of the demo customers whose units are under warranty (True) or not, taken in turn."""
    zone = ZoneInfo(ctx.config.timezone)
    now = clock.now()
    for index, story in enumerate(STORIES):
        forms = registers[story.under_warranty]
        register = forms[index % len(forms)]
        began = _start_moment(now.astimezone(zone).date(), story.days_ago, zone)
        with clock.recorded_at(began):
            case = cases.start_case(ctx, people["service_desk"], story.process, {})
            first = COMPLAINT if story.process == "complaint" else register
            _complete(ctx, people["service_desk"], case.id, "register", first)
        for hours, role, step, data in story.steps:
            moment = began + timedelta(hours=hours)
            if moment >= now:
                break
            with clock.recorded_at(moment):
                if role == TIMERS:
                    timers.fire_due_timers(ctx)
                    continue
                local = moment.astimezone(zone)
                data = {
                    **data,
                    **{name: local.strftime(shape) for name, shape in DATED.items() if data.get(name) == ""},
                }
                _complete(ctx, people[role], case.id, step, data)
        yield f"{case.number}: {story.label} ({began.date()})"


def _complete(ctx: EngineContext, actor: Actor, case_id: int, step: str, data: Mapping[str, Any]) -> None:
    found = [t for t in tasks.list_tasks(ctx, actor) if t.case_id == case_id and t.bpmn_id == step]
    if not found:  # a story out of step with its diagram: say where
        open_steps = sorted(t.bpmn_id for t in tasks.list_tasks(ctx, actor) if t.case_id == case_id)
        raise LookupError(f"demo case {case_id}: no open step {step!r} for {actor.username} (open: {open_steps})")
    item = found[0]
    tasks.complete_task(ctx, actor, item.id, dict(data))
