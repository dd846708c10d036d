"""Fire due timers. SpiffWorkflow never fires them by itself; a worker calls this in a loop.

Several workers may run at once: each case is claimed with a conditional UPDATE (a lease)
before it is fired, and the due time is checked again inside the firing transaction, so a
timer never fires twice.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update

from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import StepFailed
from engine.store.case_progress import mark_failed
from engine.store.case_progress import open_case
from engine.store.case_progress import save_progress
from engine.store.case_writer import CaseWriter
from engine.store.case_writer import load_case
from engine.store.context import EngineContext
from engine.store.db import utcnow
from engine.store.models import Case
from engine.store.models.cases import RUNNING

TIMER_ACTOR = Actor.system("timer")  # the worker's actor (aftercare worker)


def due_case_ids(ctx: EngineContext, actor: Actor, now: datetime, limit: int) -> list[int]:
    require(actor, Permission.RUN_TIMERS)
    with ctx.uow() as uow:
        query = (
            select(Case.id)
            .where(Case.status == RUNNING, Case.next_timer_at <= now)
            .where(or_(Case.timer_lease_until.is_(None), Case.timer_lease_until < now))
            .order_by(Case.next_timer_at)
            .limit(limit)
        )
        return list(uow.session.scalars(query))


def claim(ctx: EngineContext, actor: Actor, case_id: int, now: datetime) -> bool:
    """Take the case's timer lease; False when another worker holds it or it is no longer due."""
    require(actor, Permission.RUN_TIMERS)
    with ctx.uow(write=True) as uow:
        result = uow.session.execute(
            update(Case)
            .where(Case.id == case_id, Case.status == RUNNING, Case.next_timer_at <= now)
            .where(or_(Case.timer_lease_until.is_(None), Case.timer_lease_until < now))
            .values(timer_lease_until=now + timedelta(seconds=ctx.config.timer_lease_seconds))
            .execution_options(synchronize_session=False)
        )
        uow.commit()
        return bool(getattr(result, "rowcount", 0) == 1)


def fire_case(ctx: EngineContext, actor: Actor, case_id: int, now: datetime) -> bool:
    require(actor, Permission.RUN_TIMERS)
    try:
        with ctx.uow(write=True) as uow:
            case = load_case(uow.connection, case_id)
            if case is None or case.status != RUNNING or case.next_timer_at is None or case.next_timer_at > now:
                return False
            due = case.next_timer_at
            runtime, open_items = open_case(ctx, uow.connection, case)
            runtime.advance()
            writer = CaseWriter(uow.connection, case, open_items)
            writer.event(actor, "timer_fired", data={"due_at": due})
            save_progress(ctx, uow, writer, runtime, actor)
            writer.set(timer_lease_until=None)
            writer.write()
            uow.commit()
            return True
    except StepFailed as err:
        mark_failed(ctx, case_id, actor, err.reason, err.element, None)
        return False


def fire_due_timers(ctx: EngineContext, actor: Actor = TIMER_ACTOR, limit: int = 200) -> int:
    """One worker pass: fire every due timer this worker manages to claim; return how many."""
    require(actor, Permission.RUN_TIMERS)
    now = utcnow()
    fired = 0
    for case_id in due_case_ids(ctx, actor, now, limit):
        if claim(ctx, actor, case_id, now) and fire_case(ctx, actor, case_id, now):
            fired += 1
    return fired
