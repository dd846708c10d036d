"""Demo users and cases for ``make run`` — fictional people and companies only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from engine.domain.actors import Actor
from engine.domain.fee_table import SHIPPED_FEES
from engine.domain.roles import ROLES
from engine.services import cases
from engine.services import customers
from engine.services import demo_history
from engine.services import fees
from engine.services import products
from engine.services import tasks
from engine.services import users
from engine.store.context import EngineContext
from engine.store.models import User

LOADER = Actor.system("demo-data")

DEMO_PASSWORD = "demo-2026"

CUSTOMERS = [
    ("华东示例重工有限公司", "AWP-12 高空作业平台", "AW2026-0101", "液压系统漏油"),
    ("蓝海示例医疗器械", "MX-300 消毒柜", "MX2025-0420", "加热不工作"),
    ("北辰示例油田设备", "PU-8 抽油机", "PU2024-0077", "电机异响"),
    ("东岭示例电气集团", "KG-5 开关柜", "KG2026-0310", "合闸失败"),
    ("南山示例办公用品", "PR-9 打印机", "PR2026-0901", "卡纸"),
    ("西江示例机械厂", "AWP-8 高空作业平台", "AW2025-1188", "平台无法升降"),
]

# How far each demo case is taken: its process, then (role, form data) steps after the start.
# Steps of the customer are done by the service desk on the customer's behalf, as answered by phone.
TRIAGE = {"product_category": "own", "under_warranty": True, "has_contract": False, "misuse": False, "distance_km": 180}
PAID_TRIAGE = {**TRIAGE, "under_warranty": False}
UNRESOLVED = {"resolved": False, "guidance_note": "电话指导未能排除故障"}
RATED = {
    **{field: "satisfied" for field in ("rating_attitude", "rating_skill", "rating_arrival", "rating_promises")},
    "answered_by": "phone",
}
STORIES: list[tuple[str, str, list[tuple[str, dict[str, Any]]]]] = [
    ("registered", "service_request", []),
    ("registered", "service_request", []),
    (
        "consultation answered",
        "service_request",
        [("service_desk", {"request_kind": "consultation"}), ("quality_office", {"answer_text": "已电话说明保养周期"})],
    ),
    ("awaiting an answer", "service_request", [("service_desk", {"request_kind": "consultation"})]),
    ("awaiting the warranty check", "service_request", [("service_desk", {})]),
    ("phone guidance", "service_request", [("service_desk", {}), ("quality_office", TRIAGE)]),
    (
        "solved by phone, awaiting the rating",
        "service_request",
        [
            ("service_desk", {}),
            ("quality_office", TRIAGE),
            ("tech_support", {"resolved": True, "guidance_note": "复位后恢复"}),
        ],
    ),
    (
        "on-site repair, awaiting the quote",
        "service_request",
        [
            ("service_desk", {}),
            ("quality_office", PAID_TRIAGE),
            ("tech_support", UNRESOLVED),
            ("quality_office", {"solution": "onsite"}),
        ],
    ),
    (
        "on-site repair, quoted from the fee table, awaiting the customer",
        "service_request",
        [
            ("service_desk", {}),
            ("quality_office", PAID_TRIAGE),
            ("tech_support", UNRESOLVED),
            ("quality_office", {"solution": "onsite"}),
            (
                "finance",
                {
                    "quote_lines": [
                        {"kind": "labour", "item": "工程师", "qty": "4", "unit_price": "200"},
                        {"kind": "travel", "item": "180 km", "qty": "1", "unit_price": "600"},
                        {"kind": "parts", "item": "YB-32", "qty": "1", "unit_price": "1280"},
                    ],
                    "quote_note": "更换液压油泵",
                },
            ),
        ],
    ),
    (
        "on-site repair, dispatched",
        "service_request",
        [
            ("service_desk", {}),
            ("quality_office", TRIAGE),
            ("tech_support", UNRESOLVED),
            ("quality_office", {"solution": "onsite"}),
            ("dispatcher", {"engineer": "engineer", "distance_km": 180, "visit_plan": "明日上午到达"}),
        ],
    ),
    (
        "returned to the factory",
        "service_request",
        [
            ("service_desk", {}),
            ("quality_office", TRIAGE),
            ("tech_support", UNRESOLVED),
            ("quality_office", {"solution": "factory"}),
            ("warehouse", {"received_qty": 1, "matches_list": True}),
        ],
    ),
    (
        "solved by phone and rated",
        "service_request",
        [
            ("service_desk", {}),
            ("quality_office", TRIAGE),
            ("tech_support", {"resolved": True, "guidance_note": "更换保险丝后恢复"}),
            ("service_desk", RATED),
        ],
    ),
    ("cancelled", "service_request", []),
]

# The demo price list (fictional part numbers and prices).
PARTS = [
    ("YB-32", "液压油泵", "1280.00"),
    ("MS-8", "密封圈", "12.50"),
    ("YG-100", "升降油缸", "3600.00"),
    ("KG-DL", "断路器模块", "860.00"),
    ("PR-GL", "打印机定影组件", "420.00"),
    ("DJ-5", "驱动电机", "2150.00"),
]

REGISTER_DEFAULTS = {
    "channel": "phone",
    "contact_phone": "010-0000 0000",
    "address": "示例路 1 号",
    "delivery_date": "2025-06-01",
    "request_kind": "fault",
}


def load(ctx: EngineContext) -> Iterator[str]:
    """Create the demo users and cases; does nothing when they already exist."""
    with ctx.uow() as uow:
        if uow.session.scalar(select(User).where(User.username == "service_desk")) is not None:
            yield f"demo data already present; demo users: {', '.join(r.id for r in ROLES)} (password {DEMO_PASSWORD})"
            return
    people = {
        role.id: users.create_user(ctx, LOADER, role.id, [role.id], DEMO_PASSWORD, f"{role.name_zh}（演示）")
        for role in ROLES
    }
    yield f"demo users: {', '.join(people)} (password {DEMO_PASSWORD})"
    master = customers.import_customers(ctx, LOADER, "demo-customers.csv", _demo_customers())
    yield f"{master.added} demo customers with sites, contacts and agreements"
    table = {
        **SHIPPED_FEES.as_json(),
        "parts": [{"part_no": no, "name": name, "price": price} for no, name, price in PARTS],
    }
    fees.save_fees(ctx, LOADER, table, "演示价格表", based_on=0)
    yield f"a fee table with {len(PARTS)} demo parts"
    count = products.import_units(ctx, LOADER, "demo-products.csv", _demo_products())
    yield f"{count} demo products in the archive"
    registers = [
        {**REGISTER_DEFAULTS, "customer": customer, "product_model": model, "serial_number": serial,
         "fault_description": fault}
        for customer, model, serial, fault in CUSTOMERS
    ]  # fmt: skip
    paid = _out_of_warranty()
    by_warranty = {
        True: [form for index, form in enumerate(registers) if index not in paid],
        False: [form for index, form in enumerate(registers) if index in paid],
    }
    yield from demo_history.load(ctx, people, by_warranty)
    for index, (label, process, steps) in enumerate(STORIES):
        register = registers[index % len(CUSTOMERS)]
        case = cases.start_case(ctx, people["service_desk"], process, {})
        for number, (role, data) in enumerate(steps):
            _complete_next(ctx, people[role], case.id, {**register, **data} if number == 0 else data)
        if label == "cancelled":
            cases.cancel_case(ctx, people["quality_office"], case.id, "客户撤回报修")
        yield f"{case.number}: {label}"


# The class of each demo customer (S4 1.(2): key customers are visited twice a year).
CUSTOMER_CLASSES = ("key", "key", "ordinary", "partner", "agent", "ordinary")
ZONES = (("city", 25), ("suburb", 80), ("remote", 650), ("city", 15), ("suburb", 120), ("remote", 1400))


def _demo_customers() -> bytes:
    """The demo companies of ``CUSTOMERS``: a site and a contact each (fictional numbers in the
    reserved 010-0000 range), and a maintenance contract in force for the first two."""
    today = date.today()
    lines = [
        "code,name,class,site,address,zone,distance_km,contact,title,phone,email,"
        "agreement,agreement_kind,scope,models,starts_on,ends_on"
    ]
    for index, (customer, model, _serial, _fault) in enumerate(CUSTOMERS):
        zone, distance = ZONES[index]
        contract = ",,,,,"  # none
        if index < 2:
            start, end = today - timedelta(days=200), today + timedelta(days=165)
            contract = f'MC-DEMO-{index + 1:02d},maintenance_contract,"maintenance, repair",{model},{start},{end}'
        lines.append(
            f"C{index + 1:03d},{customer},{CUSTOMER_CLASSES[index]},总部,示例路 {index + 1} 号,{zone},{distance},"
            f"示例联系人{index + 1},设备科,010-0000 00{index + 1:02d},contact{index + 1}@example.com,{contract}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def _out_of_warranty() -> set[int]:
    """The customers (by index) whose unit a story checks as a paid repair."""
    return {
        index % len(CUSTOMERS)
        for index, (_label, _process, steps) in enumerate(STORIES)
        if any(data is PAID_TRIAGE for _role, data in steps)
    }


def _demo_products() -> bytes:
    """The demo units, dated from today so that the warranty checks of the stories agree with
    the archive: out of warranty where a story checks a paid repair, else covered."""
    today = date.today()
    paid = _out_of_warranty()
    lines = ["serial_number,model,category,customer,delivered_on,warranty_end,parts"]
    for index, (customer, model, serial, _fault) in enumerate(CUSTOMERS):
        delivered = today - timedelta(days=(3 * 365 if index in paid else 100 + 60 * index))
        ends = delivered.replace(year=delivered.year + 2, day=min(delivered.day, 28))
        parts = f"主控板:B{delivered.year}-{index + 11}; 液压泵:P{delivered.year}-0{index + 3}"
        lines.append(f"{serial},{model},own,{customer},{delivered},{ends},{parts}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _complete_next(ctx: EngineContext, actor: Actor, case_id: int, data: dict[str, Any]) -> None:
    item = next(t for t in tasks.list_tasks(ctx, actor) if t.case_id == case_id)
    tasks.complete_task(ctx, actor, item.id, data)
