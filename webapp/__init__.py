"""The Flask application: a thin HTTP skin over ``engine.services``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask import current_app

from engine.config import EngineConfig
from engine.context import EngineContext


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("AFTERCARE_INSTANCE", str(Path.cwd() / "instance")))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("AFTERCARE_SECRET_KEY", "dev-only-change-me"),
        ENGINE_CONFIG=EngineConfig.from_env(Path(app.instance_path)),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["aftercare"] = EngineContext(app.config["ENGINE_CONFIG"])

    from webapp import api
    from webapp import home

    app.register_blueprint(home.bp)
    app.register_blueprint(api.bp)
    app.register_error_handler(404, api.api_not_found)
    app.register_error_handler(405, api.api_not_found)
    return app


def engine_context() -> EngineContext:
    ctx: EngineContext = current_app.extensions["aftercare"]
    return ctx
