"""Landing page and health check."""

from __future__ import annotations

from flask import Blueprint
from flask import render_template
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from engine.models import Case
from engine.models import ProcessVersion
from webapp import engine_context

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    with engine_context().uow() as uow:
        processes = uow.session.scalar(select(func.count(func.distinct(ProcessVersion.key))))
        cases = uow.session.scalar(select(func.count(Case.id)))
    return render_template("home/index.html", processes=processes, cases=cases)


@bp.get("/healthz")
def health() -> dict[str, str]:
    with engine_context().uow() as uow:
        uow.session.execute(text("SELECT 1"))
    return {"status": "ok"}
