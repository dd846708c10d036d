"""Immutable, content-addressed process versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from engine.store.db import Base
from engine.store.db import UTCDateTime
from engine.store.db import utcnow


class ProcessVersion(Base):
    """One deployed version of an executable process, with everything needed to run it.

    ``sources`` holds the BPMN/DMN files the version was built from, ``spec_json`` the parsed
    spec (with called processes and decision tables) that every case of this version references
    instead of embedding. Rows are never updated after insert.
    """

    __tablename__ = "process_versions"
    __table_args__ = (
        UniqueConstraint("key", "version"),
        UniqueConstraint("key", "sha256"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120))  # indexed by the unique (key, version)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    sources: Mapped[dict[str, str]] = mapped_column(JSON, deferred=True)
    spec_json: Mapped[str] = mapped_column(Text, deferred=True)
    serializer_version: Mapped[str] = mapped_column(String(10))
    startable: Mapped[bool] = mapped_column(default=True)
    start_form: Mapped[dict[str, Any]] = mapped_column(JSON, server_default='{"fields": []}')
    starter_roles: Mapped[list[str]] = mapped_column(JSON, server_default='["service_desk"]')
    # SHA-256 of every script in ``sources``: what non-admin owners may redeploy unchanged.
    script_hashes: Mapped[list[str]] = mapped_column(JSON, server_default="[]")
    # Sources uploaded in another encoding, as their original bytes (base64), by file name.
    originals: Mapped[dict[str, str]] = mapped_column(JSON, server_default="{}", deferred=True)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ProcessDraft(Base):
    """Unfinished edits of a process in the studio: the whole file set, saved without deploying.

    One draft per process key, shared by its owners; ``revision`` goes up with every save so
    that an owner saving over a colleague's newer save is told instead of overwriting it.
    """

    __tablename__ = "process_drafts"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    files: Mapped[dict[str, str]] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
