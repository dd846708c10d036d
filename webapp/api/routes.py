"""JSON API for integrations: ``/api/v1``, bearer-token authentication, JSON errors."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import g
from flask import jsonify
from flask import request
from werkzeug.exceptions import HTTPException

from engine.domain.errors import EngineError
from engine.domain.errors import InvalidData
from engine.domain.file_kinds import Upload
from engine.domain.messages import Message
from engine.services import case_views
from engine.services import cases
from engine.services import processes
from engine.services import tasks
from engine.services import users
from webapp import engine_context
from webapp.api.openapi import openapi_document
from webapp.errors import error_body
from webapp.errors import http_error_page
from webapp.errors import status_of
from webapp.uploads import plan_list
from webapp.uploads import problem_list
from webapp.uploads import uploaded_diagrams

bp = Blueprint("api", __name__, url_prefix="/api/v1")


MAX_ID = 2**31 - 1  # id columns are INTEGER; PostgreSQL holds 32 bits


@bp.url_value_preprocessor
def check_ids(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Ids beyond what the database can hold name nothing (rather than crash the driver)."""
    for value in (values or {}).values():
        if isinstance(value, int) and value > MAX_ID:
            abort(404)


@bp.before_request
def authenticate() -> Response | None:
    if request.endpoint == "api.openapi":
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    actor = users.actor_for_token(engine_context(), token.strip()) if scheme.lower() == "bearer" and token else None
    if actor is None:
        response = jsonify({"error": "a valid bearer token is required (Authorization: Bearer <token>)"})
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="aftercare"'
        return response
    g.actor = actor
    if request.is_json and nesting_depth(request.get_data(as_text=True)) > MAX_JSON_DEPTH:
        raise InvalidData({"body": f"JSON nested deeper than {MAX_JSON_DEPTH} levels is not accepted"})
    if _has_nul(request.args.to_dict(flat=False)) or _has_nul(request.get_json(silent=True)):
        raise InvalidData({"body": "NUL characters are not accepted"})
    return None


MAX_JSON_DEPTH = 32  # case data is forms: a few levels at most


