"""The one mapping from engine errors to HTTP status codes."""

from __future__ import annotations

from typing import Any

from engine.errors import Conflict
from engine.errors import EngineError
from engine.errors import InvalidData
from engine.errors import InvalidProcess
from engine.errors import NotAllowed
from engine.errors import NotFound
from engine.errors import StepFailed

STATUS: list[tuple[type[EngineError], int]] = [
    (NotFound, 404),
    (NotAllowed, 403),
    (Conflict, 409),
    (InvalidData, 422),
    (InvalidProcess, 422),
    (StepFailed, 422),
]


def status_of(error: EngineError) -> int:
    return next((status for kind, status in STATUS if isinstance(error, kind)), 400)


def error_body(error: EngineError) -> dict[str, Any]:
    body: dict[str, Any] = {"error": str(error)}
    if isinstance(error, InvalidData):
        body["errors"] = error.errors
    if isinstance(error, InvalidProcess):
        body["problems"] = [problem.__dict__ for problem in error.problems]
    if isinstance(error, StepFailed):
        body["error"] = f"the case could not advance: {error.reason}"
        body["element"] = error.element
    return body
