"""The studio's workspace of a process: its files as last saved, deployed or not.

Owners edit the whole file set of a process (its diagram, the processes it calls, the decision
tables). A draft keeps unfinished edits without deploying them — invalid ones too, that is
what drafts are for — and deploying the set removes the draft in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from engine.bpmn.new_process import new_process_files
from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import can
from engine.domain.authz import require
from engine.domain.errors import Conflict
from engine.domain.errors import InvalidData
from engine.domain.errors import InvalidProcess
from engine.domain.errors import NotFound
from engine.domain.errors import Problem
from engine.domain.messages import Message
from engine.store.context import EngineContext
from engine.store.db import table_of
from engine.store.db import utcnow
from engine.store.models import ProcessDraft
from engine.store.models import ProcessVersion
from engine.store.models import User
from engine.store.process_versions import DIAGRAM_SUFFIXES
from engine.store.process_versions import MAX_FILES
from engine.store.process_versions import Deployed
from engine.store.process_versions import check_set
from engine.store.process_versions import store_set

KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]{0,119}$")
FILE_NAME = re.compile(r"^[^/\\\x00]{1,200}$")
DRAFTS = table_of(ProcessDraft)


@dataclass(frozen=True)
class Workspace:
    key: str
    files: dict[str, str]
    revision: int  # of the draft; 0 when there is none and the files are those of ``version``
    version: int | None  # the newest deployed version of the key, if any
    saved_at: datetime | None = None
    saved_by: str | None = None


def check_key(key: str) -> None:
    if not KEY.match(key):
        raise InvalidData({"key": Message("a process key starts with a letter and has only letters, digits, _ and -")})


def _check_files(ctx: EngineContext, files: dict[str, str]) -> None:
    if not files:
        raise InvalidData({"files": Message("a draft needs at least one file")})
    if len(files) > MAX_FILES:
        raise InvalidData({"files": Message("at most %(count)s files", count=MAX_FILES)})
    for name, text in files.items():
        if not FILE_NAME.match(name) or not name.endswith(DIAGRAM_SUFFIXES):
            raise InvalidData({"files": Message("%(file)s: only .bpmn and .dmn file names", file=name)})
        if not isinstance(text, str) or len(text.encode("utf-8")) > ctx.config.max_upload_bytes:
            raise InvalidData(
                {"files": Message("%(file)s: at most %(bytes)s bytes", file=name, bytes=ctx.config.max_upload_bytes)}
            )


def open_workspace(ctx: EngineContext, actor: Actor, key: str) -> Workspace:
    """The draft of ``key`` if there is one, else the files of its newest version."""
    require(actor, Permission.MANAGE_PROCESSES)
    check_key(key)
    with ctx.uow() as uow:
        session = uow.session
        newest = session.execute(
            select(ProcessVersion.version, ProcessVersion.sources)
            .where(ProcessVersion.key == key)
            .order_by(ProcessVersion.version.desc())
            .limit(1)
        ).first()
        draft = session.execute(
            select(ProcessDraft, User.username)
            .outerjoin(User, User.id == ProcessDraft.updated_by_id)
            .where(ProcessDraft.key == key)
        ).first()
        version = newest.version if newest else None
        if draft is not None:
            row, username = draft
            return Workspace(key, dict(row.files), row.revision, version, row.updated_at, username)
        if newest is None:
            raise NotFound(Message("no process '%(process)s' is deployed", process=key))
        return Workspace(key, dict(newest.sources), 0, version)


def save_draft(ctx: EngineContext, actor: Actor, key: str, files: dict[str, str], revision: int) -> Workspace:
    """Store ``files`` as the draft; ``revision`` is the one the editor started from (0: none).

    Raises Conflict when someone saved the draft since, so nobody's edits are lost unseen.
    """
    require(actor, Permission.MANAGE_PROCESSES)
    check_key(key)
    _check_files(ctx, files)
    now = utcnow()
    values = {"files": files, "updated_at": now, "updated_by_id": actor.user_id, "revision": revision + 1}
    with ctx.uow(write=True) as uow:
        connection = uow.connection
        if revision == 0:
            try:
                connection.execute(insert(DRAFTS).values(key=key, **values))
            except IntegrityError:  # a colleague saved the first draft meanwhile
                raise _conflict(ctx, key) from None
        else:
            changed = connection.execute(
                update(DRAFTS).where(DRAFTS.c.key == key, DRAFTS.c.revision == revision).values(**values)
            ).rowcount
            if changed != 1:
                raise _conflict(ctx, key)
        version = connection.scalar(
            select(ProcessVersion.version)
            .where(ProcessVersion.key == key)
            .order_by(ProcessVersion.version.desc())
            .limit(1)
        )
        uow.commit()
    return Workspace(key, files, revision + 1, version, now, actor.username)


def _conflict(ctx: EngineContext, key: str) -> Conflict:
    with ctx.uow() as uow:
        row = uow.session.execute(
            select(ProcessDraft.updated_at, User.username)
            .outerjoin(User, User.id == ProcessDraft.updated_by_id)
            .where(ProcessDraft.key == key)
        ).first()
    if row is None:
        return Conflict(Message("the draft was deployed or discarded meanwhile; reload the editor"))
    return Conflict(
        Message(
            "%(who)s saved this draft at %(at)s, after you opened it; reload to see their changes",
            who=row.username or "?",
            at=f"{row.updated_at:%Y-%m-%d %H:%M} UTC",
        )
    )


def discard_draft(ctx: EngineContext, actor: Actor, key: str) -> None:
    require(actor, Permission.MANAGE_PROCESSES)
    with ctx.uow(write=True) as uow:
        uow.connection.execute(delete(DRAFTS).where(DRAFTS.c.key == key))
        uow.commit()


def deploy_workspace(
    ctx: EngineContext, actor: Actor, key: str, files: dict[str, str], confirmed: Collection[str] = ()
) -> list[Deployed]:
    """Deploy the edited set (InvalidProcess lists every problem); its draft goes with it.

    The set is deployed for ``key`` alone: new versions of any other process it holds or that
    calls it are made only when ``confirmed`` names them (Conflict says which).
    """
    require(actor, Permission.MANAGE_PROCESSES)
    check_key(key)
    _check_files(ctx, files)
    encoded = {name: text.encode("utf-8") for name, text in files.items()}
    checked = check_set(ctx, encoded, allow_scripts=can(actor, Permission.WRITE_SCRIPTS), requested=frozenset({key}))
    if checked.built and key not in {process.key for process in checked.built}:
        raise InvalidProcess([Problem(f"the files define no process with the id {key}")])
    return store_set(ctx, checked, actor, discard_draft=key, confirmed=confirmed)


def create_process(ctx: EngineContext, actor: Actor, key: str, name: str) -> Workspace:
    """Start a new process as a draft made from the one-lane template."""
    require(actor, Permission.MANAGE_PROCESSES)
    check_key(key)
    if not name.strip():
        raise InvalidData({"name": Message("this field is required")})
    with ctx.uow() as uow:
        exists = uow.session.scalar(select(ProcessVersion.id).where(ProcessVersion.key == key).limit(1))
        drafted = uow.session.scalar(select(ProcessDraft.key).where(ProcessDraft.key == key))
    if exists is not None or drafted is not None:
        raise InvalidData({"key": Message("a process with the key %(process)s exists already", process=key)})
    return save_draft(ctx, actor, key, new_process_files(key, name.strip()), 0)
