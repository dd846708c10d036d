"""The customer's pages, opened by a signed link without an account (engine/services/customer_links.py).

Public: no sign-in, rate-limited per address, and a link that does not open says why in plain
words without naming any case.
"""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import render_template
from flask import request

from engine.domain.errors import InvalidData
from engine.domain.nameplate_request import REQUEST_FORM
from engine.services import cases
from engine.services import customer_links
from engine.services import tasks
from webapp import engine_context
from webapp.public_limits import PublicLimiter

bp = Blueprint("portal", __name__, url_prefix="/c")

STATUS_OF_REFUSAL = {"invalid": 404, "expired": 410, "withdrawn": 410, "used": 410, "done": 410}


def _limiter() -> PublicLimiter:
    limiter: PublicLimiter = current_app.extensions["public_limiter"]
    return limiter


def _allowed() -> str:
    address = request.remote_addr or "?"
    if not _limiter().allow(address):
        abort(429)
    return address


def _refused(address: str, refused: customer_links.LinkRefused) -> tuple[str, int]:
    _limiter().refused(address)
    return render_template("portal/refused.html", reason=refused.reason), STATUS_OF_REFUSAL[refused.reason]


@bp.get("/<token>")
def track(token: str) -> tuple[str, int] | str:
    address = _allowed()
    try:
        view = customer_links.tracking_view(engine_context(), token)
    except customer_links.LinkRefused as refused:
        return _refused(address, refused)
    return render_template("portal/track.html", view=view, typed={}, errors={})


@bp.post("/<token>/complaint")
def complain(token: str) -> tuple[str, int] | str:
    """A complaint about the tracked case, lodged from its tracking page."""
    address = _allowed()
    ctx = engine_context()
    typed = {"complaint_text": request.form.get("complaint_text", "")}
    try:
        try:
            receipt = cases.complain_by_link(ctx, token, typed)
        except InvalidData as err:
            view = customer_links.tracking_view(ctx, token)
            return render_template("portal/track.html", view=view, typed=typed, errors=err.errors), 422
    except customer_links.LinkRefused as refused:
        return _refused(address, refused)
    return render_template("portal/received.html", receipt=receipt, complaint=True)


@bp.route("/r/<token>", methods=["GET", "POST"])
def request_service(token: str) -> tuple[str, int] | str:
    """The nameplate QR code's page: the customer asks for service on that unit."""
    address = _allowed()
    ctx = engine_context()
    typed: dict[str, str] = {}
    errors: dict[str, str] = {}
    try:
        unit = cases.nameplate_unit(ctx, token)
        if request.method == "POST":
            typed = {key: value for key, value in request.form.items() if key != "csrf_token"}
            try:
                receipt = cases.request_by_nameplate(ctx, token, typed)
            except InvalidData as err:
                errors = err.errors
            else:
                return render_template("portal/received.html", receipt=receipt)
    except customer_links.LinkRefused as refused:
        return _refused(address, refused)
    page = render_template("portal/request.html", unit=unit, form=REQUEST_FORM, values=typed, errors=errors)
    return page, 422 if errors else 200


@bp.route("/s/<token>", methods=["GET", "POST"])
def step(token: str) -> tuple[str, int] | str:
    """One customer step answered by its link: confirm a quote, rate the service."""
    address = _allowed()
    ctx = engine_context()
    typed: dict[str, str] = {}
    errors: dict[str, str] = {}
    try:
        if request.method == "POST":
            typed = {key: value for key, value in request.form.items() if key != "csrf_token"}
            try:
                tasks.complete_by_link(ctx, token, typed)
            except InvalidData as err:
                errors = err.errors
            else:
                return render_template("portal/thanks.html")
        page = tasks.customer_step(ctx, token)
    except customer_links.LinkRefused as refused:
        return _refused(address, refused)
    return render_template("portal/step.html", page=page, values=typed, errors=errors), 422 if errors else 200
