"""Case pages: the case list, one case, and opening a new case from a start form."""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import quote

from flask import Blueprint
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine.domain import file_kinds
from engine.domain.errors import InvalidData
from engine.domain.policy import SHIPPED
from engine.services import audit
from engine.services import case_notes
from engine.services import case_views
from engine.services import cases
from engine.services import customer_links
from engine.services import printed_forms
from engine.services import processes
from webapp import engine_context
from webapp.exports import csv_download
from webapp.exports import xlsx_download
from webapp.i18n import flash_invalid
from webapp.pages.auth import login_required

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.get("/")
@login_required
def index() -> tuple[str, int] | str:
    args = request.args
    try:
        found = _list(args, _page(args))
    except InvalidData as err:
        flash_invalid(err)
        empty = case_views.CaseList([], 0, [])
        return render_template("cases/index.html", found=empty, page=1, pages=1, args=args, sort="-opened"), 422
    pages = max(1, -(-found.total // case_views.PAGE_SIZE))
    sort = args.get("sort") or "-opened"
    return render_template("cases/index.html", found=found, page=_page(args), pages=pages, args=args, sort=sort)


@bp.get("/export.<any(csv, xlsx):kind>")
@login_required
def export(kind: str) -> Response:
    """The filtered, sorted list as it is on the page, every page of it."""
    found = _list(request.args, 1, per_page=None)
    header = [_("Case"), _("Process"), _("Customer"), _("Product"), _("Serial number"), _("Current step"),
              _("Holder"), _("Due"), _("Priority"), _("Status"), _("Opened")]  # fmt: skip
    rows = [
        [
            row.case.number,
            row.process_name,
            row.case.data.get("customer"),
            row.case.data.get("product_model") or row.case.data.get("part_no") or row.case.data.get("model"),
            row.case.data.get("serial_number"),
            "; ".join(step.name for step in row.steps),
            "; ".join(step.holder or "" for step in row.steps),
            format_datetime(row.due_at, "yyyy-MM-dd HH:mm") if row.due_at else "",
            row.case.data.get("priority"),
            _(row.case.status.capitalize()),
            format_datetime(row.case.created_at, "yyyy-MM-dd HH:mm"),
        ]
        for row in found.rows
    ]
    if kind == "csv":
        return csv_download(header, rows, "cases.csv")
    return xlsx_download([(_("Cases"), header, rows)], "cases.xlsx")


def _page(args: Mapping[str, str]) -> int:
    text = args.get("page", "1")
    return int(text) if text.isdigit() else 0


def _list(args: Mapping[str, str], page: int, per_page: int | None = case_views.PAGE_SIZE) -> case_views.CaseList:
    filters = case_views.CaseFilter(
        status=args.get("status") or None,
        process=args.get("process") or None,
        q=args.get("q") or None,
        overdue=args.get("overdue") == "1",
        opened_from=args.get("from") or None,
        opened_to=args.get("to") or None,
    )
    ctx = engine_context()
    sort = args.get("sort") or "-opened"
    return case_views.case_list(ctx, g.actor, filters, sort, page, per_page, ctx.config.timezone)


@bp.get("/<int:case_id>")
@login_required
def show(case_id: int) -> str:
    page = case_views.case_page(engine_context(), g.actor, case_id)
    return render_template(
        "cases/show.html",
        detail=page.detail,
        record=page.record,
        diagrams=page.diagrams,
        notes=page.notes,
        groups=page.groups,
        unit=page.unit,
        clocks=page.clocks,
        promise_class=page.promise_class,
        links=page.links,
        forms=page.forms,
        actions=page.actions,
        may_open_action=page.may_open_action,
        capa_process=SHIPPED.capa_process,
        link_days=customer_links.TRACK_DAYS,
        public_url=bool(engine_context().config.public_url),
        now=page.now,
        max_mb=file_kinds.MAX_FILE_BYTES // (1024 * 1024),
    )


@bp.get("/<int:case_id>/forms/<form_key>.pdf")
@login_required
def printed_form(case_id: int, form_key: str) -> Response:
    """A paper form of the case as a numbered PDF (numbered on its first print)."""
    document = printed_forms.print_form(engine_context(), g.actor, case_id, form_key)
    return Response(
        document.content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{document.filename}"', "Cache-Control": "no-store"},
    )


@bp.post("/<int:case_id>/links")
@login_required
def give_link(case_id: int) -> Response:
    customer_links.issue_tracking_link(engine_context(), g.actor, case_id)
    flash(_("Tracking link made: copy it from the list below and send it to the customer."), "success")
    return redirect(url_for("cases.show", case_id=case_id) + "#customer-links")


@bp.post("/<int:case_id>/tasks/<int:task_id>/link")
@login_required
def give_step_link(case_id: int, task_id: int) -> Response:
    customer_links.issue_task_link(engine_context(), g.actor, case_id, task_id)
    flash(
        _("Link made: copy it from the list below and send it to the customer, who answers the step with it."),
        "success",
    )
    return redirect(url_for("cases.show", case_id=case_id) + "#customer-links")


@bp.get("/<int:case_id>/links/<int:link_id>/qr.png")
@login_required
def link_qr(case_id: int, link_id: int) -> Response:
    """The step link as a QR code, for the customer's own phone on site."""
    png = customer_links.link_qr(engine_context(), g.actor, case_id, link_id)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "no-store"})


