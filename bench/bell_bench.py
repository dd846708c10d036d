"""Bell benchmark: the unread count every page's bar pays for, as a role's history grows.

Two SQLite databases in one run, built the same way: a service desk whose notifications of the
last 30 days are about tasks closed since (the usual state of a busy month), plus a few about
open tasks and a few addressed to the reader. The baseline is the small database; the ratio
says how the count grows with the history (1.0: not at all).

Usage: python bench/bell_bench.py [--small N] [--large N] [--repeats R]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy import update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.services import cases  # noqa: E402
from engine.store.context import EngineContext  # noqa: E402
from engine.store.db import utcnow  # noqa: E402
from engine.store.models import WorkItem  # noqa: E402
from engine.store.notifications import NOTICES  # noqa: E402
from engine.store.notifications import Reader  # noqa: E402
from engine.store.notifications import unread_count  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_bench import prepare_durable  # noqa: E402


def build(directory: Path, rows: int) -> tuple[EngineContext, Reader, int]:
    ctx, actor = prepare_durable(directory)
    for _ in range(20):  # twenty cases with an open first task each
        cases.start_case(ctx, actor, "repair_bench", {})
    now = utcnow()
    with ctx.uow(write=True) as uow:
        items = [row.id for row in uow.connection.execute(WorkItem.__table__.select())]
        closed, still_open = items[:10], items[10:]
        uow.connection.execute(update(WorkItem).where(WorkItem.id.in_(closed)).values(closed_at=now))
        history = [
            {
                "key": f"old-{n}",
                "event": "task_landed",
                "user_id": None,
                "role": "service_desk",
                "case_id": None,
                "work_item_id": closed[n % len(closed)],
                "actor_id": None,
                "params": {"number": "SR-1", "task": "t"},
                "urgent": False,
                "created_at": now - timedelta(seconds=n),
            }
            for n in range(rows)
        ]
        uow.connection.execute(insert(NOTICES), history)
        uow.commit()
    return ctx, Reader(actor.user_id or 0, frozenset({"service_desk"}), now - timedelta(days=60)), len(still_open)


def timed(ctx: EngineContext, reader: Reader, repeats: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeats):
        with ctx.uow() as uow:
            began = time.perf_counter()
            count = unread_count(uow.connection, reader, utcnow())
            times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000, count


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--small", type=int, default=2_000)
    options.add_argument("--large", type=int, default=20_000)
    options.add_argument("--repeats", type=int, default=30)
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        small, small_reader, _open = build(Path(first), args.small)
        large, large_reader, _open = build(Path(second), args.large)
        results: dict[str, list[float]] = {"small": [], "large": []}
        for _ in range(5):  # interleaved, so both sizes see the same machine
            results["small"].append(timed(small, small_reader, args.repeats)[0])
            results["large"].append(timed(large, large_reader, args.repeats)[0])
        low, high = statistics.median(results["small"]), statistics.median(results["large"])
        print(f"bell count, {args.small} old role rows: {low:.2f} ms; {args.large}: {high:.2f} ms")
        print(f"ratio large/small: {high / low:.2f}   target <= 1.5 (the count must not follow the history)")
        small.dispose()
        large.dispose()


if __name__ == "__main__":
    main()
