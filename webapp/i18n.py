"""Chinese by default, English on request; dates shown in the company's time zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Blueprint
from flask import Flask
from flask import current_app
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
from engine.domain.events import event_label
from engine.domain.form_rows import rows_to_show
from engine.domain.messages import Message
from engine.domain.messages import RoleList
from engine.domain.product_import import CATEGORY_NAMES
from engine.domain.promise_clocks import label_of
from engine.domain.roles import ROLES
from webapp.process_texts import process_text
from webapp.redirects import local_path

ROLE_INFO = {role.id: role for role in ROLES}
ROLE_BY_CHINESE_NAME = {role.name_zh: role for role in ROLES}

LANGUAGES = {"zh_Hans_CN": "中文", "en": "English"}
DEFAULT = "zh_Hans_CN"

bp = Blueprint("i18n", __name__)


COOKIE = "lang"  # the choice outlives the session, so signing in or out keeps the language
COOKIE_AGE = 365 * 24 * 3600


def select_locale() -> str:
    chosen = session.get("lang") or request.cookies.get(COOKIE)
    return chosen if chosen in LANGUAGES else DEFAULT


@bp.post("/lang")
def switch() -> Response:
    chosen = request.form.get("lang", DEFAULT)
    session["lang"] = chosen if chosen in LANGUAGES else DEFAULT
    target = request.form.get("next", "")
    # ``next`` keeps the query string: the inbox's and lists' filters survive the switch.
    response = redirect(local_path(target) or url_for("inbox.index"))
    response.set_cookie(COOKIE, session["lang"], max_age=COOKIE_AGE, samesite="Lax", httponly=True)
    return response


def role_name(role_id: str) -> str:
    """A role in the reader's language (an unknown id as it is)."""
    role = ROLE_INFO.get(role_id)
    if role is None:
        return role_id
    return role.name_zh if select_locale() == DEFAULT else role.name_en


def moment(value: object) -> str:
    """A stored date-time (UTC ISO 8601) in the reader's local time; anything else as it is."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return str(format_datetime(parsed, "short")) if parsed.tzinfo else str(value)


def local_input(value: object) -> str:
    """A date-time for a ``datetime-local`` input: stored ones in local time, typed ones as typed."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    if parsed.tzinfo is None:
        return str(value)
    zone = ZoneInfo(current_app.config["ENGINE_CONFIG"].timezone)
    return parsed.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def diagram_texts(texts: Iterable[str]) -> dict[str, str]:
    """What a drawn diagram shows instead of its own words, in the reader's language: lanes
    named by a role (id or Chinese name) get the role's name, the rest their translation."""
    shown: dict[str, str] = {}
    for text in texts:
        role = ROLE_INFO.get(text) or ROLE_BY_CHINESE_NAME.get(text)
        reader = role_name(role.id) if role else str(pt(text))
        if reader != text:
            shown[text] = reader
    return shown


def translate(message: object) -> str:
    """Show an engine message in the user's language (other text passes through unchanged);
    nested messages and lists of roles among its parameters are shown in that language too."""
    if isinstance(message, Message):
        params = {key: _shown_param(value) for key, value in message.params.items()}
        return str(gettext(message.msgid, **params))
    return str(message)


def quantity(value: object) -> str:
    """A quantity without trailing zeros: 2, 0.5 (stored as 2.000, 0.500)."""
    if isinstance(value, Decimal):
        text = f"{value.normalize():f}"
        return "0" if text in ("-0", "") else text
    return str(value)


def pt(text: object) -> object:
    """A process's own words (task names, labels, options) in the reader's language."""
    language = select_locale()
    return text if language == DEFAULT else process_text(text, language)


def _shown_param(value: object) -> object:
    if isinstance(value, RoleList):
        separator = "、" if select_locale() == DEFAULT else ", "
        return separator.join(role_name(role) for role in value)
    if isinstance(value, Message):
        return translate(value)
    if isinstance(value, datetime):
        return format_datetime(value, "short")  # in the company's time zone
    return pt(value)  # a task's or process's name among the parameters


def flash_invalid(error: InvalidData) -> None:
    """Show every message of a refused input at the top of the page, in the user's language."""
    flash(" ".join(translate(message) for message in error.errors.values()), "error")


def init_app(app: Flask) -> None:
    timezone = app.config["ENGINE_CONFIG"].timezone
    Babel(app, locale_selector=select_locale, default_timezone=timezone)
    app.jinja_env.filters["when"] = lambda value: format_datetime(value, "short") if isinstance(value, datetime) else ""
    app.jinja_env.filters["tr"] = translate
    app.jinja_env.filters["number"] = quantity
    app.jinja_env.filters["event_label"] = event_label
    app.jinja_env.filters["pt"] = pt
    app.jinja_env.filters["promise_name"] = lambda term: translate(label_of(term))
    app.jinja_env.filters["diagram_texts"] = diagram_texts
    app.jinja_env.filters["moment"] = moment
    app.jinja_env.filters["local_input"] = local_input
    app.jinja_env.filters["category"] = lambda value: translate(CATEGORY_NAMES.get(value, value))
    app.jinja_env.filters["role_name"] = role_name
    app.jinja_env.filters["role_names"] = lambda roles: _shown_param(RoleList(roles))
    app.jinja_env.globals["languages"] = LANGUAGES
    app.jinja_env.globals["can"] = can
    app.jinja_env.globals["current_language"] = select_locale
    app.jinja_env.globals["now_local_date"] = lambda: datetime.now(ZoneInfo(timezone)).date()
    app.jinja_env.globals["rows_to_show"] = rows_to_show
    app.jinja_env.globals["now_local_input"] = lambda: datetime.now(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M")
    app.register_blueprint(bp)
