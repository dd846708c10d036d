"""Comments and file attachments on a case: staff only, bounded, type-checked, audited.

A file is accepted only if its first bytes prove it is one of the allowed kinds (the name
and the browser's content type are not trusted); it is served back with the content type of
that kind, as a download. Each comment and file is an event in the case's audit chain, with
the file's SHA-256, so the trail shows who added what.
"""

from __future__ import annotations

from engine.domain import file_kinds
from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import InvalidData
from engine.domain.errors import NotFound
from engine.domain.messages import Message
from engine.store.case_notes import PREVIEWS
from engine.store.case_notes import store_file
from engine.store.case_writer import CaseWriter
from engine.store.case_writer import load_case
from engine.store.context import EngineContext
from engine.store.models import CaseAttachment
from engine.store.models import CaseComment

MAX_COMMENT = 4000


def add_comment(ctx: EngineContext, actor: Actor, case_id: int, text: str) -> None:
    require(actor, Permission.ANNOTATE_CASES)
    text = text.strip()
    if not text or len(text) > MAX_COMMENT or "\x00" in text:
        raise InvalidData({"comment": Message("a comment has 1 to %(count)s characters", count=MAX_COMMENT)})
    with ctx.uow(write=True) as uow:
        case = load_case(uow.connection, case_id)
        if case is None:
            raise NotFound(Message("case %(case_id)s does not exist", case_id=case_id))
        uow.session.add(CaseComment(case_id=case_id, author_id=actor.user_id, author=actor.username, text=text))
        writer = CaseWriter(uow.connection, case, keys=ctx.audit_keys)
        writer.event(actor, "comment_added", data={"text": text})
        writer.write()
        uow.commit()


def add_attachment(ctx: EngineContext, actor: Actor, case_id: int, filename: str, content: bytes) -> int:
    require(actor, Permission.ANNOTATE_CASES)
    name, content_type = file_kinds.checked(filename, content)
    with ctx.uow(write=True) as uow:
        case = load_case(uow.connection, case_id)
        if case is None:
            raise NotFound(Message("case %(case_id)s does not exist", case_id=case_id))
        attachment_id, digest = store_file(uow.session, case_id, actor, name, content_type, content)
        writer = CaseWriter(uow.connection, case, keys=ctx.audit_keys)
        writer.event(actor, "attachment_added", data={"file": name, "size": len(content), "sha256": digest})
        writer.write()
        uow.commit()
        return attachment_id


def attachment(ctx: EngineContext, actor: Actor, case_id: int, attachment_id: int) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of a case's attachment."""
    require(actor, Permission.READ_CASES)
    with ctx.uow() as uow:
        row = uow.session.get(CaseAttachment, attachment_id)
        if row is None or row.case_id != case_id:
            raise NotFound(
                Message(
                    "attachment %(attachment_id)s of case %(case_id)s does not exist",
                    attachment_id=attachment_id,
                    case_id=case_id,
                )
            )
        return row.filename, row.content_type, row.content


def preview(ctx: EngineContext, actor: Actor, case_id: int, attachment_id: int) -> tuple[str, str, bytes, str]:
    """(file name, content type, bytes, "image" or "pdf") of an attachment the page may show
    itself; NotFound for the types that are download only."""
    name, content_type, content = attachment(ctx, actor, case_id, attachment_id)
    kind = PREVIEWS.get(content_type)
    if kind is None:
        raise NotFound(Message("this file can only be downloaded"))
    return name, content_type, content, kind
