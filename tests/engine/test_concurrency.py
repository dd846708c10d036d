"""Two people completing the same task at the same moment: exactly one wins."""

from __future__ import annotations

import threading

import pytest

from engine.domain.errors import Conflict
from engine.services import cases
from engine.services import tasks
from engine.store.context import EngineContext
from tests import diagrams
from tests.actors import SYSTEM


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
