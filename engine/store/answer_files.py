"""The files an answer brings: drawn signatures, the scanned paper form, a files field's papers.

Both are kept as files of the case (case_attachments) in the answer's own transaction; the
process data and the audit event keep only their references and SHA-256 (engine/domain/signatures.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.domain import form_files
from engine.domain import signatures
from engine.domain.actors import Actor
from engine.domain.file_kinds import Upload
from engine.store.case_notes import store_file


def keep_signatures(
    session: Session, case_id: int, actor: Actor, step: str, form: dict[str, Any], cleaned: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """``cleaned`` with each drawn signature stored and replaced by its reference."""
    kept = dict(cleaned)
    for field_id in signatures.signature_fields(form):
        drawing = kept.get(field_id)
        if not isinstance(drawing, bytes):
            continue
        name = signatures.FILE_NAME.format(step=step, field=field_id)
        attachment_id, digest = store_file(session, case_id, actor, name, "image/png", drawing)
        signed = signatures.Signed(attachment_id, digest, at.isoformat(timespec="seconds"))
        kept[field_id] = signed.as_data()
    return kept


def keep_scan(
    session: Session, case_id: int, actor: Actor, scan: Upload, name: str, content_type: str
) -> dict[str, Any]:
    """Store the scanned paper form; its reference for the audit event."""
    attachment_id, digest = store_file(session, case_id, actor, name, content_type, scan.content)
    return {"attachment_id": attachment_id, "file": name, "sha256": digest}


def keep_files(
    session: Session, case_id: int, actor: Actor, form: dict[str, Any], cleaned: dict[str, Any]
) -> dict[str, Any]:
    """``cleaned`` with each files field's papers stored and replaced by their references."""
    kept = dict(cleaned)
    for field_id in form_files.files_fields(form):
        incoming = kept.get(field_id)
        if not isinstance(incoming, list) or form_files.is_kept(incoming):
            continue
        references = []
        for item in incoming:
            attachment_id, digest = store_file(session, case_id, actor, item.name, item.content_type, item.content)
            references.append({"attachment_id": attachment_id, "file": item.name, "sha256": digest})
        kept[field_id] = references
    return kept
