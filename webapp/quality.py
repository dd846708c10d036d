"""The quality manager's views: approvals register (and the dashboard, archive, breaches)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint
from flask import flash
from flask import g
from flask import render_template
from flask import request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine.access import require_quality_reader
from engine.errors import InvalidData
from engine.services import approvals
from webapp import engine_context
from webapp.auth import login_required
from webapp.exports import csv_download
from webapp.exports import xlsx_download
from webapp.i18n import translate

bp = Blueprint("quality", __name__, url_prefix="/quality")
PAGE = 50


@bp.before_request
def readers_only() -> None:
    if g.actor is not None:
        require_quality_reader(g.actor)


def _approval_filter() -> approvals.ApprovalFilter:
    args = request.args
    return approvals.ApprovalFilter(
        period=approvals.reporting_period(engine_context(), args.get("from") or None, args.get("to") or None),
        process=args.get("process") or None,
        approver=args.get("approver") or None,
        decision=args.get("decision") or None,
    )


@bp.get("/approvals")
@login_required
def approval_register() -> str | tuple[str, int]:
    args = {k: v for k, v in request.args.items() if k != "page"}
    try:
        filters = _approval_filter()
        found = approvals.list_approvals(engine_context(), g.actor, filters)
    except InvalidData as err:  # the filters come back as typed, with the reason
        flash(" ".join(translate(message) for message in err.errors.values()), "error")
        return render_template("quality/approvals.html", approvals=[], total=0, page=1, pages=1, args=args), 422
    page = int(request.args["page"]) if request.args.get("page", "").isdigit() else 1
    pages = max(1, -(-len(found) // PAGE))
    page = min(max(page, 1), pages)
    shown = found[(page - 1) * PAGE : page * PAGE]
    return render_template(
        "quality/approvals.html",
        approvals=shown,
        total=len(found),
        filters=filters,
        page=page,
        pages=pages,
        args={k: v for k, v in request.args.items() if k != "page"},
    )


def _approval_table(found: list[approvals.Approval]) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Case"),
        _("Process"),
        _("Version"),
        _("Step in"),
        _("Task"),
        _("Decision"),
        _("Comment"),
        _("Amount"),
        _("Who"),
        _("Role"),
        _("On behalf of"),
        _("When"),
        _("Separation of duties"),
    ]
    rows = [
        [
            a.case_number,
            a.process,
            a.version,
            a.step_process,
            a.task,
            a.decision,
            a.comment,
            a.amount,
            a.actor,
            a.role,
            a.on_behalf_of,
            a.at.astimezone(ZoneInfo(engine_context().config.timezone)).strftime("%Y-%m-%d %H:%M"),
            a.separation,
        ]
        for a in found
    ]
    return header, rows


@bp.get("/approvals.csv")
@login_required
def approvals_csv() -> Response:
    filters = _approval_filter()
    header, rows = _approval_table(approvals.list_approvals(engine_context(), g.actor, filters))
    return csv_download(header, rows, f"approvals-{filters.period.first}-{filters.period.last}.csv")


@bp.get("/approvals.xlsx")
@login_required
def approvals_xlsx() -> Response:
    filters = _approval_filter()
    header, rows = _approval_table(approvals.list_approvals(engine_context(), g.actor, filters))
    return xlsx_download(
        [(_("Approvals"), header, rows)], f"approvals-{filters.period.first}-{filters.period.last}.xlsx"
    )
