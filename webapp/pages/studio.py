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

from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import Conflict
from engine.domain.errors import InvalidData
from engine.domain.errors import InvalidProcess
from engine.domain.errors import Problem
from engine.domain.messages import Message
from engine.services import migration
from engine.services import processes
from webapp import engine_context
from webapp.i18n import translate
from webapp.pages.auth import login_required
from webapp.uploads import encode_kept
from webapp.uploads import kept_diagrams
from webapp.uploads import uploaded_diagrams

bp = Blueprint("studio", __name__, url_prefix="/studio")


@bp.get("/")
@login_required
def index() -> str:
    return render_template("studio/index.html", found=processes.overview(engine_context(), g.actor), problems=None)


@bp.post("/upload")
@login_required
def upload() -> tuple[str, int] | Response:
    """Validate the chosen files; deploy them when asked, when they have no problem, and when
    every other process they would make a new version of (a caller) has been confirmed."""
    ctx = engine_context()
    files = uploaded_diagrams() or kept_diagrams()
    action = request.form.get("action")
    confirmed = request.form.getlist("confirm")
    checked = processes.validate_upload(ctx, g.actor, files)
    deploying = action in ("deploy", "confirm")
    unconfirmed = [p for p in checked.plan if not p.requested and p.key not in confirmed]

    def again(problems: list[Problem], status: int) -> tuple[str, int]:
        asking = deploying and bool(unconfirmed)
        page = render_template(
            "studio/index.html",
            found=processes.overview(ctx, g.actor),
            problems=problems,
            checked=sorted(files),
            plan=checked.plan,
            unconfirmed=unconfirmed if asking else [],
            kept=encode_kept(files) if asking else [],  # only the confirmation form carries the files
        )
        return page, status

    if not checked.executable or not deploying:
        if checked.executable:
            flash(_("No problems found: the files can be deployed."), "success")
        return again(checked.problems, 200 if checked.executable else 422)
    if unconfirmed:
        return again(checked.problems, 200)  # the page asks to confirm them
    try:
        deployed = processes.deploy_files(ctx, g.actor, files, confirmed)
    except InvalidProcess as err:  # changed between the check and the deployment
        return again(err.problems, 422)
    except Conflict as err:
        flash(translate(err.args[0]), "error")
        return again(checked.problems, 409)
    for item in deployed:
        if item.created:
            flash(_("%(key)s version %(version)s deployed.", key=item.key, version=item.version), "success")
        else:
            flash(_("%(key)s version %(version)s is unchanged.", key=item.key, version=item.version), "success")
    return redirect(url_for("studio.index"))


@bp.get("/<key>/compare")
@login_required
def compare(key: str) -> str:
    require(g.actor, Permission.MANAGE_PROCESSES)  # before looking at the input
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


def _target_version() -> int:
    text = request.values.get("to", "")
    if not text.isdigit():
        raise InvalidData({"to": Message("choose the version to move cases to")})
    return int(text)


@bp.get("/<key>/migrate")
@login_required
def migrate_preview(key: str) -> str:
    """Which running cases can move to the chosen version, and why the others cannot."""
    require(g.actor, Permission.MANAGE_PROCESSES)
    preview = migration.preview_migration(engine_context(), g.actor, key, _target_version())
    return render_template("studio/migrate.html", key=key, preview=preview, results=None)


@bp.post("/<key>/migrate")
@login_required
def migrate_apply(key: str) -> tuple[str, int]:
    require(g.actor, Permission.MANAGE_PROCESSES)
    target = _target_version()
    chosen = [int(value) for value in request.form.getlist("case") if value.isdigit()]
    if not chosen:
        raise InvalidData({"case": Message("choose at least one case to move")})
    ctx = engine_context()
    results = migration.migrate_cases(ctx, g.actor, key, target, chosen)
    preview = migration.preview_migration(ctx, g.actor, key, target)
    return render_template("studio/migrate.html", key=key, preview=preview, results=results), 200
