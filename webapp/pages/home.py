"""The front door (to the inbox) and a health check for operators."""

from __future__ import annotations

from flask import Blueprint
from flask import redirect
from flask import url_for
from werkzeug.wrappers import Response

from engine.services import installation
from webapp import engine_context

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> Response:
    return redirect(url_for("inbox.index"))


@bp.get("/healthz")
def health() -> dict[str, str]:
    installation.healthy(engine_context())
    return {"status": "ok"}
