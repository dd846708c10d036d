"""The engine's error hierarchy; the web layer maps each class to one HTTP status."""

from __future__ import annotations

from dataclasses import dataclass


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""


class NotFound(EngineError):
    """The case, task, process or user does not exist (or is not visible to the actor)."""


class NotAllowed(EngineError):
    """The actor lacks the role or assignment the action needs."""


class Conflict(EngineError):
    """The action lost a race or targets something that is no longer open."""


class TaskNotReady(Conflict):
    """The task exists but cannot be completed now (finished, cancelled, or not yet reached)."""


class InvalidData(EngineError):
    """Submitted data failed validation; ``errors`` maps field ids to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Problem:
    """One problem found in an uploaded diagram or decision table."""

    message: str
    element: str | None = None
    line: int | None = None
    file: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                self.file or "",
                f"line {self.line}" if self.line else "",
                f"element {self.element}" if self.element else "",
            )
            if part
        )
        return f"{where}: {self.message}" if where else self.message


class InvalidProcess(EngineError):
    """A diagram set has problems; ``problems`` lists every one found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class SandboxViolation(EngineError):
    """An expression or script tried something the sandbox forbids."""


class StepFailed(EngineError):
    """A process step raised; the case is in ``error`` state and its stored state is unchanged."""

    def __init__(self, message: str, element: str | None) -> None:
        super().__init__(f"{element}: {message}" if element else message)
        self.element = element
        self.reason = message


class TaskTreeTooLarge(EngineError):
    """Advancing the case would grow its task tree past the configured bound."""


@dataclass(frozen=True)
class RowProblem:
    """One problem in an imported table: its row (1 = the header), column and what is wrong."""

    row: int
    column: str | None
    message: str


class InvalidRows(EngineError):
    """An imported table has problems; nothing of it was stored."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("\n".join(f"row {p.row}, {p.column or '-'}: {p.message}" for p in problems))
        self.problems = problems
