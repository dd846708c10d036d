"""The one mapping from engine errors to HTTP status codes."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import render_template
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from engine.domain.errors import Conflict
from engine.domain.errors import EngineError
from engine.domain.errors import InvalidData
from engine.domain.errors import InvalidProcess
from engine.domain.errors import InvalidRows
from engine.domain.errors import NotAllowed
from engine.domain.errors import NotFound
from engine.domain.errors import StepFailed
from webapp.i18n import translate

STATUS: list[tuple[type[EngineError], int]] = [
    (NotFound, 404),
    (NotAllowed, 403),
    (Conflict, 409),
    (InvalidData, 422),
    (InvalidProcess, 422),
    (InvalidRows, 422),
    (StepFailed, 422),
]


def init_app(app: Flask) -> None:
    """Engine errors on pages render one error page; the API blueprint answers in JSON itself."""

    @app.errorhandler(EngineError)
    def page_error(error: EngineError) -> tuple[str, int]:
        message = error.args[0] if error.args else str(error)
        return render_template("errors/error.html", message=translate(message)), status_of(error)


# What a person reads for HTTP errors raised outside the engine (routing, size, CSRF …).
HTTP_MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You may not open this page."),
    404: _l("This page does not exist."),
    405: _l("This action is not available here."),
    413: _l("The upload is too large."),
    429: _l("Too many requests; wait a moment and try again."),
}


def http_error_page(error: HTTPException) -> tuple[str, int]:
    """A Werkzeug error as the app's own page, in the reader's language (never a bare English page)."""
    status = error.code or 500
    message = HTTP_MESSAGES.get(status, _l("Something went wrong."))
    return render_template("errors/error.html", message=message), status


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
