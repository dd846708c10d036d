"""Accounts, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy import update
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from engine.context import Actor
from engine.context import EngineContext
from engine.db import utcnow
from engine.errors import InvalidData
from engine.errors import NotFound
from engine.models import ApiToken
from engine.models import Role
from engine.models import User
from engine.roles import ROLES


def seed_roles(ctx: EngineContext) -> int:
    """Insert SPEC's roles that are missing; return how many were added."""
    with ctx.uow(write=True) as uow:
        known = set(uow.session.scalars(select(Role.id)))
        added = [Role(id=r.id, name_zh=r.name_zh, name_en=r.name_en) for r in ROLES if r.id not in known]
        uow.session.add_all(added)
        uow.commit()
    ctx.forget_reference_data()
    return len(added)


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.username, user.role_ids)


def create_user(
    ctx: EngineContext,
    username: str,
    roles: Iterable[str],
    password: str | None = None,
    display_name: str | None = None,
) -> Actor:
    with ctx.uow(write=True) as uow:
        session = uow.session
        if session.scalar(select(User).where(User.username == username)) is not None:
            raise InvalidData({"username": f"user '{username}' already exists"})
        wanted = set(roles)
        found = list(session.scalars(select(Role).where(Role.id.in_(wanted))))
        unknown = wanted - {role.id for role in found}
        if unknown:
            raise InvalidData({"role": f"unknown role(s): {', '.join(sorted(unknown))}"})
        user = User(
            username=username,
            display_name=display_name or username,
            password_hash=generate_password_hash(password, method="scrypt") if password else None,
            roles=found,
        )
        session.add(user)
        uow.commit()
        return actor_of(user)


def authenticate(ctx: EngineContext, username: str, password: str) -> Actor | None:
    with ctx.uow() as uow:
        user = uow.session.scalar(select(User).where(User.username == username, User.active.is_(True)))
        if user is None or not user.password_hash or not check_password_hash(user.password_hash, password):
            return None
        return actor_of(user)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(ctx: EngineContext, username: str, name: str = "cli") -> str:
    """Make a bearer token for ``username``; only its hash is stored, so show it once."""
    token = secrets.token_urlsafe(32)
    with ctx.uow(write=True) as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"user '{username}' does not exist")
        uow.session.add(ApiToken(user_id=user.id, name=name, token_hash=_token_hash(token)))
        uow.commit()
    return token


TOKEN_USE_RESOLUTION = timedelta(minutes=5)


def actor_for_token(ctx: EngineContext, token: str) -> Actor | None:
    """The active user a bearer token belongs to; ``last_used_at`` is kept to within 5 minutes."""
    with ctx.uow() as uow:
        row = uow.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
        if row is None or not row.user.active:
            return None
        actor, stale = (
            actor_of(row.user),
            row.last_used_at is None or row.last_used_at < utcnow() - TOKEN_USE_RESOLUTION,
        )
        token_id = row.id
    if stale:
        with ctx.uow(write=True) as uow:
            uow.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow()))
            uow.commit()
    return actor


def actor_by_id(ctx: EngineContext, user_id: int) -> Actor | None:
    """The signed-in user of a web session, or None when deactivated or gone."""
    with ctx.uow() as uow:
        user = uow.session.get(User, user_id)
        return actor_of(user) if user is not None and user.active else None
