"""Keep recently saved workflows alive in process memory, so the next action skips deserializing.

An entry is only valid for the exact ``lock_version`` it was saved with: if anyone else has
written the case since, the version differs and the case is loaded from the database. An
entry is taken out while in use and put back only after a successful commit, so a failed or
concurrent action can never see a half-advanced workflow.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any


class LiveWorkflows:
    def __init__(self, size: int = 512, keep: bool = True) -> None:
        self.size = size
        self.keep = keep  # False: remember nothing, every action restores from the database
        self._items: OrderedDict[int, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, case_id: int, lock_version: int) -> Any | None:
        with self._lock:
            entry = self._items.pop(case_id, None)
        if entry is None or entry[0] != lock_version:
            return None
        return entry[1]

    def put(self, case_id: int, lock_version: int, workflow: Any) -> None:
        if not self.keep:
            return
        with self._lock:
            self._items[case_id] = (lock_version, workflow)
            self._items.move_to_end(case_id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
