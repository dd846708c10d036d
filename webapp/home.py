"""The front door (to the inbox) and a health check for operators."""

from __future__ import annotations

from flask import Blueprint
from flask import redirect
from flask import url_for
from sqlalchemy import text
from werkzeug.wrappers import Response

from webapp import engine_context

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> Response:
    return redirect(url_for("inbox.index"))


@bp.get("/healthz")
def health() -> dict[str, str]:
    with engine_context().uow() as uow:
        uow.session.execute(text("SELECT 1"))
    return {"status": "ok"}
