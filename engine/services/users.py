"""Accounts, roles and API tokens."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import InvalidData
from engine.domain.errors import NotFound
from engine.domain.message_templates import LANGUAGES
from engine.domain.messages import Message
from engine.domain.staff_notices import EMAIL_CHOICES
from engine.domain.staff_notices import EMAIL_OFF
from engine.domain.staff_notices import SMS_CHOICES
from engine.domain.staff_notices import SMS_OFF
from engine.domain.staff_notices import SMS_URGENT
from engine.domain.text_messages import mobile_number
from engine.store.context import EngineContext
from engine.store.db import utcnow
from engine.store.models import ApiToken
from engine.store.models import Role
from engine.store.models import User


def _actor_of(user: User) -> Actor:
    return Actor(user.id, user.username, user.role_ids)


def create_user(
    ctx: EngineContext,
    actor: Actor,
    username: str,
    roles: Iterable[str],
    password: str | None = None,
    display_name: str | None = None,
) -> Actor:
    """Add an account (the command line, demo data); ``add_user`` is the checked form of the admin page."""
    require(actor, Permission.MANAGE_USERS)
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
        return _actor_of(user)


@functools.cache
def _stand_in_hash() -> str:
    """A hash to check when there is no user, so a wrong name costs as long as a wrong password."""
    return generate_password_hash(secrets.token_urlsafe(16), method="scrypt")


def must_change_password(ctx: EngineContext, actor: Actor) -> bool:
    """After an administrator's reset, the user chooses a new password before anything else."""
    require(actor, Permission.OWN_PROFILE)
    with ctx.uow() as uow:
        return bool(uow.session.scalar(select(User.must_change_password).where(User.id == actor.user_id)))


def authenticate(ctx: EngineContext, username: str, password: str) -> Actor | None:
    with ctx.uow() as uow:
        user = uow.session.scalar(select(User).where(User.username == username, User.active.is_(True)))
        stored = user.password_hash if user is not None and user.password_hash else None
        matches = check_password_hash(stored or _stand_in_hash(), password)
        if user is None or stored is None or not matches:
            return None
        return _actor_of(user)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(ctx: EngineContext, actor: Actor, username: str, name: str = "cli") -> str:
    """Make a bearer token for ``username``; only its hash is stored, so show it once.

    Anyone signed in makes tokens for themselves; only user administration makes them for others.
    """
    require(actor, Permission.OWN_PROFILE if username == actor.username else Permission.MANAGE_USERS)
    token = secrets.token_urlsafe(32)
    with ctx.uow(write=True) as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(Message("user '%(user)s' does not exist", user=username))
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
            _actor_of(row.user),
            row.last_used_at is None or row.last_used_at < utcnow() - TOKEN_USE_RESOLUTION,
        )
        token_id = row.id
    if stale:
        with ctx.uow(write=True) as uow:
            uow.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow()))
            uow.commit()
    return actor


def actor_by_id(ctx: EngineContext, user_id: int, epoch: int) -> Actor | None:
    """The signed-in user of a web session, or None when deactivated, gone or signed out since
    (the session carries the epoch it was signed in under)."""
    with ctx.uow() as uow:
        user = uow.session.get(User, user_id)
        if user is None or not user.active or user.session_epoch != epoch:
            return None
        return _actor_of(user)


def session_epoch(ctx: EngineContext, actor: Actor) -> int:
    """The epoch a new web session of ``actor`` is signed in under."""
    require(actor, Permission.OWN_PROFILE)
    with ctx.uow() as uow:
        return int(uow.session.scalar(select(User.session_epoch).where(User.id == actor.user_id)) or 0)


def end_sessions(ctx: EngineContext, actor: Actor) -> None:
    """Sign ``actor`` out of every web session (API tokens are revoked one by one instead)."""
    require(actor, Permission.OWN_PROFILE)
    with ctx.uow(write=True) as uow:
        uow.session.execute(update(User).where(User.id == actor.user_id).values(session_epoch=User.session_epoch + 1))
        uow.commit()


