"""Spare parts on a service trip (S2 11.3–11.5): taken on the ERP-A/S loan slip, accounted for
within three days of coming back (used, unused, and the damaged parts replaced), re-inspected by
the quality office, moved by the warehouse by the result, and the loan cleared. The ledger of a
part number balances: what was taken is what was used plus what came back, and usable stock fell
by exactly what the customer got and what failed re-inspection.
"""

from __future__ import annotations

from decimal import Decimal

from engine.services import parts
from engine.services import tasks
from tests.priced import claim
from tests.priced import reimbursed
from tests.priced import verified
from tests.processes.journeys import refusal
from tests.processes.journeys import to_solution
from tests.webapp.test_pages import sign_in

# Three seals on warranty and a pump for a paid job go out on the slip.
SLIP = {
    "parts_slip": "ERP-AS-0412",
    "parts_issued": [
        {"part_no": "SEAL-01", "qty": "3", "basis": "warranty"},
        {"part_no": "PUMP-02", "qty": "1", "basis": "paid"},
    ],
}
# Two seals fitted, one unused, the two worn seals taken off brought back; the pump not needed.
ACCOUNT = [
    {"part_no": "SEAL-01", "used": "2", "unused": "1", "removed": "2"},
    {"part_no": "PUMP-02", "used": "0", "unused": "1"},
]


def on_the_trip(start):
    case = start("service_request")
    to_solution(case, "onsite")
    case.do("dispatcher", "dispatch", {"engineer": "wang", "distance_km": 120})
    case.do("engineer_wang", "prepare", {"plan_confirmed": True, **SLIP})
    service = {
        "arrived_at": "2026-03-03T10:00",
        "diagnosis": "密封圈老化",
        "cause": "assembly",
        "responsible_department": "production",
        "tampered": False,
        "repaired": True,
    }
    case.do("engineer_wang", "service", {**service, "whole_unit_checked": True})
    case.do("service_desk", "feedback", {"feedback_signed_by": "李经理"})
    case.do("quality_office", "approve_leave", {"leave": "approved"})
    return case


def test_parts_taken_used_brought_back_and_re_inspected_balance_the_ledger(ctx, staff, start, app):
    case = on_the_trip(start)
    case.do("engineer_wang", "trip_report", {**claim("更换密封圈"), "parts_accounted": ACCOUNT})
    assert sorted(case.open()) == ["reinspect_parts", "verify"]  # the audit does not wait for the parts
    page = tasks.task_page(ctx, staff["quality_office"], case.task("quality_office", "reinspect_parts").id)
    back = [(row["part_no"], row["source"], row["qty"]) for row in page.draft["reinspection"]]
    assert back == [("SEAL-01", "unused", "1"), ("PUMP-02", "unused", "1"), ("SEAL-01", "removed", "2")]
    results = [
        {"part_no": "SEAL-01", "source": "unused", "qty": "1", "result": "good"},
        {"part_no": "PUMP-02", "source": "unused", "qty": "1", "result": "faulty"},  # dented on the way
        {"part_no": "SEAL-01", "source": "removed", "qty": "2", "result": "scrap"},
    ]
    case.do("quality_office", "reinspect_parts", {"reinspection": results, "inspection_certificate": "JY-2026-031"})
    case.do("warehouse", "transfer_stock", {"stock_moved": True, "transfer_no": "ZY-88"})
    case.do("quality_office", "verify", verified())
    case.do("finance", "reimburse", reimbursed())
    assert case.open() == ["rate"]

    ledger, total = parts.parts_overview(ctx, staff["warehouse"])
    assert total == 2
    seal, pump = sorted(ledger, key=lambda p: p.part_no, reverse=True)
    assert (seal.of("issued"), seal.of("used"), seal.of("returned"), seal.of("removed")) == (3, 2, 1, 2)
    assert (seal.of("restocked"), seal.of("scrapped")) == (1, 2)
    assert seal.on_loan == 0  # 3 taken − 2 used − 1 back: the loan is cleared
    assert seal.stock_change == Decimal(-2)  # −3 out, +1 back good: the two the customer got
    assert (pump.of("issued"), pump.of("returned"), pump.of("nonconforming"), pump.on_loan) == (1, 1, 1, 0)
    assert pump.stock_change == Decimal(-1)  # the dented pump went to the nonconforming store
    lines = parts.part_ledger(ctx, staff["quality_office"], "SEAL-01")
    assert [(line.kind, line.quantity, line.on_hand) for line in lines] == [
        ("issued", 3, -3), ("used", 2, -3), ("returned", 1, -3), ("removed", 2, -3),
        ("restocked", 1, -2), ("scrapped", 2, -2),
    ]  # fmt: skip
    assert lines[0].basis == "warranty" and lines[0].by == "wang" and lines[-1].by == "warehouse"

    client = app.test_client()
    sign_in(client, "warehouse")
    listed = client.get("/parts/?q=SEAL").get_data(as_text=True)
    row = listed.split('data-part="SEAL-01"')[1].split("</tr>")[0]
    assert '<td class="on-loan">0</td>' in row and '<td class="stock-change">-2</td>' in row
    assert 'data-part="PUMP-02"' not in listed  # the search
    part = client.get("/parts/SEAL-01").get_data(as_text=True)
    assert part.count('<tr data-kind="') == 6 and "借出" in part and "报废" in part and case.info.number in part


def test_an_account_that_does_not_clear_the_loan_is_refused(start):
    case = on_the_trip(start)
    short = [{"part_no": "SEAL-01", "used": "2", "unused": "0"}, {"part_no": "PUMP-02", "unused": "1"}]
    assert refusal(case, "engineer_wang", "trip_report", {**claim("更换"), "parts_accounted": short}) == {
        "parts_accounted-0-used": "SEAL-01: 3 taken on the loan slip, 2 used or brought back"
    }
    forgotten = [{"part_no": "SEAL-01", "used": "3"}]
    assert refusal(case, "engineer_wang", "trip_report", {**claim("更换"), "parts_accounted": forgotten}) == {
        "parts_accounted": "PUMP-02: 1 taken on the loan slip, 0 used or brought back"
    }
    foreign = [*ACCOUNT, {"part_no": "BOLT-9", "used": "4"}]
    assert refusal(case, "engineer_wang", "trip_report", {**claim("更换"), "parts_accounted": foreign}) == {
        "parts_accounted-2-part_no": "BOLT-9 was not on the loan slip: only a replaced part may come back"
    }
    assert case.open() == ["trip_report"]


def test_a_re_inspection_must_cover_what_came_back(start):
    case = on_the_trip(start)
    case.do("engineer_wang", "trip_report", {**claim("更换密封圈"), "parts_accounted": ACCOUNT})
    partial = [
        {"part_no": "SEAL-01", "source": "unused", "qty": "1", "result": "good"},
        {"part_no": "PUMP-02", "source": "unused", "qty": "1", "result": "good"},
    ]
    form = {"reinspection": partial, "inspection_certificate": "JY-1"}
    assert refusal(case, "quality_office", "reinspect_parts", form) == {
        "reinspection": "SEAL-01 (replaced part): 2 came back, 0 inspected"
    }