@bp.post("/<int:case_id>/links/<int:link_id>/withdraw")
@login_required
def withdraw_link(case_id: int, link_id: int) -> Response:
    customer_links.withdraw_link(engine_context(), g.actor, case_id, link_id)
    flash(_("Link withdrawn: it no longer opens."), "success")
    return redirect(url_for("cases.show", case_id=case_id) + "#customer-links")


@bp.post("/<int:case_id>/comments")
@login_required
def comment(case_id: int) -> Response:
    try:
        case_notes.add_comment(engine_context(), g.actor, case_id, request.form.get("comment", ""))
    except InvalidData as err:
        flash_invalid(err)
    else:
        flash(_("Comment added."), "success")
    return redirect(url_for("cases.show", case_id=case_id) + "#notes")


@bp.post("/<int:case_id>/attachments")
@login_required
def upload(case_id: int) -> Response:
    upload = request.files.get("file")
    name, content = (upload.filename or "", upload.stream.read(file_kinds.MAX_FILE_BYTES + 1)) if upload else ("", b"")
    try:
        case_notes.add_attachment(engine_context(), g.actor, case_id, name, content)
    except InvalidData as err:
        flash_invalid(err)
    else:
        flash(_("File attached."), "success")
    return redirect(url_for("cases.show", case_id=case_id) + "#notes")


@bp.get("/<int:case_id>/attachments/<int:attachment_id>")
@login_required
def download(case_id: int, attachment_id: int) -> Response:
    name, content_type, content = case_notes.attachment(engine_context(), g.actor, case_id, attachment_id)
    response = Response(content, content_type=content_type)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/<int:case_id>/attachments/<int:attachment_id>/preview")
@login_required
def preview(case_id: int, attachment_id: int) -> Response:
    """An image or a PDF shown in the case page itself; every other type is download only.

    The type is the one checked against the file's signature at upload, never the upload's claim;
    a PDF may be framed by our own pages only, and an image gets a sandbox like a download."""
    name, content_type, content, kind = case_notes.preview(engine_context(), g.actor, case_id, attachment_id)
    response = Response(content, content_type=content_type)
    response.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if kind == "pdf":
        response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    else:
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/<int:case_id>/audit.json")
@login_required
def audit_export(case_id: int) -> Response:
    """The case's audit trail, to be verified offline (docs/engine.md, "Audit trail")."""
    document = audit.export_trail(engine_context(), g.actor, case_id)
    response = Response(json.dumps(document, ensure_ascii=False, indent=1), content_type="application/json")
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(document['case'])}.audit.json"
    return response


@bp.get("/new")
@login_required
def choose() -> str:
    return render_template("cases/new.html", processes=processes.list_startable(engine_context(), g.actor))


@bp.route("/new/<key>", methods=["GET", "POST"])
@login_required
def start(key: str) -> tuple[str, int] | str | Response:
    startable = {p.key: p for p in processes.list_startable(engine_context(), g.actor)}
    if key not in startable:
        flash(_("You cannot start this process."), "error")
        return redirect(url_for("cases.choose"))
    process, values, errors = startable[key], {}, {}
    if request.method == "POST":
        values = {name: value for name, value in request.form.items() if name != "csrf_token"}
        try:
            info = cases.start_case(engine_context(), g.actor, key, values)
        except InvalidData as err:
            errors = err.errors
            flash(_("Please correct the marked fields."), "error")
            return render_template("cases/start.html", process=process, values=values, errors=errors), 422
        flash(_("Case %(number)s opened.", number=info.number), "success")
        return redirect(url_for("cases.show", case_id=info.id))
    # A link may fill the start form (a corrective action names the case it was opened from).
    values = {name: value[:200] for name, value in request.args.items()}
    return render_template("cases/start.html", process=process, values=values, errors=errors)
