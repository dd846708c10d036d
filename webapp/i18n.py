"""Chinese by default, English on request; dates shown in the company's time zone."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint
from flask import Flask
from flask import flash
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from flask_babel import Babel
from flask_babel import format_datetime
from flask_babel import gettext
from werkzeug.wrappers import Response

from engine.domain.authz import can
from engine.domain.errors import InvalidData
from engine.domain.messages import Message

LANGUAGES = {"zh_Hans_CN": "中文", "en": "English"}
DEFAULT = "zh_Hans_CN"

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else DEFAULT


@bp.post("/lang")
def switch() -> Response:
    chosen = request.form.get("lang", DEFAULT)
    session["lang"] = chosen if chosen in LANGUAGES else DEFAULT
    target = request.form.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("inbox.index"))


def translate(message: object) -> str:
    """Show an engine message in the user's language (other text passes through unchanged)."""
    if isinstance(message, Message):
        return str(gettext(message.msgid, **message.params))
    return str(message)


def flash_invalid(error: InvalidData) -> None:
    """Show every message of a refused input at the top of the page, in the user's language."""
    flash(" ".join(translate(message) for message in error.errors.values()), "error")


def init_app(app: Flask) -> None:
    timezone = app.config["ENGINE_CONFIG"].timezone
    Babel(app, locale_selector=select_locale, default_timezone=timezone)
    app.jinja_env.filters["when"] = lambda value: format_datetime(value, "short") if isinstance(value, datetime) else ""
    app.jinja_env.filters["tr"] = translate
    app.jinja_env.globals["languages"] = LANGUAGES
    app.jinja_env.globals["can"] = can
    app.jinja_env.globals["current_language"] = select_locale
    app.register_blueprint(bp)
