"""A form field of type ``files``: papers that belong to a step's answer, such as the receipts
behind a trip claim (S2 7.2.7: the expense claim goes in with its receipts).

The files arrive with the answer (a web form's file input, or the API's
``{"filename", "content_base64"}`` objects), pass the same checks as any case attachment
(engine/domain/file_kinds.py), and are stored as files of the case in the completion's own
transaction. The process data and the audit event keep only each file's reference, name and
SHA-256, so the record links to the very files the step was answered with.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from engine.domain import file_kinds
from engine.domain.errors import InvalidData
from engine.domain.file_kinds import Upload
from engine.domain.messages import Message

FILES = "files"  # the form field type
MAX_FILES = 20
KINDS = (*file_kinds.SCANS, "office")  # photographed or scanned receipts, a spreadsheet of them


@dataclass(frozen=True)
class Incoming:
    """A checked file not yet stored: what the completing service writes to the case."""

    name: str
    content_type: str
    content: bytes


def uploads(raw: Any) -> list[Incoming] | None:
    """The checked files of one field; None when none came; ValueError with every problem."""
    items = raw if isinstance(raw, list) else [raw]
    sent = [_upload(item) for item in items if item not in (None, "")]
    sent = [item for item in sent if item.filename or item.content]  # an empty file input
    if not sent:
        return None
    if len(sent) > MAX_FILES:
        raise ValueError(Message("at most %(count)s files", count=MAX_FILES))
    checked = []
    for item in sent:
        try:
            name, content_type = file_kinds.checked(item.filename, item.content, kinds=KINDS)
        except InvalidData as err:
            reason = next(iter(err.errors.values()))
            raise ValueError(
                Message("%(file)s: %(reason)s", file=file_kinds.safe_filename(item.filename), reason=reason)
            ) from None
        checked.append(Incoming(name, content_type, item.content))
    return checked


def _upload(item: Any) -> Upload:
    if isinstance(item, Upload):
        return item
    if isinstance(item, dict) and isinstance(item.get("filename"), str):
        try:
            return Upload(item["filename"], base64.b64decode(str(item.get("content_base64") or ""), validate=True))
        except (binascii.Error, ValueError):
            raise ValueError(Message("content_base64 must be base64")) from None
    raise ValueError(Message("must be files: objects with filename and content_base64"))


def is_kept(value: Any) -> bool:
    """A process value that is a list of stored files (their references, never the bytes)."""
    return isinstance(value, list) and all(isinstance(item, dict) and "attachment_id" in item for item in value)


def files_fields(form: dict[str, Any]) -> list[str]:
    return [field["id"] for field in form.get("fields", []) if field.get("type") == FILES]
