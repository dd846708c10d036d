"""Two people completing the same task at the same moment: exactly one wins."""

from __future__ import annotations

import threading

import pytest

from engine.domain.errors import Conflict
from engine.services import audit
from engine.services import cases
from engine.services import customer_links
from engine.services import tasks
from engine.store.context import EngineContext
from tests import diagrams
from tests.actors import SYSTEM
from tests.priced import QUOTE_300
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import OUT_OF_WARRANTY
from tests.processes.journeys import to_solution


@pytest.mark.parametrize("round_", range(3))
def test_concurrent_completion_has_exactly_one_winner(ctx, engine_config, deploy, make_user, round_) -> None:
    deploy({"linear.bpmn": diagrams.linear()})
    alice, bob = make_user("alice", "service_desk"), make_user("bob", "service_desk")
    case = cases.start_case(ctx, alice, "two_steps", {})
    item = tasks.list_tasks(ctx, alice)[0]
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def attempt(actor, customer: str) -> None:
        own = EngineContext(engine_config)  # its own connection pool, as another server process would have
        try:
            barrier.wait()
            tasks.complete_task(own, actor, item.id, {"customer": customer})
            outcomes[customer] = "won"
        except Conflict as err:
            outcomes[customer] = err
        finally:
            own.dispose()

    threads = [threading.Thread(target=attempt, args=(alice, "A")), threading.Thread(target=attempt, args=(bob, "B"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    winners = [customer for customer, result in outcomes.items() if result == "won"]
    losers = [result for result in outcomes.values() if isinstance(result, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    # SQLite queues the second writer, which then finds the work item closed. PostgreSQL lets
    # both run: the second is stopped by the closed work item, by the task already completed in
    # the state it reads, or by the version check on the case row - whichever it reaches first.
    assert "already completed" in str(losers[0]) or "someone else changed this case" in str(losers[0])
    assert cases.get_case(ctx, SYSTEM, case.id).data["customer"] == winners[0]
    assert [t.bpmn_id for t in tasks.list_tasks(ctx, make_user("qo", "quality_office"))] == ["decide"]


def test_a_step_link_answered_twice_at_once_has_exactly_one_winner(ctx, engine_config, staff, start) -> None:  # noqa: F811
    """The customer sends the quote's answer from two phones at the same moment (or taps twice):
    the link is spent in the answering transaction, so one answer stands and the other is told
    the link was used or the case moved on."""
    case = start("service_request")
    to_solution(case, "onsite", OUT_OF_WARRANTY)
    case.do("finance", "quote", QUOTE_300)
    item = case.task("service_desk", "confirm_quote")
    link = customer_links.issue_task_link(ctx, staff["service_desk"], case.id, item.id)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def attempt(answer: str) -> None:
        own = EngineContext(engine_config)
        data = {"quote_accepted": answer} if answer == "true" else {"quote_accepted": answer, "customer_note": "太贵"}
        try:
            barrier.wait()
            tasks.complete_by_link(own, link.token, data)
            outcomes[answer] = "won"
        except Exception as err:  # noqa: BLE001 - every outcome is asserted below
            outcomes[answer] = err
        finally:
            own.dispose()

    threads = [threading.Thread(target=attempt, args=(answer,)) for answer in ("true", "false")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    winners = [answer for answer, result in outcomes.items() if result == "won"]
    losers = [result for result in outcomes.values() if isinstance(result, Conflict | customer_links.LinkRefused)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert case.data["quote_accepted"] is (winners[0] == "true")
    events = audit.export_trail(ctx, SYSTEM, case.id)["events"]
    completed = [e for e in events if e["action"] == "task_completed" and e["bpmn_id"] == "confirm_quote"]
    assert len(completed) == 1
