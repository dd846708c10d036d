"""Diagram files sent as multipart parts, read the same way by the studio and the API."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask import request

from engine.domain.errors import Problem
from engine.services.processes import PlannedVersion
from webapp.i18n import pt


def uploaded_diagrams() -> dict[str, bytes]:
    """Every part named ``files`` (or ``file``), by its base name: a browser or a client may
    send a path, which is never used as one."""
    files: dict[str, bytes] = {}
    for upload in request.files.getlist("files") + request.files.getlist("file"):
        name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
        if name:
            files[name] = upload.read()
    return files


def encode_kept(files: dict[str, bytes]) -> list[str]:
    """Checked files carried in the confirmation form (a file input cannot be filled again),
    byte for byte, so a file in another encoding stays as it was uploaded."""
    return [f"{name}:{base64.b64encode(data).decode('ascii')}" for name, data in sorted(files.items())]


def kept_diagrams() -> dict[str, bytes]:
    """The files a confirmation form carries back; a damaged entry is left out (the check then says so)."""
    files: dict[str, bytes] = {}
    for entry in request.form.getlist("kept"):
        name, _, encoded = entry.rpartition(":")
        name = name.replace("\\", "/").rsplit("/", 1)[-1]
        try:
            data = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            continue
        if name:
            files[name] = data
    return files


def problem_list(found: list[Problem]) -> list[dict[str, Any]]:
    """Problems as the API and the modeler send them."""
    return [
        {"element": p.element, "line": p.line, "message": p.message, "severity": p.severity, "file": p.file}
        for p in found
    ]


def plan_list(plan: list[PlannedVersion]) -> list[dict[str, Any]]:
    """The versions a deployment would create, as the API and the modeler send them."""
    return [
        {
            "key": p.key,
            "name": pt(p.name),
            "version": p.version,
            "requested": p.requested,
            "changed_files": list(p.changed_files),
        }
        for p in plan
    ]
