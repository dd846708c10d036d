"""Fire due timers. SpiffWorkflow never fires them by itself; a worker calls this in a loop.

Several workers may run at once: each case is claimed with a conditional UPDATE (a lease)
before it is fired, and the due time is checked again inside the firing transaction, so a
timer never fires twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update

from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import Conflict
from engine.domain.errors import StepFailed
from engine.store.audit_checkpoints import write_checkpoint
from engine.store.case_progress import mark_failed
from engine.store.case_progress import open_case
from engine.store.case_progress import save_progress
from engine.store.case_writer import CaseWriter
from engine.store.case_writer import load_case
from engine.store.context import EngineContext
from engine.store.db import utcnow
from engine.store.models import Case
from engine.store.models.cases import RUNNING

LOG = logging.getLogger("aftercare.timers")
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
            writer = CaseWriter(uow.connection, case, open_items, keys=ctx.audit_keys)
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
    return TimerWorker(ctx, actor).run_pass(limit)


CHECKPOINT_SECONDS = 3600.0
MAX_ATTEMPTS = 3  # a case whose timer fails this often (not a lost race) is put in error


class TimerWorker:
    """Fires due timers pass after pass and survives whatever one case or the database does.

    A case that raises anything but a lost race is retried on the next passes and, after
    ``MAX_ATTEMPTS``, put in ``error`` with the reason, so it stops coming back; a lost race
    (someone acted on the case meanwhile) is simply tried again later. A pass that fails as a
    whole (the database went away) is logged and the next one waits longer, up to a minute.
    """

    def __init__(
        self, ctx: EngineContext, actor: Actor = TIMER_ACTOR, also: Callable[[], object] | None = None
    ) -> None:
        """``also``: more work for each pass (the command line adds delivering the outbox)."""
        require(actor, Permission.RUN_TIMERS)
        self.ctx, self.actor, self.also = ctx, actor, also
        self.failures: dict[int, int] = {}
        self.backoff = 0.0
        self.checkpointed_at: float | None = None

    def checkpoint_if_due(self, every_seconds: float = CHECKPOINT_SECONDS) -> bool:
        """Append a signed checkpoint of every case's head when the last is older than an hour."""
        keys, path = self.ctx.audit_keys, self.ctx.config.audit_checkpoints_file
        moment = time.monotonic()
        if keys is None or path is None:
            return False
        if self.checkpointed_at is not None and moment - self.checkpointed_at < every_seconds:
            return False
        with self.ctx.uow() as uow:
            count = write_checkpoint(uow.session, keys, path, utcnow().isoformat())
        self.checkpointed_at = moment
        LOG.info("audit checkpoint of %s case heads written to %s", count, path)
        return True

    def run_pass(self, limit: int = 200) -> int:
        now = utcnow()
        fired = 0
        for case_id in due_case_ids(self.ctx, self.actor, now, limit):
            try:
                if claim(self.ctx, self.actor, case_id, now) and fire_case(self.ctx, self.actor, case_id, now):
                    fired += 1
                self.failures.pop(case_id, None)
            except Conflict:
                LOG.info("case %s: lost a race for its timer; trying again later", case_id)
            except Exception as err:  # noqa: BLE001 - one case must never stop the others
                self._failed(case_id, err)
        return fired

    def _failed(self, case_id: int, err: Exception) -> None:
        count = self.failures.get(case_id, 0) + 1
        self.failures[case_id] = count
        LOG.warning("case %s: firing its timer failed (%s of %s): %s", case_id, count, MAX_ATTEMPTS, err)
        if count < MAX_ATTEMPTS:
            return
        reason = f"its timer failed {count} times: {type(err).__name__}: {err}"[:1000]
        try:
            mark_failed(self.ctx, case_id, self.actor, reason, None, None)
            self.failures.pop(case_id, None)
        except Exception:  # noqa: BLE001 - the database may be what failed; retry next pass
            LOG.exception("case %s: could not be marked failed", case_id)

    def run_forever(self, interval: float, passes: int | None = None, sleep: Any = time.sleep) -> None:
        """Pass after pass; a failed pass waits twice as long as the last (1 s up to 60 s)."""
        done = 0
        while passes is None or done < passes:
            done += 1
            try:
                fired = self.run_pass()
                self.checkpoint_if_due()
                if self.also is not None:
                    self.also()
            except Exception:  # noqa: BLE001 - log, back off, go on
                self.backoff = min(max(self.backoff * 2, 1.0), 60.0)
                LOG.exception("timer pass failed; next try in %.0f s", self.backoff)
                sleep(self.backoff)
                continue
            self.backoff = 0.0
            if fired:
                LOG.info("fired timers in %s case(s)", fired)
            sleep(interval)
