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

from engine.services import customer_links
from webapp import engine_context
from webapp.public_limits import PublicLimiter

bp = Blueprint("portal", __name__, url_prefix="/c")

STATUS_OF_REFUSAL = {"invalid": 404, "expired": 410, "withdrawn": 410}


def _limiter() -> PublicLimiter:
    limiter: PublicLimiter = current_app.extensions["public_limiter"]
    return limiter


@bp.get("/<token>")
def track(token: str) -> tuple[str, int] | str:
    address = request.remote_addr or "?"
    if not _limiter().allow(address):
        abort(429)
    try:
        view = customer_links.tracking_view(engine_context(), token)
    except customer_links.LinkRefused as refused:
        _limiter().refused(address)
        return render_template("portal/refused.html", reason=refused.reason), STATUS_OF_REFUSAL[refused.reason]
    return render_template("portal/track.html", view=view)
