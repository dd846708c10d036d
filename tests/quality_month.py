"""A known month of cases for the quality views (March 2026, every step at a fixed time).

- A: a fault repaired on site by wang, every step on time, rated satisfied on all four items
  (called in Monday 09:00 at 120 km: on site by Tuesday 09:00, S2 5.1.1.3 — wang arrives at
  08:30 and finishes the repair at 10:00, after the deadline, which is no lateness);
- B: the same, called in at 13:00, but wang arrives at 14:00 the next day — an hour after the
  24 hours, so the promise to the customer is broken (half a working hour late: 13:30–14:00) —
  and repairs by 15:00; the trip report is late (due Friday 15:00, written Wednesday 09:00)
  and the attitude is rated fair;
- C: a consultation answered in an hour (not a service);
- D: a quality complaint the analysis puts on the after-sales department (cause: service),
  external cost 1 200.00, closed with CAPA.

A's and B's trips (860.00 each, warranty work) are reimbursed in March: with D's 1 200.00 the
month's external failure cost is 2 920.00. The engineer codes both repairs assembly (production).

The follow-up calls of A and B, a month after their surveys, close those cases on 13 April.
The expected figures in the tests are worked out by hand from these times.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import time_machine

from engine.services import timers
from tests.priced import claim
from tests.priced import reimbursed
from tests.priced import verified
from tests.processes.conftest import SHANGHAI
from tests.processes.journeys import CALL
from tests.processes.journeys import IN_WARRANTY
from tests.processes.journeys import SATISFIED
from tests.processes.journeys import UNRESOLVED

FROM, TO = "2026-03-01", "2026-04-30"


def moment(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@contextmanager
def at(month: int, day: int, hour: int, minute: int = 0) -> Iterator[None]:
    with time_machine.travel(moment(month, day, hour, minute), tick=False):
        yield


@dataclass
class Month:
    a: int
    b: int
    c: int
    d: int
    opened: dict[str, datetime]
    closed: dict[str, datetime]


def _repair(
    start,
    opened: tuple[int, int, int],
    triage_minutes: int,
    late_report: bool,
    ratings,
    rated: tuple[int, ...] = (),
    arrived: str = "2026-03-03T10:00",
    serviced: int = 10,
):
    """An on-site repair opened at ``opened`` (month, day, hour), serviced the next day at
    ``serviced`` o'clock; rated with the verification, or at ``rated`` (month, day, hour) when given."""
    month, day, hour = opened
    with at(month, day, hour):
        case = start("service_request")
    with at(month, day, hour, 10):
        case.do("service_desk", "register", CALL)
    with at(month, day, hour + triage_minutes // 60, triage_minutes % 60):
        case.do("quality_office", "triage", IN_WARRANTY)
    with at(month, day, hour + 3):
        case.do("tech_support", "guidance", UNRESOLVED)
        case.do("quality_office", "choose_way", {"solution": "onsite"})
        case.do("dispatcher", "dispatch", {"engineer": "wang", "distance_km": 120})
        case.do("engineer_wang", "prepare", {"plan_confirmed": True})
    with at(month, day + 1, serviced):
        service = {
            "arrived_at": arrived,
            "diagnosis": "密封圈老化",
            "cause": "assembly",
            "responsible_department": "production",
            "tampered": False,
            "repaired": True,
            "whole_unit_checked": True,
        }
        case.do("engineer_wang", "service", service)
        case.do("service_desk", "feedback", {"feedback_signed_by": "客户代表"})
        case.do("quality_office", "approve_leave", {"leave": "approved"})
    # Due three working days after the engineer left: Friday 6 March; late: Wednesday 11 March.
    with at(month, 11 if late_report else day + 2, 9):
        case.do("engineer_wang", "trip_report", claim("更换密封圈"))
    with at(month, 11 if late_report else day + 3, 10):
        case.do("quality_office", "verify", verified())
        case.do("finance", "reimburse", reimbursed())
        if not rated:
            case.do("service_desk", "rate", ratings)
    if rated:
        with at(*rated):
            case.do("service_desk", "rate", ratings)
    return case


def build(ctx, staff, start) -> Month:
    """The four cases; needs the shipped processes and one user per role (the staff fixture)."""
    a = _repair(start, (3, 2, 9), 30, False, SATISFIED, arrived="2026-03-03T08:30")
    b = _repair(start, (3, 2, 13), 120, True, {**SATISFIED, "rating_attitude": "fair"}, (), "2026-03-03T14:00", 15)
    with at(3, 4, 9):
        c = start("service_request")
    with at(3, 4, 9, 5):
        c.do("service_desk", "register", {**CALL, "request_kind": "consultation"})
    with at(3, 4, 10):
        c.do("quality_office", "answer", {"answer_text": "按说明书第 5 章保养"})
    with at(3, 9, 9):
        d = start("complaint")
    with at(3, 9, 9, 5):
        d.do("service_desk", "register", {
            "customer": "东岭示例电气集团", "order_no": "SO-2026-0310", "part_no": "KG-5", "quantity": 20,
            "defective_qty": 3, "complaint_text": "服务人员未按约定时间到场", "complaint_class": "quality",
            "severity": "minor", "complexity": "general",
        })  # fmt: skip
    with at(3, 9, 9, 15):
        d.do("service_desk", "first_contact", {"contact_note": "当即电话联系客户"})
    with at(3, 9, 10):
        d.do("tech_support", "analyse", {
            "analysis": "派工延误", "company_fault": True, "responsible_department": "after_sales",
            "cause": "service_work",
        })  # fmt: skip
        d.do("quality_office", "record_minor", {"feedback_to": "售后服务中心"})
    with at(3, 12, 10):
        d.do(
            "quality_office",
            "carry_out",
            {"result": "上门致歉并复查", "customer_informed": True, "external_cost": "1200.00"},
        )
    with at(3, 13, 10):
        d.do(
            "quality_manager",
            "capa",
            {"corrective_action": "派工复核", "preventive_action": "到场时限提醒", "effective": True},
        )
    # The follow-up calls, a month after the surveys (due 5 and 11 April; worked on Monday 13 April).
    with at(4, 13, 9):
        assert timers.fire_due_timers(ctx) == 2
    with at(4, 13, 10):
        a.do("service_desk", "call", {"reached": True, "follow_up_note": "运行正常"})
    with at(4, 13, 11):
        b.do("service_desk", "call", {"reached": True, "follow_up_note": "运行正常"})
    assert [case.status for case in (a, b, c, d)] == ["completed"] * 4
    return Month(
        a.id,
        b.id,
        c.id,
        d.id,
        opened={"a": moment(3, 2, 9), "b": moment(3, 2, 13), "c": moment(3, 4, 9), "d": moment(3, 9, 9)},
        closed={"a": moment(4, 13, 10), "b": moment(4, 13, 11), "c": moment(3, 4, 10), "d": moment(3, 13, 10)},
    )
