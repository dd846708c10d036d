"""Run process code in separate worker processes with hard time and memory limits.

The in-process sandbox (``sandbox.py``) counts Python opcodes, which cannot stop one long C call
(``math.factorial`` of a large number, ``str()`` of a huge list) and holds the GIL while it
runs, so every other request of the server waits. Code that may do such things runs here:

- each worker is a process of its own with an address-space limit (``RLIMIT_AS``): building a
  gigabyte fails there, not in the server;
- the server waits at most a wall-clock limit for an answer, then kills the worker; waiting
  releases the GIL, so other requests go on meanwhile; ``RLIMIT_CPU`` backs this up;
- whatever the code raises — ``BaseException`` subclasses included — comes back as a
  ``SandboxViolation`` message; a worker that dies is replaced;
- answers are unpickled with a list of allowed types only, and are refused above a size limit.

Workers are fresh interpreters (``python -m engine.bpmn.sandbox_process``), never forked from the
threaded server, and are reused; jobs and answers travel as length-prefixed pickles on their pipes.
"""

from __future__ import annotations

import io
import os
import pickle
import resource
import select
import struct
import subprocess
import sys
import threading
import time as clock
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import timezone
from decimal import Decimal
from pathlib import Path
from typing import Any
from typing import BinaryIO
from zoneinfo import ZoneInfo

from engine.domain.errors import SandboxViolation

MAX_ANSWER_BYTES = 2 * 1024 * 1024
MAX_IDLE_WORKERS = 4
_HEADER = struct.Struct(">I")
_SOURCE_ROOT = str(Path(__file__).resolve().parents[2])  # the directory holding engine/

