"""Demo users and cases for ``make run`` — fictional people and companies only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from engine.context import Actor
from engine.context import EngineContext
from engine.models import User
from engine.roles import ROLES
from engine.services import cases
from engine.services import tasks
from engine.services import users

DEMO_PASSWORD = "demo-2026"

CUSTOMERS = [
    ("华东示例重工有限公司", "AWP-12 高空作业平台", "AW2026-0101", "液压系统漏油"),
    ("蓝海示例医疗器械", "MX-300 消毒柜", "MX2025-0420", "加热不工作"),
    ("北辰示例油田设备", "PU-8 抽油机", "PU2024-0077", "电机异响"),
    ("东岭示例电气集团", "KG-5 开关柜", "KG2026-0310", "合闸失败"),
    ("南山示例办公用品", "PR-9 打印机", "PR2026-0901", "卡纸"),
    ("西江示例机械厂", "AWP-8 高空作业平台", "AW2025-1188", "平台无法升降"),
]

# How far each demo case is taken: a list of (role, form data) steps after the start.
STORIES: list[tuple[str, list[tuple[str, dict[str, Any]]]]] = [
    ("registered", []),
    ("registered", []),
    (
        "consultation answered",
        [("service_desk", {"request_kind": "consultation"}), ("quality_office", {"answer_text": "已电话说明保养周期"})],
    ),
    ("awaiting consultation", [("service_desk", {"request_kind": "consultation"})]),
    ("awaiting triage", [("service_desk", {"request_kind": "fault"})]),
    ("awaiting triage", [("service_desk", {"request_kind": "fault"})]),
    (
        "phone guidance",
        [("service_desk", {"request_kind": "fault"}), ("quality_office", {"solution": "phone_guidance"})],
    ),
    (
        "solved by phone",
        [
            ("service_desk", {"request_kind": "fault"}),
            ("quality_office", {"solution": "phone_guidance"}),
            ("tech_support", {"resolved": True, "guidance_note": "复位后恢复"}),
        ],
    ),
    ("service to arrange", [("service_desk", {"request_kind": "fault"}), ("quality_office", {"solution": "onsite"})]),
    ("service to arrange", [("service_desk", {"request_kind": "fault"}), ("quality_office", {"solution": "factory"})]),
    (
        "service arranged",
        [
            ("service_desk", {"request_kind": "fault"}),
            ("quality_office", {"solution": "onsite"}),
            ("dispatcher", {"service_plan": "派工程师明日上门"}),
        ],
    ),
    ("cancelled", []),
]

TRIAGE_DEFAULTS = {"product_category": "own", "service_type": "C", "misuse": False, "solution_note": ""}
REGISTER_DEFAULTS = {
    "channel": "phone",
    "contact_phone": "010-0000 0000",
    "address": "示例路 1 号",
    "delivery_date": "2025-06-01",
}


def load(ctx: EngineContext) -> Iterator[str]:
    """Create the demo users and cases; does nothing when they already exist."""
    with ctx.uow() as uow:
        if uow.session.scalar(select(User).where(User.username == "service_desk")) is not None:
            yield f"demo data already present; demo users: {', '.join(r.id for r in ROLES)} (password {DEMO_PASSWORD})"
            return
    people = {
        role.id: users.create_user(ctx, role.id, [role.id], DEMO_PASSWORD, f"{role.name_zh}（演示）") for role in ROLES
    }
    yield f"demo users: {', '.join(people)} (password {DEMO_PASSWORD})"
    for index, (label, steps) in enumerate(STORIES):
        customer, model, serial, fault = CUSTOMERS[index % len(CUSTOMERS)]
        case = cases.start_case(ctx, people["service_desk"], "service_request", {})
        register = {
            **REGISTER_DEFAULTS,
            "customer": customer,
            "product_model": model,
            "serial_number": serial,
            "fault_description": fault,
            "request_kind": "fault",
        }
        for number, (role, data) in enumerate(steps):
            payload = (
                {**register, **data}
                if number == 0
                else ({**TRIAGE_DEFAULTS, **data} if role == "quality_office" and "solution" in data else data)
            )
            _complete_next(ctx, people[role], case.id, payload)
        if label == "cancelled":
            cases.cancel_case(ctx, people["quality_office"], case.id, "客户撤回报修")
        yield f"{case.number}: {label}"


def _complete_next(ctx: EngineContext, actor: Actor, case_id: int, data: dict[str, Any]) -> None:
    item = next(t for t in tasks.list_tasks(ctx, actor) if t.case_id == case_id)
    tasks.complete_task(ctx, actor, item.id, data)
