"""Diagram files sent as multipart parts, read the same way by the studio and the API."""

from __future__ import annotations

from typing import Any

from flask import request

from engine.domain.errors import Problem


def uploaded_diagrams() -> dict[str, bytes]:
    """Every part named ``files`` (or ``file``), by its base name: a browser or a client may
    send a path, which is never used as one."""
    files: dict[str, bytes] = {}
    for upload in request.files.getlist("files") + request.files.getlist("file"):
        name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
        if name:
            files[name] = upload.read()
    return files


def problem_list(found: list[Problem]) -> list[dict[str, Any]]:
    """Problems as the API and the modeler send them."""
    return [
        {"element": p.element, "line": p.line, "message": p.message, "severity": p.severity, "file": p.file}
        for p in found
    ]
