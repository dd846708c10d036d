"""The Flask application: a thin HTTP skin over ``engine.services``."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from flask import Flask
from flask import current_app
from flask_wtf.csrf import CSRFProtect

from engine.domain.config import EngineConfig
from engine.services import EngineContext
from webapp import security
from webapp.login_limits import LoginLimiter
from webapp.public_limits import PublicLimiter


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("AFTERCARE_INSTANCE", str(Path.cwd() / "instance")))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        ENGINE_CONFIG=EngineConfig.from_env(Path(app.instance_path)),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("AFTERCARE_SECURE_COOKIES") == "1",
        MAX_CONTENT_LENGTH=12 * 1024 * 1024,  # the largest attachment (10 MB) plus form overhead
    )
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = security.session_key(Path(app.instance_path))
    config = app.config["ENGINE_CONFIG"]
    if not config.link_secret:  # customer links are signed with the installation's secret key
        app.config["ENGINE_CONFIG"] = replace(config, link_secret=str(app.config["SECRET_KEY"]))
    app.extensions["aftercare"] = EngineContext(app.config["ENGINE_CONFIG"])
    app.extensions["login_limiter"] = LoginLimiter()
    app.extensions["public_limiter"] = PublicLimiter()

    from webapp import errors
    from webapp import i18n
    from webapp import process_texts
    from webapp.api import routes as api
    from webapp.pages import admin
    from webapp.pages import auth
    from webapp.pages import cases
    from webapp.pages import customers
    from webapp.pages import home
    from webapp.pages import inbox
    from webapp.pages import modeler
    from webapp.pages import notifications
    from webapp.pages import parts
    from webapp.pages import portal
    from webapp.pages import quality
    from webapp.pages import settings
    from webapp.pages import studio

    csrf = CSRFProtect(app)
    csrf.exempt(api.bp)  # bearer tokens, no cookies
    i18n.init_app(app)
    process_texts.init_app(app)
    app.register_blueprint(home.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(inbox.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(customers.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(studio.bp)
    app.register_blueprint(modeler.bp)
    app.register_blueprint(quality.bp)
    app.register_blueprint(parts.bp)
    app.register_blueprint(settings.bp)
    app.register_blueprint(portal.bp)
    app.register_blueprint(notifications.bp)
    errors.init_app(app)
    security.init_app(app)
    app.register_error_handler(404, api.api_not_found)
    app.register_error_handler(405, api.api_not_found)
    for status in (400, 403, 413, 429):
        app.register_error_handler(status, errors.http_error_page)
    return app


def engine_context() -> EngineContext:
    ctx: EngineContext = current_app.extensions["aftercare"]
    return ctx
