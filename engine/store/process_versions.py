"""Process versions in the database: deploy a built set, find the version a case runs, its parsed spec."""

from __future__ import annotations

import base64
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import bindparam
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import tuple_
from sqlalchemy.orm import Session

from engine.bpmn.building import BuiltProcess
from engine.bpmn.building import check_files
from engine.bpmn.diagram_files import diagram_flows
from engine.bpmn.figure_references import lost_references
from engine.bpmn.figure_references import task_fields
from engine.bpmn.serializer import SERIALIZER_VERSION
from engine.bpmn.serializer import SPEC_CACHE
from engine.bpmn.serializer import SpecBundle
from engine.domain.actors import Actor
from engine.domain.errors import Conflict
from engine.domain.errors import InvalidProcess
from engine.domain.errors import NotFound
from engine.domain.errors import Problem
from engine.domain.messages import Message
from engine.domain.policy import SHIPPED
from engine.domain.roles import RoleInfo
from engine.domain.roles import role_aliases
from engine.store.case_writer import load_spec_json
from engine.store.context import EngineContext
from engine.store.db import table_of
from engine.store.driver_sql import Prepared
from engine.store.models import ProcessDraft
from engine.store.models import ProcessVersion
from engine.store.models import Role

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
    """The hashes of every script of every deployed version: an administrator wrote or accepted each."""
    hashes: set[str] = set()
    for listed in connection.execute(select(ProcessVersion.script_hashes)).scalars():
        hashes.update(listed or [])
    return frozenset(hashes)


