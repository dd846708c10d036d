"""SpiffWorkflow's timers read the engine's clock (engine/domain/clock.py).

SpiffWorkflow 3.2 decides whether a timer has fired, and anchors a duration timer, with
``datetime.now(timezone.utc)`` in its timer module. Everything else the engine writes reads
``clock.now()``, so a step recorded at a past moment (the demo history) would find every timer
of its case already due by the wall clock. Pointing the module's ``datetime`` at a subclass
whose ``now`` asks the engine's clock keeps the two in step; outside ``clock.recorded_at`` it
is the real time, as before.
"""

from __future__ import annotations

from datetime import datetime
from datetime import tzinfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer

from engine.domain import clock


class _EngineDatetime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]  # a plain datetime will do
        moment = clock.now()
        return moment.astimezone(tz) if tz is not None else moment.astimezone().replace(tzinfo=None)


def install() -> None:
    """Idempotent; done when the runtime is imported."""
    timer.datetime = _EngineDatetime
