"""Deploy diagram sets as immutable process versions, and find the version a case runs."""

from __future__ import annotations

import base64
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy import select

from engine.bpmn.diagram_files import files_by_process
from engine.bpmn.version_diff import ElementChange
from engine.bpmn.version_diff import diff_sources
from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import can
from engine.domain.authz import require
from engine.domain.errors import InvalidProcess
from engine.domain.errors import NotFound
from engine.domain.errors import Problem
from engine.domain.messages import Message
from engine.store.context import EngineContext
from engine.store.models import Case
from engine.store.models import ProcessDraft
from engine.store.models import ProcessVersion
from engine.store.models import User
from engine.store.process_versions import DIAGRAM_SUFFIXES
from engine.store.process_versions import MAX_FILES
from engine.store.process_versions import Deployed
from engine.store.process_versions import PlannedVersion
from engine.store.process_versions import check_set
from engine.store.process_versions import read_directory
from engine.store.process_versions import store_set


@dataclass(frozen=True)
class ProcessInfo:
    key: str
    name: str
    version: int
    start_form: dict[str, Any]
    starter_roles: list[str]


def list_startable(ctx: EngineContext, actor: Actor) -> list[ProcessInfo]:
    """The newest version of every process the actor may start, by key."""
    require(actor, Permission.START_CASES)
    with ctx.uow() as uow:
        newest = (
            select(ProcessVersion.key, func.max(ProcessVersion.version).label("version"))
            .group_by(ProcessVersion.key)
            .subquery()
        )
        versions = uow.session.scalars(
            select(ProcessVersion)
            .join(newest, (ProcessVersion.key == newest.c.key) & (ProcessVersion.version == newest.c.version))
            .order_by(ProcessVersion.key)
        )
        return [
            ProcessInfo(v.key, v.name, v.version, v.start_form, list(v.starter_roles))
            for v in versions
            if v.startable and actor.roles.intersection(v.starter_roles)
        ]


def load_directory(ctx: EngineContext, actor: Actor, path: Path, confirmed: Collection[str] = ()) -> list[Deployed]:
    """Deploy every diagram and decision table in ``path`` as one set (idempotent)."""
    require(actor, Permission.MANAGE_PROCESSES)
    return deploy_files(ctx, actor, read_directory(path), confirmed)


# -- process owners: validate and deploy uploads (studio, pipelines, the command line) ----


def _check_names(files: dict[str, bytes]) -> list[Problem]:
    if not files:
        return [Problem("upload at least one .bpmn or .dmn file")]
    if len(files) > MAX_FILES:
        return [Problem(f"at most {MAX_FILES} files at once")]
    return [
        Problem("only .bpmn and .dmn files are accepted", file=name)
        for name in files
        if not name.endswith(DIAGRAM_SUFFIXES)
    ]


@dataclass(frozen=True)
class UploadCheck:
    problems: list[Problem]
    executable: bool
    plan: list[PlannedVersion]  # the versions deploying would create, the unrequested ones included


def validate_upload(
    ctx: EngineContext, actor: Actor, files: dict[str, bytes], requested: frozenset[str] | None = None
) -> UploadCheck:
    """Every problem of an upload, and what deploying it would create; new scripts only from administrators.

    ``requested``: the processes the files are sent for (default: those they define).
    """
    require(actor, Permission.MANAGE_PROCESSES)
    problems = _check_names(files)
    if problems:
        return UploadCheck(problems, False, [])
    checked = check_set(ctx, files, allow_scripts=can(actor, Permission.WRITE_SCRIPTS), requested=requested)
    return UploadCheck(checked.problems, bool(checked.built), checked.plan)


def deploy_files(
    ctx: EngineContext, actor: Actor, files: dict[str, bytes], confirmed: Collection[str] = ()
) -> list[Deployed]:
    """Deploy a file set as new versions, each file built once (InvalidProcess lists every problem).

    New versions of processes the files do not define (callers of a changed one) are made only
    when ``confirmed`` names them; otherwise Conflict says which they are.
    """
    require(actor, Permission.MANAGE_PROCESSES)
    problems = _check_names(files)
    if problems:
        raise InvalidProcess(problems)
    checked = check_set(ctx, files, allow_scripts=can(actor, Permission.WRITE_SCRIPTS))
    return store_set(ctx, checked, actor, confirmed=confirmed)


@dataclass(frozen=True)
class VersionSummary:
    version: int
    sha256: str
    deployed_at: datetime
    deployed_by: str | None
    files: list[str]
    running: int
    total: int