def with_callers(
    connection: Connection | Session, files: dict[str, bytes]
) -> tuple[dict[str, bytes], dict[str, int], dict[str, dict[str, str]]]:
    """``files`` plus the other files of every live version built from one of them, the
    newest version number of every process key at the time of reading, and the sources of
    those newest versions by key.

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
        select(ProcessVersion.key, ProcessVersion.version, ProcessVersion.sources)
        .join(newest, (ProcessVersion.key == newest.c.key) & (ProcessVersion.version == newest.c.version))
        .order_by(ProcessVersion.deployed_at.desc(), ProcessVersion.id.desc())
    ).all()
    merged = dict(files)
    for _key, _version, sources in rows:
        if any(name in sources and sources[name].encode("utf-8") != data for name, data in files.items()) or (
            set(files) & set(sources) and not set(sources) <= set(files)
        ):
            for name, text in sources.items():
                merged.setdefault(name, text.encode("utf-8"))
    return merged, {key: version for key, version, _sources in rows}, {key: dict(src) for key, _v, src in rows}


@dataclass(frozen=True)
class PlannedVersion:
    """A version that storing a checked set would create."""

    key: str
    name: str
    version: int
    requested: bool  # False: a process that only embeds a changed file (one that calls it)
    changed_files: tuple[str, ...]  # the files of its sources that differ from its newest version


@dataclass(frozen=True)
class CheckedSet:
    """A file set checked and built once, outside any write transaction, ready to be stored."""

    problems: list[Problem]
    built: list[BuiltProcess]
    newest: dict[str, int]  # the newest version of every key when the set was read
    plan: list[PlannedVersion]  # the versions it would create; the unchanged processes are not in it

    @property
    def unrequested(self) -> list[PlannedVersion]:
        """New versions of processes the set was not sent for: deployed only when confirmed."""
        return [planned for planned in self.plan if not planned.requested]


def check_set(
    ctx: EngineContext, files: dict[str, bytes], allow_scripts: bool, requested: frozenset[str] | None = None
) -> CheckedSet:
    """Every problem of ``files`` (with the callers they change) and, when there is none, the builds.

    ``requested``: the process keys the set is deployed for (the studio editor's one process);
    by default every process defined in ``files``. The others it would make new versions of are
    planned as unrequested, so that nobody deploys a process without having been told.
    The database is read in short read transactions; the build itself, the slow part, holds
    no lock, so a deployment never keeps other writers waiting behind SQLite's write lock.
    """
    with ctx.uow() as uow:
        aliases = known_role_aliases(ctx, uow.connection)
        approved = frozenset() if allow_scripts else approved_scripts(uow.connection)
        merged, newest, live = with_callers(uow.connection, files)
    problems, built = check_files(
        merged, aliases, allow_scripts=allow_scripts, max_bytes=ctx.config.max_upload_bytes, approved_scripts=approved
    )
    if built:
        lost = _lost_figures(live, built)
        if lost:
            problems, built = [*problems, *lost], []
    if not built:
        return CheckedSet(problems, built, newest, [])
    if requested is None:
        requested = frozenset(
            key for name, data in files.items() if name.endswith(".bpmn") for key in diagram_flows(data)
        )
    return CheckedSet(problems, built, newest, _plan(ctx, built, newest, requested))


def _lost_figures(live: dict[str, dict[str, str]], built: list[BuiltProcess]) -> list[Problem]:
    """The dashboard's references the deployment would remove from every live process."""
    after = dict(live) | {process.key: process.sources for process in built}

    def pairs(by_key: dict[str, dict[str, str]]) -> set[tuple[str, str]]:
        return {(name, text) for sources in by_key.values() for name, text in sources.items()}

    return lost_references(task_fields(pairs(live)), task_fields(pairs(after)), SHIPPED.figure_references())


def _plan(
    ctx: EngineContext, built: list[BuiltProcess], newest: dict[str, int], requested: frozenset[str]
) -> list[PlannedVersion]:
    keys = [process.key for process in built]
    with ctx.uow() as uow:
        known = set(
            uow.connection.execute(
                select(ProcessVersion.key, ProcessVersion.sha256).where(ProcessVersion.key.in_(keys))
            ).all()
        )
        newest_rows = [(key, newest[key]) for key in keys if key in newest]
        current: dict[str, dict[str, str]] = {}
        if newest_rows:
            rows = uow.connection.execute(
                select(ProcessVersion.key, ProcessVersion.sources).where(
                    tuple_(ProcessVersion.key, ProcessVersion.version).in_(newest_rows)
                )
            )
            current = {key: dict(sources) for key, sources in rows}
    plan = []
    for process in built:
        if (process.key, process.sha256) in known:
            continue
        before = current.get(process.key, {})
        changed = tuple(sorted(name for name, text in process.sources.items() if before.get(name) != text))
        version = newest.get(process.key, 0) + 1
        plan.append(PlannedVersion(process.key, process.name, version, process.key in requested, changed))
    return plan


def store_set(
    ctx: EngineContext,
    checked: CheckedSet,
    actor: Actor | None,
    discard_draft: str | None = None,
    confirmed: Collection[str] = (),
) -> list[Deployed]:
    """Store the builds as new versions; identical content is recognised and not stored twice.

    Refused (Conflict) when another deployment made a newer version of one of these processes
    since the set was checked: storing it would silently undo that deployment; and when it
    would make new versions of processes neither requested nor ``confirmed`` (the callers of
    a changed process): one process is never deployed as a side effect of another.
    ``discard_draft``: the studio draft the files come from, removed with the deployment.
    """
    if not checked.built:
        raise InvalidProcess(checked.problems)
    unconfirmed = [planned for planned in checked.unrequested if planned.key not in confirmed]
    if unconfirmed:
        raise Conflict(
            Message(
                "deploying these files also makes new versions of %(processes)s; confirm them to deploy",
                processes=", ".join(f"{planned.key} v{planned.version}" for planned in unconfirmed),
            )
        )
    with ctx.uow(write=True) as uow:
        session = uow.session
        results = []
        for process in checked.built:
            latest = session.scalar(select(func.max(ProcessVersion.version)).where(ProcessVersion.key == process.key))
            if latest != checked.newest.get(process.key):
                raise Conflict(
                    Message("%(process)s was deployed by someone else meanwhile; check again", process=process.key)
                )
            existing = session.scalar(
                select(ProcessVersion).where(ProcessVersion.key == process.key, ProcessVersion.sha256 == process.sha256)
            )
            if existing is not None:
                results.append(Deployed(process.key, existing.version, existing.sha256, False))
                continue
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
                script_hashes=process.script_hashes,
                originals={name: base64.b64encode(data).decode("ascii") for name, data in process.originals.items()},
                deployed_by_id=actor.user_id if actor else None,
            )
            session.add(version)
            results.append(Deployed(process.key, version.version, process.sha256, True))
        if discard_draft is not None:
            session.execute(delete(ProcessDraft).where(ProcessDraft.key == discard_draft))
        uow.commit()
    return results


def read_directory(path: Path) -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.suffix in DIAGRAM_SUFFIXES}
    if not files:
        raise NotFound(Message("no .bpmn or .dmn files in %(path)s", path=path))
    return files


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
    name: str


_VERSIONS = table_of(ProcessVersion)


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


MAX_FILES = 50
