"""The engine's one clock: what "now" is for every step, due time and record it writes.

Only the demo loader moves it (``recorded_at``), to give ``make run`` months of dated history
through the engine's own services, so the history is what real use would have written. The
override is per thread/task (a context variable): the web app and the worker never see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import tzinfo

_moment: ContextVar[datetime | None] = ContextVar("aftercare_clock", default=None)


def now() -> datetime:
    moment = _moment.get()
    return moment if moment is not None else datetime.now(UTC)


@contextmanager
def recorded_at(moment: datetime) -> Iterator[None]:
    """Within the block, "now" is ``moment`` (timezone-aware)."""
    if moment.tzinfo is None:
        raise ValueError("recorded_at needs a timezone-aware moment")
    token = _moment.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _moment.reset(token)


def today(zone: tzinfo) -> date:
    """The local date of "now" in ``zone``."""
    return now().astimezone(zone).date()
