"""The staff inbox: tasks open to me, claim and release them, fill in and complete their forms."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

from flask import Blueprint
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine.errors import InvalidData
from engine.services import tasks
from webapp import engine_context
from webapp.auth import login_required

bp = Blueprint("inbox", __name__, url_prefix="/tasks")


@bp.get("/")
@login_required
def index() -> str:
    found = tasks.list_tasks(engine_context(), g.actor)
    return render_template("inbox/index.html", tasks=found, now=datetime.now(UTC))


@bp.get("/<int:task_id>")
@login_required
def show(task_id: int) -> str:
    task = tasks.open_task(engine_context(), g.actor, task_id)
    return render_template("inbox/task.html", task=task, values={}, errors={})


@bp.post("/<int:task_id>")
@login_required
def complete(task_id: int) -> tuple[str, int] | Response:
    submitted = {key: value for key, value in request.form.items() if key != "csrf_token"}
    try:
        tasks.complete_task(engine_context(), g.actor, task_id, submitted)
    except InvalidData as err:
        task = tasks.open_task(engine_context(), g.actor, task_id)
        flash(_("Please correct the marked fields."), "error")
        return render_template("inbox/task.html", task=task, values=submitted, errors=err.errors), 422
    flash(_("Task completed."), "success")
    return redirect(url_for("inbox.index"))


@bp.post("/<int:task_id>/claim")
@login_required
def claim(task_id: int) -> Response:
    tasks.claim_task(engine_context(), g.actor, task_id)
    return redirect(request.referrer or url_for("inbox.index"))


@bp.post("/<int:task_id>/unclaim")
@login_required
def unclaim(task_id: int) -> Response:
    tasks.unclaim_task(engine_context(), g.actor, task_id)
    return redirect(url_for("inbox.index"))