def nesting_depth(text: str) -> int:
    """How deep arrays and objects nest in a JSON text, found without recursion (a deep
    document would otherwise exhaust the parser's stack before anything could refuse it)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


@bp.errorhandler(EngineError)
def engine_error(error: EngineError) -> tuple[Response, int]:
    return jsonify(error_body(error)), status_of(error)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    response = error.get_response()
    response.set_data(json.dumps({"error": error.description or error.name}))
    response.content_type = "application/json"
    return response


@bp.after_request
def options_in_json(response: Response) -> Response:
    """Flask answers OPTIONS itself with an empty HTML body; the API answers in JSON throughout."""
    if request.method == "OPTIONS" and response.mimetype != "application/json":
        response.set_data(json.dumps({"allow": sorted(response.allow)}))
        response.content_type = "application/json"
    return response


def api_not_found(error: HTTPException) -> Response | tuple[str, int]:
    """Routing errors under /api/ (no such path, wrong method) answer in JSON too."""
    if not request.path.startswith(bp.url_prefix or "/api"):
        return http_error_page(error)
    response = error.get_response()  # keeps headers such as Allow on 405
    response.set_data(json.dumps({"error": error.description or error.name}))
    response.content_type = "application/json"
    return response


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidData({"body": "send a JSON object"})
    return body


def _data_of(body: dict[str, Any]) -> dict[str, Any]:
    data = body.get("data", {})
    if not isinstance(data, dict):
        raise InvalidData({"data": "must be an object"})
    return data


def _scan_of(body: dict[str, Any]) -> Upload | None:
    """The scanned paper form of a desk entry, sent as a file name and base64 content."""
    scan = body.get("paper_scan")
    if scan is None:
        return None
    if not isinstance(scan, dict) or not isinstance(scan.get("filename"), str):
        raise InvalidData({"paper_scan": Message("must be an object with filename and content_base64")})
    try:
        content = base64.b64decode(str(scan.get("content_base64") or ""), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidData({"paper_scan": Message("content_base64 must be base64")}) from None
    return Upload(scan["filename"], content)


def _task(task: tasks.TaskInfo) -> dict[str, Any]:
    keys = ("id", "case_id", "case_number", "name", "bpmn_id", "roles", "assignee", "due_at", "form")
    return _json({key: getattr(task, key) for key in keys})


def _case(info: cases.CaseInfo) -> dict[str, Any]:
    return _json(
        {
            "id": info.id,
            "number": info.number,
            "status": info.status,
            "process": info.process_key,
            "version": info.process_version,
            "data": info.data,
            "created_at": info.created_at,
            "next_timer_at": info.next_timer_at,
            "error": info.error_message,
            "error_element": info.error_element,
        }
    )


def _detail(case_id: int) -> dict[str, Any]:
    detail = case_views.case_detail(engine_context(), g.actor, case_id)
    return {
        **_case(detail.case),
        "tasks": [_task(task) for task in detail.tasks],
        "events": [_json(asdict(event)) for event in detail.events],
        "audit_verified": detail.audit_verified,
    }


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@bp.get("/processes")
def list_processes() -> Response:
    found = processes.list_startable(engine_context(), g.actor)
    return jsonify(
        {"processes": [{"key": p.key, "name": p.name, "version": p.version, "start_form": p.start_form} for p in found]}
    )


@bp.post("/processes/validate")
def validate_processes() -> Response:
    checked = processes.validate_upload(engine_context(), g.actor, uploaded_diagrams())
    return jsonify(
        {"problems": problem_list(checked.problems), "executable": checked.executable, "plan": plan_list(checked.plan)}
    )


@bp.post("/processes")
def deploy_processes() -> tuple[Response, int]:
    confirmed = request.form.getlist("confirm")  # the callers the client agrees to deploy too
    deployed = processes.deploy_files(engine_context(), g.actor, uploaded_diagrams(), confirmed)
    main = deployed[0]
    listed = [{"key": d.key, "version": d.version, "created": d.created} for d in deployed]
    return jsonify({"key": main.key, "version": main.version, "processes": listed}), 201


@bp.post("/cases")
def start_case() -> tuple[Response, int]:
    body = _body()
    key = body.get("process")
    if not isinstance(key, str) or not key:
        raise InvalidData({"process": "name the process key"})
    info = cases.start_case(engine_context(), g.actor, key, _data_of(body))
    return jsonify(_detail(info.id)), 201


@bp.get("/cases")
def list_cases() -> Response:
    page = request.args.get("page", "1")
    if not page.isdigit():
        raise InvalidData({"page": "must be a whole number"})
    found, total = case_views.list_cases(
        engine_context(),
        g.actor,
        status=request.args.get("status"),
        process=request.args.get("process") or None,
        q=request.args.get("q") or None,
        page=int(page),
    )
    return jsonify({"cases": [_case(info) for info in found], "total": total, "page": int(page)})


@bp.get("/cases/<int:case_id>")
def get_case(case_id: int) -> Response:
    return jsonify(_detail(case_id))


@bp.get("/cases/<int:case_id>/audit")
def get_audit(case_id: int) -> Response:
    detail = _detail(case_id)
    return jsonify({"events": detail["events"], "verified": detail["audit_verified"]})


@bp.get("/tasks")
def list_tasks() -> Response:
    scope = request.args.get("scope", "available")
    if scope not in ("mine", "available"):
        raise InvalidData({"scope": "must be mine or available"})
    return jsonify({"tasks": [_task(task) for task in tasks.list_tasks(engine_context(), g.actor, scope)]})


@bp.post("/tasks/<int:task_id>/claim")
def claim(task_id: int) -> Response:
    return jsonify(_task(tasks.claim_task(engine_context(), g.actor, task_id)))


@bp.post("/tasks/<int:task_id>/unclaim")
def unclaim(task_id: int) -> Response:
    return jsonify(_task(tasks.unclaim_task(engine_context(), g.actor, task_id)))


@bp.post("/tasks/<int:task_id>/complete")
def complete(task_id: int) -> Response:
    body = _body()
    result = tasks.complete_task(engine_context(), g.actor, task_id, _data_of(body), _scan_of(body))
    return jsonify(_detail(result.case_id))
