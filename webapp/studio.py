"""The process owners' studio: processes and their versions, upload (validate, deploy), download."""

from __future__ import annotations

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

from engine.errors import InvalidData
from engine.errors import InvalidProcess
from engine.messages import Message
from engine.services import processes
from webapp import engine_context
from webapp.auth import login_required
from webapp.uploads import uploaded_diagrams

bp = Blueprint("studio", __name__, url_prefix="/studio")


@bp.get("/")
@login_required
def index() -> str:
    return render_template("studio/index.html", found=processes.overview(engine_context(), g.actor), problems=None)


@bp.post("/upload")
@login_required
def upload() -> tuple[str, int] | Response:
    """Validate the chosen files; deploy them when asked and when they have no problem."""
    ctx = engine_context()
    files = uploaded_diagrams()
    problems, executable = processes.validate_upload(ctx, g.actor, files)
    if problems or request.form.get("action") != "deploy":
        if not problems:
            flash(_("No problems found: the files can be deployed."), "success")
        found = processes.overview(ctx, g.actor)
        status = 422 if problems else 200
        return render_template("studio/index.html", found=found, problems=problems, checked=sorted(files)), status
    try:
        deployed = processes.deploy_upload(ctx, g.actor, files)
    except InvalidProcess as err:  # changed between the check and the deployment
        found = processes.overview(ctx, g.actor)
        return render_template("studio/index.html", found=found, problems=err.problems, checked=sorted(files)), 422
    for item in deployed:
        if item.created:
            flash(_("%(key)s version %(version)s deployed.", key=item.key, version=item.version), "success")
        else:
            flash(_("%(key)s version %(version)s is unchanged.", key=item.key, version=item.version), "success")
    return redirect(url_for("studio.index"))


@bp.get("/<key>/compare")
@login_required
def compare(key: str) -> str:
    processes.require_process_owner(g.actor)  # before looking at the input
    newer = request.args.get("to", "")
    older = request.args.get("from", "")
    if not (newer.isdigit() and older.isdigit()):
        raise InvalidData({"version": Message("choose two versions to compare")})
    ctx = engine_context()
    changes = processes.compare_versions(ctx, g.actor, key, int(older), int(newer))
    marks = {c.element: c.change for c in changes if c.change != "removed"}
    xml = processes.process_xml(ctx, g.actor, key, int(newer))
    return render_template(
        "studio/compare.html", key=key, older=int(older), newer=int(newer), changes=changes, marks=marks, xml=xml
    )


@bp.get("/<key>/<int:version>/<filename>")
@login_required
def download(key: str, version: int, filename: str) -> Response:
    text = processes.source_file(engine_context(), g.actor, key, version, filename)
    response = Response(text, content_type="application/xml; charset=utf-8")
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
