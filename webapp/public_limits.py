"""Rate limits of the public routes (customer links): per client address, a sliding window.

A customer opens a tracking link a few times a day; a script walking tokens or hammering the
page is slowed to ``max_requests`` per ``window`` and then answered 429. Refused tokens count
more: ``max_refusals`` bad links per window and the address waits. The counts are per process
(an installation with several web processes allows each its share), bounded in memory by
forgetting addresses whose window has passed.
"""

from __future__ import annotations

import threading
import time
from collections import deque

MAX_REQUESTS = 60
MAX_REFUSALS = 10
WINDOW_SECONDS = 60.0
MAX_ADDRESSES = 10_000


class PublicLimiter:
    def __init__(
        self, max_requests: int = MAX_REQUESTS, max_refusals: int = MAX_REFUSALS, window: float = WINDOW_SECONDS
    ) -> None:
        self.max_requests, self.max_refusals, self.window = max_requests, max_refusals, window
        self._requests: dict[str, deque[float]] = {}
        self._refusals: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, address: str) -> bool:
        """Count one request from ``address``; False when it is over either limit."""
        with self._lock:
            now = time.monotonic()
            if len(self._requests) > MAX_ADDRESSES:
                self._forget(now)
            requests = self._recent(self._requests, address, now)
            refused = self._recent(self._refusals, address, now)
            if len(requests) >= self.max_requests or len(refused) >= self.max_refusals:
                return False
            requests.append(now)
            return True

    def refused(self, address: str) -> None:
        """``address`` presented a link that did not open."""
        with self._lock:
            now = time.monotonic()
            self._recent(self._refusals, address, now).append(now)

    def _recent(self, table: dict[str, deque[float]], address: str, now: float) -> deque[float]:
        times = table.setdefault(address, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def _forget(self, now: float) -> None:
        for table in (self._requests, self._refusals):
            for address in [key for key, times in table.items() if not times or now - times[-1] > self.window]:
                del table[address]
