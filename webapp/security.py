"""The session key, and the headers every response carries.

A session cookie is only as secret as the key that signs it: a key known to anyone (a default in
the source, an example from the docs) lets them forge an administrator's cookie offline. So the
key comes from ``AFTERCARE_SECRET_KEY`` or, when that is unset, from a random key generated once
into the instance folder (``make run`` needs no set-up); a known key refuses to start.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask
from flask import Response
from flask import abort
from flask import request

# Keys published somewhere (this project's old default, common examples): never accepted.
KNOWN_KEYS = frozenset({"dev-only-change-me", "dev", "development", "secret", "changeme", "change-me", "test"})
MIN_KEY_LENGTH = 16
KEY_FILE = "secret_key"

# No inline script, no framing, no plugins; styles inline for bpmn-js, images and fonts as data URLs.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class WeakSecretKey(RuntimeError):
    """The configured session key is a published one or too short."""


def session_key(instance_path: Path) -> str:
    """The configured key, or the instance's own random key (created on first start)."""
    configured = os.environ.get("AFTERCARE_SECRET_KEY")
    if configured is not None:
        check_key(configured)
        return configured
    path = instance_path / KEY_FILE
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
    key = path.read_text(encoding="ascii").strip()
    check_key(key)
    return key


def check_key(key: str) -> None:
    if key in KNOWN_KEYS or len(key) < MIN_KEY_LENGTH:
        raise WeakSecretKey(
            "AFTERCARE_SECRET_KEY is a published or short key: set at least 16 random characters, "
            "or unset it to use a random key kept in the instance folder"
        )


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_nul() -> None:
        """NUL cannot be stored in PostgreSQL text and means nothing to a person: refuse it plainly.
        (The API answers 422 in JSON itself, as its document says.)"""
        if request.path.startswith("/api/"):
            return
        values = [request.path, *request.args.values(), *request.form.values()]
        if any("\x00" in value for value in values):
            abort(400, description="NUL characters are not accepted")

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
