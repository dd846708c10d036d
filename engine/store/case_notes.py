"""Comments and attachments of a case, as the case page and the notes list read them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.actors import Actor
from engine.store.models import CaseAttachment
from engine.store.models import CaseComment


@dataclass(frozen=True)
class Note:
    """A comment or an attachment, in the order they were added."""

    kind: str  # "comment" or "file"
    id: int
    at: datetime
    author: str
    text: str  # the comment, or the file name
    size: int = 0
    content_type: str = ""  # of a file, as checked at upload

    @property
    def preview(self) -> str | None:
        """How the page can show the file itself: "image", "pdf", or None (download only)."""
        return PREVIEWS.get(self.content_type)


# Types shown in the page; their content was checked against its signature at upload.
PREVIEWS = {"image/png": "image", "image/jpeg": "image", "application/pdf": "pdf"}


def notes_of(session: Session, case_id: int) -> list[Note]:
    comments = session.scalars(select(CaseComment).where(CaseComment.case_id == case_id))
    files = session.scalars(select(CaseAttachment).where(CaseAttachment.case_id == case_id))
    found = [Note("comment", c.id, c.at, c.author, c.text) for c in comments]
    found += [Note("file", f.id, f.at, f.uploaded_by, f.filename, f.size, f.content_type) for f in files]
    return sorted(found, key=lambda note: (note.at, note.kind, note.id))


def store_file(
    session: Session, case_id: int, actor: Actor, name: str, content_type: str, content: bytes
) -> tuple[int, str]:
    """Keep a checked file with the case; (its id, its SHA-256). The caller writes the audit event."""
    digest = hashlib.sha256(content).hexdigest()
    row = CaseAttachment(
        case_id=case_id,
        uploaded_by_id=actor.user_id,
        uploaded_by=actor.username,
        filename=name,
        content_type=content_type,
        size=len(content),
        sha256=digest,
        content=content,
    )
    session.add(row)
    session.flush()
    return row.id, digest
