"""The studio's modeler: edit a process's file set in the browser, check, save a draft, deploy.

The page talks to the JSON routes below with the session cookie and the CSRF token in the
``X-CSRFToken`` header; their errors are JSON too (the page shows them next to the editor).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint
from flask import g
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from werkzeug.wrappers import Response

from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import EngineError
from engine.domain.errors import InvalidData
from engine.domain.errors import InvalidProcess
from engine.domain.messages import Message
from engine.services import process_drafts
from engine.services import processes
from webapp import engine_context
from webapp.errors import error_body
from webapp.errors import status_of
from webapp.i18n import translate
from webapp.pages.auth import login_required
from webapp.uploads import plan_list
from webapp.uploads import problem_list

bp = Blueprint("modeler", __name__, url_prefix="/studio")


@bp.before_request
def owners_only() -> None:
    """Every route here is for process owners: refuse the others before reading any input."""
    if g.actor is not None:
        require(g.actor, Permission.MANAGE_PROCESSES)


def json_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    """Engine refusals as JSON with the message in the user's language."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except EngineError as err:
            body = error_body(err)
            body["error"] = translate(err.args[0] if err.args else str(err))
            if isinstance(err, InvalidData):
                body["errors"] = {name: translate(text) for name, text in err.errors.items()}
            return jsonify(body), status_of(err)

    return wrapped


def _posted_files() -> dict[str, str]:
    body = request.get_json(silent=True)
    files = body.get("files") if isinstance(body, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, str) and isinstance(k, str) for k, v in files.items()):
        raise InvalidData({"files": Message("send the files as a JSON object of file name to XML text")})
    return files


@bp.get("/<key>/edit")
@login_required
def edit(key: str) -> str:
    workspace = process_drafts.open_workspace(engine_context(), g.actor, key)
    return render_template("studio/edit.html", workspace=workspace)


@bp.post("/<key>/draft")
@json_errors
@login_required
def save_draft(key: str) -> Response:
    body = request.get_json(silent=True)
    revision = body.get("revision") if isinstance(body, dict) else None
    if not isinstance(revision, int) or isinstance(revision, bool) or revision < 0:
        raise InvalidData({"revision": Message("the draft revision is missing")})
    saved = process_drafts.save_draft(engine_context(), g.actor, key, _posted_files(), revision)
    return jsonify({"revision": saved.revision, "saved_at": saved.saved_at, "saved_by": saved.saved_by})


@bp.post("/<key>/draft/discard")
@login_required
def discard_draft(key: str) -> Response:
    process_drafts.discard_draft(engine_context(), g.actor, key)
    return redirect(url_for("modeler.edit", key=key))


@bp.post("/<key>/check")
@json_errors
@login_required
def check(key: str) -> Response:
    process_drafts.check_key(key)
    files = {name: text.encode("utf-8") for name, text in _posted_files().items()}
    checked = processes.validate_upload(engine_context(), g.actor, files, requested=frozenset({key}))
    return jsonify(
        {"problems": problem_list(checked.problems), "executable": checked.executable, "plan": plan_list(checked.plan)}
    )


@bp.post("/<key>/deploy")
@json_errors
@login_required
def deploy(key: str) -> tuple[Response, int]:
    body = request.get_json(silent=True)
    confirmed = body.get("confirm") if isinstance(body, dict) else None
    if not isinstance(confirmed, list) or not all(isinstance(item, str) for item in confirmed):
        confirmed = []
    try:
        deployed = process_drafts.deploy_workspace(engine_context(), g.actor, key, _posted_files(), confirmed)
    except InvalidProcess as err:
        message = translate(Message("the files have problems"))
        return jsonify({"error": message, "problems": problem_list(err.problems)}), 422
    listed = [{"key": d.key, "version": d.version, "created": d.created} for d in deployed]
    return jsonify({"deployed": listed}), 201


@bp.get("/new")
@login_required
def new() -> str:
    return render_template("studio/new.html", values={}, errors={})


@bp.post("/new")
@login_required
def create() -> tuple[str, int] | Response:
    """Start a new process as a draft from a one-lane template; it is deployed from the editor."""
    values = {"key": request.form.get("key", "").strip(), "name": request.form.get("name", "").strip()}
    try:
        process_drafts.create_process(engine_context(), g.actor, values["key"], values["name"])
    except InvalidData as err:
        return render_template("studio/new.html", values=values, errors=err.errors), 422
    return redirect(url_for("modeler.edit", key=values["key"]))
