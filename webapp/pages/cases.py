"""Case pages: the case list, one case, and opening a new case from a start form."""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import Blueprint
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from engine.domain.errors import InvalidData
from engine.services import audit
from engine.services import case_notes
from engine.services import case_views
from engine.services import cases
from engine.services import processes
from webapp import engine_context
from webapp.i18n import flash_invalid
from webapp.pages.auth import login_required

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.get("/")
@login_required
def index() -> tuple[str, int] | str:
    status, process, q = (request.args.get(name) or None for name in ("status", "process", "q"))
    opened_from, opened_to = request.args.get("from") or None, request.args.get("to") or None
    overdue = request.args.get("overdue") == "1"
    page = request.args.get("page", "1")
    page_number = int(page) if page.isdigit() else 0
    try:
        ctx = engine_context()
        found, total = case_views.list_cases(
            ctx,
            g.actor,
            status=status,
            process=process,
            q=q,
            page=page_number,
            overdue=overdue,
            opened_from=opened_from,
            opened_to=opened_to,
            timezone=ctx.config.timezone,
        )
    except InvalidData as err:
        flash_invalid(err)
        return render_template("cases/index.html", cases=[], total=0, page=1, pages=1, args=request.args), 422
    pages = max(1, -(-total // case_views.PAGE_SIZE))
    return render_template(
        "cases/index.html", cases=found, total=total, page=page_number, pages=pages, args=request.args
    )


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
        max_mb=case_notes.MAX_FILE_BYTES // (1024 * 1024),
    )


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
    name, content = (upload.filename or "", upload.stream.read(case_notes.MAX_FILE_BYTES + 1)) if upload else ("", b"")
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
    return render_template("cases/start.html", process=process, values=values, errors=errors)
