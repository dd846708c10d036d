"""External failure cost by month and kind, and the cause analysis of all repairs (S2 12.3–12.4),
on the known months of tests/cost_months.py: every figure worked out by hand there."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal

import pytest

from engine.domain import failure_cost
from engine.domain.fee_table import SHIPPED_FEES
from engine.domain.periods import recent_quarters
from engine.domain.periods import reporting_period
from engine.domain.policy import SHIPPED
from engine.services import kpis
from tests import cost_months
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture


@pytest.fixture
def months(ctx, staff, start):  # noqa: F811
    return cost_months.build(ctx, staff, start)


def test_the_cost_report_and_the_cause_pareto_equal_the_hand_worked_months(ctx, staff, months) -> None:  # noqa: F811
    period = reporting_period(ctx.config.timezone, cost_months.FROM, cost_months.TO)
    board = kpis.dashboard(ctx, staff["quality_manager"], period)
    may, june = board.costs
    assert (may.month, may.amount) == ("2026-05", Decimal("6950.00"))
    assert may.by_kind == {
        "trips": Decimal("1160.00"),  # 860 + 300; E5's trip was paid work
        "parts": Decimal("70.00"),  # 2 seals × 35.00
        "factory_hours": Decimal("720.00"),  # (6 + 3) h × 80
        "replacements": Decimal("5000.00"),
    }
    assert may.kind_cases == {
        "trips": [months.e1, months.e2],
        "parts": [months.e1],
        "factory_hours": [months.e2, months.e3],
        "replacements": [months.e3],
    }
    assert months.e5 not in may.cases
    assert (june.month, june.amount, june.by_kind, june.cases) == (
        "2026-06",
        Decimal("3000.00"),
        {"refunds": Decimal("3000.00")},
        [months.e4],
    )
    assert board.cases_behind("costs", "2026-05/factory_hours") == [months.e2, months.e3]
    assert board.cases_behind("costs", "2026-06") == [months.e4]
    assert board.unpriced_parts == []

    causes = [(b.key, b.count, b.share, b.cumulative, b.cases) for b in board.causes_by["cause"]]
    assert causes == [
        ("assembly", 2, 0.4, 0.4, [months.e1, months.e4]),
        ("purchasing", 1, 0.2, pytest.approx(0.6), [months.e2]),  # the re-inspection's, not the engineer's
        ("transport", 1, 0.2, pytest.approx(0.8), [months.e3]),
        ("use", 1, 0.2, pytest.approx(1.0), [months.e5]),
    ]
    departments = [(b.key, b.count) for b in board.causes_by["department"]]
    assert departments == [("production", 2), ("customer", 1), ("logistics", 1), ("purchasing", 1)]
    assert board.cases_behind("causes_cause", "purchasing") == [months.e2]
    assert board.option_names["cause"]["assembly"] == "装配"


def test_a_quarter_counts_only_the_causes_recorded_in_it(ctx, staff, months) -> None:  # noqa: F811
    june = reporting_period(ctx.config.timezone, "2026-06-01", "2026-06-30")
    board = kpis.dashboard(ctx, staff["quality_manager"], june)
    assert board.causes_by == {"cause": [], "department": []}
    assert [c.month for c in board.costs] == ["2026-06"]


AT = datetime(2026, 5, 6, 2, tzinfo=UTC)


def test_a_warranty_part_missing_from_the_price_list_is_named_not_guessed() -> None:
    uses = [
        failure_cost.PartUse(1, "ZZ-9", Decimal(1), "warranty", AT),
        failure_cost.PartUse(1, "YY-1", Decimal(4), "paid", AT),  # the customer pays: not counted
    ]
    lines, unpriced = failure_cost.cost_lines(SHIPPED, {}, uses, SHIPPED_FEES)
    assert (lines, unpriced) == ([], {"ZZ-9"})


def test_work_a_partner_is_billed_for_is_not_a_failure_cost() -> None:
    steps = {
        7: [
            ("notify_partner", {"partner_notified": True}, AT),
            ("reimburse", {"reimbursed_amount": "860.00"}, AT),
        ],
        8: [("reimburse", {"reimbursed_amount": "860.00"}, AT)],
    }
    lines, _ = failure_cost.cost_lines(SHIPPED, steps, [], SHIPPED_FEES)
    assert [(line.case_id, line.kind, line.amount) for line in lines] == [(8, "trips", Decimal("860.00"))]


def test_the_quarter_links_go_back_across_the_year() -> None:
    assert recent_quarters(date(2026, 2, 14), 3) == [
        ("2026 Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2025 Q4", date(2025, 10, 1), date(2025, 12, 31)),
        ("2025 Q3", date(2025, 7, 1), date(2025, 9, 30)),
    ]


def test_a_repair_done_again_after_a_failed_inspection_counts_its_hours_again() -> None:
    later = AT.replace(day=8)
    steps = {
        3: [
            ("repair", {"repair_hours": "4"}, AT),
            ("inspect", {"passed": False}, AT),
            ("repair", {"repair_hours": "2.5"}, later),
        ]
    }
    lines, _ = failure_cost.cost_lines(SHIPPED, steps, [], SHIPPED_FEES)
    # 4 h and 2.5 h at the factory rate for a technician, 80: 320.00 and 200.00.
    assert [(line.amount, line.at) for line in lines] == [(Decimal("320.00"), AT), (Decimal("200.00"), later)]