# What an answer may contain: plain data, as task data holds it.
_ALLOWED = {
    ("builtins", name)
    for name in ("dict", "list", "tuple", "set", "frozenset", "str", "bytes", "int", "float", "bool", "complex")
} | {
    ("datetime", "datetime"),
    ("datetime", "date"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("decimal", "Decimal"),
    ("zoneinfo", "ZoneInfo._unpickle"),
    ("zoneinfo._zoneinfo", "ZoneInfo._unpickle"),
}
_PLAIN: tuple[type, ...] = (dict, list, tuple, set, frozenset, str, bytes, int, float, bool, complex, type(None))
_PLAIN += (datetime, date, time, timedelta, timezone, Decimal, ZoneInfo)


@dataclass(frozen=True)
class Limits:
    cpu_seconds: float
    wall_seconds: float
    memory_bytes: int


@dataclass(frozen=True)
class Job:
    """One evaluation: ``mode`` is "eval" (an expression) or "exec" (a script)."""

    mode: str
    source: str
    data: dict[str, Any]
    extra: dict[str, Any]  # names SpiffWorkflow adds (data objects, the DMN input)
    calendar: Any  # the WorkingCalendar the date helpers count with
    settings: Any  # the ServiceSettings whose terms due() reads
    now: datetime  # what now() answers: the server's clock when the job was sent


class _AnswerReader(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise SandboxViolation(f"the result holds a {module}.{name}, which is not plain data")
        return super().find_class(module, name)


def _serve(requests: BinaryIO, answers: BinaryIO, limits: Limits) -> None:
    """The worker: answer jobs until the server hangs up."""
    from engine.bpmn import sandbox
    from engine.bpmn.date_helpers import calendar_helpers

    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    while True:
        header = requests.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        job: Job = pickle.loads(requests.read(_HEADER.unpack(header)[0]))
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = used.ru_utime + used.ru_stime
        resource.setrlimit(resource.RLIMIT_CPU, (int(spent + limits.cpu_seconds) + 2, resource.RLIM_INFINITY))
        try:
            helpers = {**calendar_helpers(job.calendar, job.now, job.settings), **job.extra}
            limit = sandbox.CpuLimit(limits.cpu_seconds)
            if job.mode == "eval":
                value: Any = sandbox.evaluate(job.source, job.data, helpers, limit)
            else:
                sandbox.execute(job.source, job.data, helpers, limit)
                value = job.data
            answer = pickle.dumps(("ok", _checked(value)))
        except BaseException as err:  # noqa: BLE001 - whatever process code raises is its error
            answer = pickle.dumps(("error", _describe(err)))
        if len(answer) > MAX_ANSWER_BYTES:
            answer = pickle.dumps(("error", f"the result is larger than {MAX_ANSWER_BYTES // 1024} KB"))
        answers.write(_HEADER.pack(len(answer)) + answer)
        answers.flush()


def _checked(value: Any, depth: int = 0) -> Any:
    """``value`` when it is plain data (not too deep), else raise."""
    if depth > 64:
        raise SandboxViolation("the result is nested too deeply")
    if not isinstance(value, _PLAIN):
        raise SandboxViolation(f"a {type(value).__name__} is not plain data")
    if isinstance(value, dict):
        for key, item in value.items():
            _checked(key, depth + 1)
            _checked(item, depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _checked(item, depth + 1)
    return value


def _describe(err: BaseException) -> str:
    try:
        text = str(err)
    except BaseException:  # noqa: BLE001 - even its message may be hostile
        text = ""
    name = type(err).__name__ if isinstance(type(err).__name__, str) else "Error"
    if isinstance(err, MemoryError):
        return "the memory limit of process code was exceeded"
    return f"{name}: {text[:500]}" if text else name


class _Worker:
    def __init__(self, limits: Limits) -> None:
        limits_text = f"{limits.cpu_seconds},{limits.wall_seconds},{limits.memory_bytes}"
        self.process = subprocess.Popen(  # noqa: S603 - our own module, no shell
            [sys.executable, "-m", "engine.bpmn.sandbox_process", limits_text],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={"PYTHONPATH": _SOURCE_ROOT, "PATH": os.defpath},
            cwd="/",
            close_fds=True,
        )

    def ask(self, job: Job, wall_seconds: float) -> bytes:
        """Send ``job``; the answer's bytes, or raise TimeoutError / EOFError."""
        assert self.process.stdin is not None and self.process.stdout is not None
        request = pickle.dumps(job)
        self.process.stdin.write(_HEADER.pack(len(request)) + request)
        self.process.stdin.flush()
        deadline = clock.monotonic() + wall_seconds
        header = self._read(_HEADER.size, deadline)
        size = _HEADER.unpack(header)[0]
        if size > MAX_ANSWER_BYTES + 1024:
            raise EOFError("answer too large")
        return self._read(size, deadline)

    def _read(self, count: int, deadline: float) -> bytes:
        assert self.process.stdout is not None
        descriptor = self.process.stdout.fileno()
        chunks, missing = [], count
        while missing:
            left = deadline - clock.monotonic()
            if left <= 0 or not select.select([descriptor], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(descriptor, missing)
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(2)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


class SandboxPool:
    """Idle workers to reuse; a worker is busy with one job at a time."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()

    def run(self, job: Job) -> Any:
        """The value of the expression, or the script's data; SandboxViolation on any failure."""
        worker = self._take()
        try:
            answer = worker.ask(job, self.limits.wall_seconds)
        except TimeoutError:
            worker.stop()
            raise SandboxViolation(f"time limit of {self.limits.wall_seconds:g} s exceeded") from None
        except (EOFError, OSError) as err:
            worker.stop()
            raise SandboxViolation("process code was stopped: it exceeded its CPU or memory limit") from err
        self._give_back(worker)
        status, value = _AnswerReader(io.BytesIO(answer)).load()
        if status != "ok":
            raise SandboxViolation(str(value))
        return value

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    return worker
                worker.stop()
        return _Worker(self.limits)

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            if len(self._idle) < MAX_IDLE_WORKERS:
                self._idle.append(worker)
                return
        worker.stop()

    def close(self) -> None:
        with self._lock:
            workers, self._idle = self._idle, []
        for worker in workers:
            worker.stop()


_POOLS: dict[Limits, SandboxPool] = {}
_POOLS_LOCK = threading.Lock()


def pool_for(limits: Limits) -> SandboxPool:
    """One pool per set of limits for the whole server process."""
    with _POOLS_LOCK:
        pool = _POOLS.get(limits)
        if pool is None:
            pool = _POOLS[limits] = SandboxPool(limits)
        return pool


if __name__ == "__main__":
    cpu, wall, memory = sys.argv[1].split(",")
    _serve(sys.stdin.buffer, sys.stdout.buffer, Limits(float(cpu), float(wall), int(memory)))