@dataclass
class ProcessSummary:
    key: str
    name: str
    live: int  # the version new cases start on (the newest); 0 while only a draft exists
    versions: list[VersionSummary]
    draft_saved_at: datetime | None = None
    draft_saved_by: str | None = None

    @property
    def waiting_elsewhere(self) -> int:
        """Running cases on versions other than the live one (candidates for migration)."""
        return sum(v.running for v in self.versions if v.version != self.live)


def overview(ctx: EngineContext, actor: Actor) -> list[ProcessSummary]:
    """Every process key with its versions, the live one, and how many cases run on each."""
    require(actor, Permission.MANAGE_PROCESSES)
    with ctx.uow() as uow:
        session = uow.session
        counts: dict[int, tuple[int, int]] = {}
        rows = session.execute(
            select(Case.process_version_id, Case.status, func.count(Case.id)).group_by(
                Case.process_version_id, Case.status
            )
        )
        for version_id, status, count in rows:
            running, total = counts.get(version_id, (0, 0))
            counts[version_id] = (running + (count if status == "running" else 0), total + count)
        versions = session.execute(
            select(ProcessVersion, User.username)
            .outerjoin(User, User.id == ProcessVersion.deployed_by_id)
            .order_by(ProcessVersion.key, ProcessVersion.version.desc())
        ).all()
        result: dict[str, ProcessSummary] = {}
        for version, username in versions:
            summary = result.get(version.key)
            if summary is None:
                summary = result[version.key] = ProcessSummary(version.key, version.name, version.version, [])
            running, total = counts.get(version.id, (0, 0))
            summary.versions.append(
                VersionSummary(
                    version.version,
                    version.sha256,
                    version.deployed_at,
                    username,
                    sorted(version.sources),
                    running,
                    total,
                )
            )
        drafts = session.execute(
            select(ProcessDraft.key, ProcessDraft.updated_at, User.username).outerjoin(
                User, User.id == ProcessDraft.updated_by_id
            )
        )
        for key, saved_at, saved_by in drafts:
            summary = result.setdefault(key, ProcessSummary(key, key, 0, []))
            summary.draft_saved_at, summary.draft_saved_by = saved_at, saved_by
        return sorted(result.values(), key=lambda summary: summary.key)


def version_sources(ctx: EngineContext, actor: Actor, key: str, version: int) -> dict[str, str]:
    """The BPMN/DMN files a version was built from (file name → XML); owners only."""
    require(actor, Permission.MANAGE_PROCESSES)
    with ctx.uow() as uow:
        sources = uow.session.scalar(
            select(ProcessVersion.sources).where(ProcessVersion.key == key, ProcessVersion.version == version)
        )
    if sources is None:
        raise NotFound(Message("%(process)s has no version %(version)s", process=key, version=version))
    return dict(sources)


def source_file(ctx: EngineContext, actor: Actor, key: str, version: int, filename: str) -> str:
    """One source file of a version, for download (to edit in Camunda Modeler)."""
    sources = version_sources(ctx, actor, key, version)
    if filename not in sources:
        raise NotFound(
            Message("no file %(file)s in %(process)s version %(version)s", file=filename, process=key, version=version)
        )
    return sources[filename]


def compare_versions(ctx: EngineContext, actor: Actor, key: str, old: int, new: int) -> list[ElementChange]:
    """Elements added, removed and changed from version ``old`` to version ``new`` of ``key``."""
    return diff_sources(version_sources(ctx, actor, key, old), version_sources(ctx, actor, key, new))


def process_xml(ctx: EngineContext, actor: Actor, key: str, version: int) -> str:
    """The source file that defines process ``key`` in ``version`` (to draw it)."""
    sources = version_sources(ctx, actor, key, version)
    owner = files_by_process(sources).get(key)
    return sources[owner] if owner else ""


def original_upload(ctx: EngineContext, actor: Actor, key: str, version: int, filename: str) -> bytes:
    """The bytes a source file was uploaded as: in its own encoding when it was not UTF-8."""
    text = source_file(ctx, actor, key, version, filename)
    with ctx.uow() as uow:
        originals = uow.session.scalar(
            select(ProcessVersion.originals).where(ProcessVersion.key == key, ProcessVersion.version == version)
        )
    stored = (originals or {}).get(filename)
    return base64.b64decode(stored) if stored else text.encode("utf-8")
