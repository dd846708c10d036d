"""Deploy diagram sets as immutable process versions, and find the version a case runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import Connection
from sqlalchemy import bindparam
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.bpmn import validation
from engine.bpmn.building import build_files
from engine.bpmn.building import check_files
from engine.bpmn.diagram_files import files_by_process
from engine.bpmn.serializer import SERIALIZER_VERSION
from engine.bpmn.serializer import SPEC_CACHE
from engine.bpmn.serializer import SpecBundle
from engine.bpmn.version_diff import ElementChange
from engine.bpmn.version_diff import diff_sources
from engine.domain.actors import Actor
from engine.domain.authz import require_staff
from engine.domain.errors import InvalidProcess
from engine.domain.errors import NotAllowed
from engine.domain.errors import NotFound
from engine.domain.errors import Problem
from engine.domain.messages import Message
from engine.domain.roles import RoleInfo
from engine.domain.roles import role_aliases
from engine.store.case_writer import load_spec_json
from engine.store.context import EngineContext
from engine.store.driver_sql import Prepared
from engine.store.models import Case
from engine.store.models import ProcessDraft
from engine.store.models import ProcessVersion
from engine.store.models import Role
from engine.store.models import User

DIAGRAM_SUFFIXES = (".bpmn", ".dmn")


@dataclass(frozen=True)
class Deployed:
    key: str
    version: int
    sha256: str
    created: bool


def known_role_aliases(ctx: EngineContext, connection: Connection | Session) -> dict[str, str]:
    """Lane names and candidate groups accepted as roles (cached briefly by the context)."""
    return ctx.cached(
        "role_aliases",
        lambda: role_aliases(
            [RoleInfo(*row) for row in connection.execute(select(Role.id, Role.name_zh, Role.name_en))]
        ),
    )


def approved_scripts(connection: Connection | Session) -> frozenset[str]:
    """Every script of every deployed version: an administrator wrote or accepted each one."""
    scripts: set[str] = set()
    for sources in connection.execute(select(ProcessVersion.sources)).scalars():
        for name, text in sources.items():
            if name.endswith(".bpmn") and "scriptTask" in text:
                root = etree.fromstring(text.encode("utf-8"), validation.safe_xml_parser())
                scripts.update(validation.script_texts(root))
    return frozenset(scripts)


def with_callers(connection: Connection | Session, files: dict[str, bytes]) -> dict[str, bytes]:
    """``files`` plus the other files of every live version built from one of them.

    A version embeds the processes it calls and the decision tables, so a change to a called
    process or a table reaches new cases only through new versions of the processes using it
    (as a Camunda call activity binds to the latest version). Adding those processes' files
    makes the set build them too; unchanged ones are recognised and not deployed again.
    An owner may also upload a single changed file: the rest of its set comes from here.
    """
    newest = (
        select(ProcessVersion.key, func.max(ProcessVersion.version).label("version"))
        .group_by(ProcessVersion.key)
        .subquery()
    )
    rows = connection.execute(
        select(ProcessVersion.sources)
        .join(newest, (ProcessVersion.key == newest.c.key) & (ProcessVersion.version == newest.c.version))
        .order_by(ProcessVersion.deployed_at.desc(), ProcessVersion.id.desc())
    ).scalars()
    merged = dict(files)
    for sources in rows:
        if any(name in sources and sources[name].encode("utf-8") != data for name, data in files.items()) or (
            set(files) & set(sources) and not set(sources) <= set(files)
        ):
            for name, text in sources.items():
                merged.setdefault(name, text.encode("utf-8"))
    return merged


def deploy_files(
    ctx: EngineContext,
    files: dict[str, bytes],
    actor: Actor | None = None,
    allow_scripts: bool = False,
    discard_draft: str | None = None,
) -> list[Deployed]:
    """Validate and deploy; identical content is recognised and not deployed twice.

    ``discard_draft``: the studio draft the files come from, removed with the deployment.
    """
    with ctx.uow(write=True) as uow:
        built = build_files(
            with_callers(uow.session, files),
            known_role_aliases(ctx, uow.session),
            allow_scripts=allow_scripts,
            max_bytes=ctx.config.max_upload_bytes,
            approved_scripts=frozenset() if allow_scripts else approved_scripts(uow.session),
        )
        results = []
        for process in built:
            existing = uow.session.scalar(
                select(ProcessVersion).where(ProcessVersion.key == process.key, ProcessVersion.sha256 == process.sha256)
            )
            if existing is not None:
                results.append(Deployed(process.key, existing.version, existing.sha256, False))
                continue
            latest = uow.session.scalar(
                select(func.max(ProcessVersion.version)).where(ProcessVersion.key == process.key)
            )
            version = ProcessVersion(
                key=process.key,
                version=(latest or 0) + 1,
                name=process.name,
                sha256=process.sha256,
                sources=process.sources,
                spec_json=process.spec_json,
                serializer_version=SERIALIZER_VERSION,
                startable=process.startable,
                start_form=process.start_form,
                starter_roles=process.starter_roles,
                deployed_by_id=actor.user_id if actor else None,
            )
            uow.session.add(version)
            results.append(Deployed(process.key, version.version, process.sha256, True))
        if discard_draft is not None:
            uow.session.execute(delete(ProcessDraft).where(ProcessDraft.key == discard_draft))
        uow.commit()
    return results


@dataclass(frozen=True)
class ProcessInfo:
    key: str
    name: str
    version: int
    start_form: dict[str, Any]
    starter_roles: list[str]


def list_startable(ctx: EngineContext, actor: Actor) -> list[ProcessInfo]:
    """The newest version of every process the actor may start, by key."""
    require_staff(actor)
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


def read_directory(path: Path) -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.suffix in DIAGRAM_SUFFIXES}
    if not files:
        raise NotFound(Message("no .bpmn or .dmn files in %(path)s", path=path))
    return files


def load_directory(ctx: EngineContext, path: Path, allow_scripts: bool = True) -> list[Deployed]:
    """Deploy every diagram and decision table in ``path`` as one set (idempotent)."""
    return deploy_files(ctx, read_directory(path), allow_scripts=allow_scripts)


@dataclass(frozen=True)
class VersionRef:
    """What starting a case needs to know of a process version (not its sources or spec)."""

    id: int
    key: str
    version: int
    sha256: str
    startable: bool
    start_form: dict[str, Any]
    starter_roles: list[str]


_VERSIONS = ProcessVersion.__table__
LATEST_VERSION = Prepared(
    select(*[_VERSIONS.c[name] for name in VersionRef.__dataclass_fields__])
    .where(_VERSIONS.c.key == bindparam("key"))
    .order_by(_VERSIONS.c.version.desc())
    .limit(1)
)


def latest_version(connection: Connection, key: str) -> VersionRef:
    if "\x00" in key:
        raise NotFound(Message("no process has that key"))
    row = LATEST_VERSION.first(connection, {"key": key})
    if row is None:
        raise NotFound(Message("no process '%(process)s' is deployed", process=key))
    return VersionRef(**row)


def bundle_of(connection: Connection, version: VersionRef) -> SpecBundle:
    """The parsed spec of ``version``; its JSON is read only on a cache miss."""
    return SPEC_CACHE.get(version.sha256, lambda: load_spec_json(connection, version.id))


# -- process owners: validate and deploy uploads (studio and pipelines) -------------------

OWNER_ROLES = frozenset({"process_owner", "admin"})
MAX_FILES = 50


def require_process_owner(actor: Actor) -> None:
    if not actor.roles & OWNER_ROLES:
        raise NotAllowed(Message("changing processes needs the process_owner or admin role"))


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


def validate_upload(ctx: EngineContext, actor: Actor, files: dict[str, bytes]) -> tuple[list[Problem], bool]:
    """Every problem of an upload, and whether it would deploy; script tasks only for admins."""
    require_process_owner(actor)
    problems = _check_names(files)
    if problems:
        return problems, False
    admin = "admin" in actor.roles
    with ctx.uow() as uow:
        aliases = known_role_aliases(ctx, uow.connection)
        approved = frozenset() if admin else approved_scripts(uow.connection)
        files = with_callers(uow.connection, files)
    problems, built = check_files(
        files, aliases, allow_scripts=admin, max_bytes=ctx.config.max_upload_bytes, approved_scripts=approved
    )
    return problems, bool(built)


def deploy_upload(ctx: EngineContext, actor: Actor, files: dict[str, bytes]) -> list[Deployed]:
    """Deploy an upload as new versions (InvalidProcess lists every problem)."""
    require_process_owner(actor)
    problems = _check_names(files)
    if problems:
        raise InvalidProcess(problems)
    return deploy_files(ctx, files, actor, allow_scripts="admin" in actor.roles)


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
    require_process_owner(actor)
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
    require_process_owner(actor)
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