# -- administration (role admin) --------------------------------------------------------------

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,80}$")
MIN_PASSWORD = 10


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    roles: list[str]
    active: bool
    email: str | None = None
    mobile: str | None = None
    must_change_password: bool = False
    email_notices: str = EMAIL_OFF
    language: str = LANGUAGES[0]
    sms_notices: str = SMS_OFF


def _info(user: User) -> UserInfo:
    return UserInfo(
        user.id,
        user.username,
        user.display_name,
        sorted(user.role_ids),
        user.active,
        user.email,
        user.mobile,
        user.must_change_password,
        user.email_notices,
        user.language,
        user.sms_notices,
    )


def list_users(ctx: EngineContext, actor: Actor) -> list[UserInfo]:
    require(actor, Permission.MANAGE_USERS)
    with ctx.uow() as uow:
        return [_info(user) for user in uow.session.scalars(select(User).order_by(User.username))]


def get_user(ctx: EngineContext, actor: Actor, user_id: int) -> UserInfo:
    require(actor, Permission.MANAGE_USERS)
    with ctx.uow() as uow:
        return _info(_user(uow.session, user_id))


def own_account(ctx: EngineContext, actor: Actor) -> UserInfo:
    require(actor, Permission.OWN_PROFILE)
    with ctx.uow() as uow:
        return _info(_user(uow.session, int(actor.user_id or 0)))


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(Message("user %(user_id)s does not exist", user_id=user_id))
    return user


EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,}$")
MOBILE = re.compile(r"^\+?[0-9][0-9 -]{4,28}$")


def update_contact(
    ctx: EngineContext,
    actor: Actor,
    user_id: int,
    email: str,
    mobile: str,
    email_notices: str | None = None,
    language: str | None = None,
    sms_notices: str | None = None,
) -> UserInfo:
    """E-mail and mobile number, where notifications go (blank clears one); and, when given, how
    the person hears of their notifications beyond the bell and in which language."""
    require(actor, Permission.OWN_PROFILE if user_id == actor.user_id else Permission.MANAGE_USERS)
    email, mobile = email.strip(), mobile.strip()
    errors: dict[str, str] = {}
    if email and not EMAIL.fullmatch(email):
        errors["email"] = Message("not an e-mail address")
    if mobile and not MOBILE.fullmatch(mobile):
        errors["mobile"] = Message("not a phone number (digits, spaces, dashes, a leading +)")
    if email_notices is not None and email_notices not in EMAIL_CHOICES:
        errors["email_notices"] = Message("choose how you hear of your notifications")
    elif email_notices not in (None, EMAIL_OFF) and not email:
        errors["email"] = Message("notifications by e-mail need an e-mail address")
    if language is not None and language not in LANGUAGES:
        errors["language"] = Message("choose a language")
    if sms_notices is not None and sms_notices not in SMS_CHOICES:
        errors["sms_notices"] = Message("choose whether escalations come as text messages")
    elif sms_notices == SMS_URGENT and not mobile_number(mobile):
        errors["mobile"] = Message("text messages need a mobile number")
    if errors:
        raise InvalidData(errors)
    with ctx.uow(write=True) as uow:
        user = _user(uow.session, user_id)
        user.email, user.mobile = email or None, mobile or None
        if email_notices is not None:
            user.email_notices = email_notices
        if language is not None:
            user.language = language
        if sms_notices is not None:
            user.sms_notices = sms_notices
        uow.commit()
        return _info(user)


def change_password(ctx: EngineContext, actor: Actor, current: str, new: str, repeated: str) -> int:
    """Set one's own password after proving the current one; every other session of the user
    ends, and the epoch returned keeps the one it was changed in signed in."""
    require(actor, Permission.OWN_PROFILE)
    errors: dict[str, str] = {}
    with ctx.uow(write=True) as uow:
        user = _user(uow.session, int(actor.user_id or 0))
        if not user.password_hash or not check_password_hash(user.password_hash, current):
            errors["current"] = Message("this is not your current password")
        errors.update(_password_problems(new, repeated))
        if not errors and current == new:
            errors["new"] = Message("choose a password different from the current one")
        if errors:
            raise InvalidData(errors)
        user.password_hash = generate_password_hash(new, method="scrypt")
        user.must_change_password = False
        user.session_epoch += 1
        uow.commit()
        return user.session_epoch


