"""``make run``'s demo data: one user per role and a dozen cases in different states."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine.domain import clock
from engine.domain.periods import reporting_period
from engine.domain.roles import ROLES
from engine.services import demo_data
from engine.services import demo_history
from engine.services import kpis
from engine.services import processes
from engine.services import products
from engine.services import users
from engine.store.models import Case
from engine.store.models import Customer
from engine.store.models import DeliveredUnit
from tests.actors import SYSTEM
from tests.conftest import SQLITE_ONLY
from tests.processes.test_shipped_diagrams import PROCESSES

# make run's demo data is loaded on SQLite; the services it calls run on PostgreSQL elsewhere.
pytestmark = SQLITE_ONLY


def test_demo_data_creates_users_and_cases_in_varied_states_once(ctx) -> None:
    processes.load_directory(ctx, SYSTEM, PROCESSES)
    lines = list(demo_data.load(ctx))
    history = len(demo_history.STORIES)
    assert len(lines) == 1 + 1 + 1 + 1 + history + 13  # users, customers, fee table, products, dated history, cases
    assert lines[1] == f"{len(demo_data.CUSTOMERS)} demo customers with sites, contacts and agreements"
    assert lines[2] == f"a fee table with {len(demo_data.PARTS)} demo parts"
    assert lines[3] == f"{len(demo_data.CUSTOMERS)} demo products in the archive"
    archived, _total = products.list_units(
        ctx, users.authenticate(ctx, "quality_manager", demo_data.DEMO_PASSWORD), None, 1
    )
    assert {unit.serial_number for unit in archived} == {serial for _c, _m, serial, _f in demo_data.CUSTOMERS}
    for role in ROLES:
        actor = users.authenticate(ctx, role.id, demo_data.DEMO_PASSWORD)
        assert actor is not None and actor.roles == {role.id}
    with ctx.uow() as uow:
        found = list(uow.session.scalars(select(Case)))
        statuses = Counter(case.status for case in found)
        names = dict(uow.session.execute(select(Customer.id, Customer.name)).all())
        # Every registered case is tied to the customer master's record of the company it names.
        registered = [case for case in found if (case.data or {}).get("customer")]
        assert registered and all(names.get(case.customer_id) == case.data["customer"] for case in registered)
        # Each archive unit is tied to its customer too.
        units = uow.session.scalars(select(DeliveredUnit))
        assert all(names.get(unit.customer_id) == unit.customer for unit in units)
    # The history's two latest repairs wait for their follow-up call a month after the survey.
    assert statuses == {"running": 11 + 2, "completed": 1 + history - 2, "cancelled": 1}
    quoted = next(case for case in found if (case.data or {}).get("quote_amount") and case.status == "running")
    assert quoted.data["quote_amount"] == "2680.00"  # 4 h × 200 + 600 travel (180 km) + the 1280 pump
    again = list(demo_data.load(ctx))
    assert len(again) == 1 and "already present" in again[0] and demo_data.DEMO_PASSWORD in again[0]


def test_the_demo_history_fills_the_dashboard_with_dated_figures(ctx) -> None:
    processes.load_directory(ctx, SYSTEM, PROCESSES)
    list(demo_data.load(ctx))
    manager = users.authenticate(ctx, "quality_manager", demo_data.DEMO_PASSWORD)
    today = clock.today(ZoneInfo(ctx.config.timezone))
    period = reporting_period(ctx.config.timezone, str(today - timedelta(days=110)), str(today))
    board = kpis.dashboard(ctx, manager, period)
    kinds: dict[str, Decimal] = {}
    for month in board.costs:
        for kind, amount in month.by_kind.items():
            kinds[kind] = kinds.get(kind, Decimal(0)) + amount
    assert kinds == {
        "trips": Decimal("3280.00"),  # four warranty trips × 820 (the paid repair's is not counted)
        "parts": Decimal("100.00"),  # four repairs × 2 seals MS-8 × 12.50
        "factory_hours": Decimal("1200.00"),  # two factory repairs × 6 h and a recovered unit's 3 h, × 80
        "replacements": Decimal("6800.00"),
        "complaints": Decimal("1500.00"),
    }
    assert len({month.month for month in board.costs}) >= 3  # spread over the months
    causes = {bucket.key: bucket.count for bucket in board.causes_by["cause"]}
    assert causes == {"assembly": 2, "machining": 3, "purchasing": 1, "transport": 1, "use": 1}
    # Eight services of the history and the phone fix of the stories rated, four items each.
    assert board.satisfaction.count_all == 4 * 9
    assert board.satisfaction.count_hits == 4 * 9 - 1  # one arrival rated fair
