"""The staff inbox: filtered task lists, claim/release/reassign, forms with drafts, completion."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from datetime import datetime

from flask import Blueprint
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine.domain import file_kinds
from engine.domain.authz import Permission
from engine.domain.authz import can
from engine.domain.errors import InvalidData
from engine.domain.errors import NotAllowed
from engine.domain.errors import TaskNotReady
from engine.domain.file_kinds import Upload
from engine.services import inbox
from engine.services import tasks
from webapp import engine_context
from webapp.exports import csv_download
from webapp.exports import xlsx_download
from webapp.i18n import flash_invalid
from webapp.i18n import pt
from webapp.i18n import translate
from webapp.pages.auth import login_required
from webapp.redirects import local_path

bp = Blueprint("inbox", __name__, url_prefix="/tasks")


@bp.app_context_processor
def navigation_counts() -> dict[str, object]:
    """Task counts in the navigation bar of every page (signed-in staff only)."""
    actor = g.get("actor")
    if actor is None or not can(actor, Permission.WORK_TASKS):
        return {"inbox_counts": None}
    return {"inbox_counts": inbox.counts(engine_context(), actor)}


def _filters(args: Mapping[str, str]) -> inbox.InboxFilter:
    return inbox.InboxFilter(
        scope=args.get("scope") or "available",
        process=args.get("process") or None,
        task=args.get("task") or None,
        due=args.get("due") or None,
        q=args.get("q") or None,
    )


@bp.get("/")
@login_required
def index() -> tuple[str, int] | str:
    args = request.args
    filters = _filters(args)
    sort = args.get("sort") or "due"
    page_text = args.get("page", "1")
    page = int(page_text) if page_text.isdigit() else 0
    try:
        found = inbox.inbox(engine_context(), g.actor, filters, page, sort=sort)
    except InvalidData as err:
        flash_invalid(err)
        empty = inbox.InboxPage([], 0, 1, 1)
        context = {"found": empty, "filters": filters, "args": args, "sort": "due"}
        return render_template("inbox/index.html", **context, **_context()), 422
    completed = session.pop("completed", None)
    context = {"found": found, "filters": filters, "args": args, "completed": completed, "sort": sort}
    return render_template("inbox/index.html", **context, **_context())


@bp.get("/export.<any(csv, xlsx):kind>")
@login_required
def export(kind: str) -> Response:
    """The filtered, sorted inbox as on the page, every page of it."""
    found = inbox.inbox(
        engine_context(), g.actor, _filters(request.args), per_page=None, sort=request.args.get("sort") or "due"
    )
    header = [_("Task"), _("Case"), _("Customer"), _("Product"), _("Serial number"), _("Priority"), _("Holder"),
              _("Due"), _("Received")]  # fmt: skip
    rows = []
    for task in found.tasks:
        data = found.cases.get(task.case_id, {})
        rows.append(
            [
                pt(task.name),
                task.case_number,
                data.get("customer"),
                data.get("product_model") or data.get("part_no") or data.get("model"),
                data.get("serial_number"),
                data.get("priority"),
                task.assignee,
                format_datetime(task.due_at, "yyyy-MM-dd HH:mm") if task.due_at else "",
                format_datetime(task.created_at, "yyyy-MM-dd HH:mm"),
            ]
        )
    if kind == "csv":
        return csv_download(header, rows, "tasks.csv")
    return xlsx_download([(_("Inbox"), header, rows)], "tasks.xlsx")


def _context() -> dict[str, object]:
    return {"now": datetime.now(UTC), "supervisor": can(g.actor, Permission.REASSIGN_TASKS)}


@bp.get("/<int:task_id>")
@login_required
def show(task_id: int) -> str:
    page = tasks.task_page(engine_context(), g.actor, task_id)
    values = {**page.proposed, **page.draft}  # the archive's answers, unless the draft has others
    return render_template("inbox/task.html", page=page, task=page.task, values=values, errors={})


@bp.post("/<int:task_id>")
@login_required
def complete(task_id: int) -> tuple[str, int] | Response:
    submitted = {key: value for key, value in request.form.items() if key not in ("csrf_token", "action")}
    ctx = engine_context()
    if request.form.get("action") == "draft":
        inbox.save_draft(ctx, g.actor, task_id, submitted)
        flash(_("Draft saved."), "success")
        return redirect(url_for("inbox.show", task_id=task_id))
    upload = request.files.get("paper_scan")
    scan = None
    if upload and upload.filename:
        scan = Upload(upload.filename, upload.stream.read(file_kinds.MAX_FILE_BYTES + 1))
    # A files field's papers (receipts) go in with the answer; the browser cannot show them again.
    papers = {
        key: [Upload(item.filename or "", item.stream.read(file_kinds.MAX_FILE_BYTES + 1)) for item in items]
        for key, items in request.files.lists()
        if key != "paper_scan"
    }
    try:
        done = tasks.complete_task(ctx, g.actor, task_id, {**submitted, **papers}, scan)
    except InvalidData as err:
        flash(_("Please correct the marked fields."), "error")
        return _task_form_again(task_id, submitted, err.errors, 422)
    except NotAllowed as err:  # e.g. separation of duties: say why, and keep what was typed
        flash(translate(err.args[0]), "error")
        return _task_form_again(task_id, submitted, {}, 403)
    except TaskNotReady as err:  # someone else finished it first: say who and when, keep the input
        typed = {key: value for key, value in submitted.items() if value.strip()}
        return render_template("inbox/task_gone.html", message=translate(err.args[0]), typed=typed), 409
    flash(_("Task completed."), "success")
    # The inbox shows where the work went: the case, and the next step when it is this user's.
    session["completed"] = {"case_id": done.case_id, "case_number": done.case_number, "next": done.next_for_actor}
    return redirect(url_for("inbox.index"))


def _task_form_again(task_id: int, typed: dict[str, str], errors: dict[str, str], status: int) -> tuple[str, int]:
    """The task's form once more, with what was typed and the message at each field."""
    page = tasks.task_page(engine_context(), g.actor, task_id)
    return render_template("inbox/task.html", page=page, task=page.task, values=typed, errors=errors), status


@bp.get("/board")
@login_required
def board() -> tuple[str, int] | str:
    """The team board: every open task of the supervisor's area, overdue first."""
    holder = request.args.get("holder") or None
    page_text = request.args.get("page", "1")
    page = int(page_text) if page_text.isdigit() else 0
    try:
        found = inbox.team_board(engine_context(), g.actor, holder, page)
    except InvalidData as err:
        flash_invalid(err)
        found = inbox.team_board(engine_context(), g.actor)
        return render_template("inbox/board.html", found=found, holder=holder, args={}, **_context()), 422
    args = {"holder": holder} if holder else {}
    return render_template("inbox/board.html", found=found, holder=holder, args=args, **_context())


@bp.post("/<int:task_id>/reassign")
@login_required
def reassign(task_id: int) -> Response:
    try:
        done = inbox.reassign(engine_context(), g.actor, task_id, request.form.get("assignee", "").strip())
    except InvalidData as err:
        flash_invalid(err)
    else:
        flash(_("Task handed to %(user)s.", user=done.assignee), "success")
    return redirect(_back())


@bp.post("/<int:task_id>/release")
@login_required
def release(task_id: int) -> Response:
    done = inbox.release(engine_context(), g.actor, task_id)
    flash(_("Task '%(task)s' is open to its role again.", task=done.name), "success")
    return redirect(_back())


def _back() -> str:
    """Back to the page the form was on (the board keeps its filter), never to another site."""
    return local_path(request.form.get("next")) or url_for("inbox.board")


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
