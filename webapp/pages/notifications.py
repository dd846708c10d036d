"""The notification centre: the bell in the bar, its count refreshed without a reload, and the
list of what concerns the signed-in person (issue 15)."""

from __future__ import annotations

from flask import Blueprint
from flask import g
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from werkzeug.wrappers import Response

from engine.services import notifications
from webapp import engine_context
from webapp.i18n import pt
from webapp.i18n import select_locale
from webapp.pages.auth import login_required

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/")
@login_required
def index() -> str:
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    unread_only = request.args.get("show") == "unread"
    found = notifications.notifications(
        engine_context(), g.actor, select_locale(), page, unread_only, words=lambda text: str(pt(text))
    )
    args = {"show": "unread"} if unread_only else {}
    return render_template("notifications/index.html", found=found, unread_only=unread_only, args=args)


@bp.get("/count.json")
@login_required
def count() -> Response:
    """What the bell polls; never cached, so a page left open shows new notifications."""
    response = jsonify(unread=notifications.unread(engine_context(), g.actor))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:notice_id>/open")
@login_required
def open_one(notice_id: int) -> Response:
    """Mark it read and go to what it is about: the task while it is open, else the case."""
    case_id, item_id = notifications.open_notice(engine_context(), g.actor, notice_id)
    if item_id is not None:
        return redirect(url_for("inbox.show", task_id=item_id))
    if case_id is not None:
        return redirect(url_for("cases.show", case_id=case_id))
    return redirect(url_for("notifications.index"))


@bp.post("/read")
@login_required
def read_all() -> Response:
    notifications.mark_all_read(engine_context(), g.actor)
    return redirect(url_for("notifications.index"))