def reset_password(ctx: EngineContext, actor: Actor, user_id: int, temporary: str, repeated: str) -> UserInfo:
    """An administrator sets a temporary password: the user is signed out everywhere and must
    choose a new one at the next sign-in."""
    require(actor, Permission.MANAGE_USERS)
    errors = _password_problems(temporary, repeated)
    if errors:
        raise InvalidData(errors)
    with ctx.uow(write=True) as uow:
        user = _user(uow.session, user_id)
        user.password_hash = generate_password_hash(temporary, method="scrypt")
        user.must_change_password = user_id != actor.user_id
        user.session_epoch += 1
        uow.commit()
        return _info(user)


def _password_problems(new: str, repeated: str) -> dict[str, str]:
    if len(new) < MIN_PASSWORD:
        return {"new": Message("at least %(count)s characters", count=MIN_PASSWORD)}
    if len(new) > 200:
        return {"new": Message("at most %(count)s characters", count=200)}
    if new != repeated:
        return {"repeated": Message("the two passwords differ")}
    return {}


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


def list_tokens(ctx: EngineContext, actor: Actor, user_id: int) -> list[TokenInfo]:
    """A user's API tokens (never the tokens themselves: only their hashes are kept)."""
    require(actor, Permission.OWN_PROFILE if user_id == actor.user_id else Permission.MANAGE_USERS)
    with ctx.uow() as uow:
        rows = uow.session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id))
        return [TokenInfo(row.id, row.name, row.created_at, row.last_used_at) for row in rows]


def revoke_token(ctx: EngineContext, actor: Actor, token_id: int) -> str:
    """Delete a token; programs using it are refused from the next request on. Returns its name."""
    require(actor, Permission.OWN_PROFILE)
    with ctx.uow(write=True) as uow:
        row = uow.session.get(ApiToken, token_id)
        if row is None:
            raise NotFound(Message("token %(token_id)s does not exist", token_id=token_id))
        if row.user_id != actor.user_id:
            require(actor, Permission.MANAGE_USERS)
        name = row.name
        uow.session.delete(row)
        uow.commit()
        return name


def add_user(
    ctx: EngineContext, actor: Actor, username: str, display_name: str, password: str, roles: list[str]
) -> UserInfo:
    """An admin creates a user; every problem is reported per field."""
    require(actor, Permission.MANAGE_USERS)
    errors: dict[str, str] = {}
    if not USERNAME.fullmatch(username):
        errors["username"] = Message("2 to 80 letters, digits, dots, dashes or underscores")
    if len(password) < MIN_PASSWORD:
        errors["password"] = Message("at least %(count)s characters", count=MIN_PASSWORD)
    if not roles:
        errors["roles"] = Message("choose at least one role")
    if len(display_name) > 120 or "\x00" in display_name:
        errors["display_name"] = Message("must be at most 200 characters, without NUL")
    if errors:
        raise InvalidData(errors)
    try:
        created = create_user(ctx, actor, username, roles, password, display_name or username)
    except InvalidData as err:
        raise InvalidData({("roles" if key == "role" else key): value for key, value in err.errors.items()}) from err
    return get_user(ctx, actor, int(created.user_id or 0))


def update_user(ctx: EngineContext, actor: Actor, user_id: int, roles: list[str], active: bool) -> UserInfo:
    """Set a user's roles and whether they may sign in; an admin cannot lock themselves out."""
    require(actor, Permission.MANAGE_USERS)
    if user_id == actor.user_id and (not active or "admin" not in roles):
        raise InvalidData({"roles": Message("you cannot remove your own admin role or deactivate yourself")})
    if not roles:
        raise InvalidData({"roles": Message("choose at least one role")})
    with ctx.uow(write=True) as uow:
        session = uow.session
        user = _user(session, user_id)
        found = list(session.scalars(select(Role).where(Role.id.in_(set(roles)))))
        if len(found) != len(set(roles)):
            raise InvalidData({"roles": Message("unknown role")})
        user.roles = found
        user.active = active
        uow.commit()
    return get_user(ctx, actor, user_id)
