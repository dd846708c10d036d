"""The shipped processes and one person per role: what scenario tests start from.

Building that takes about a tenth of a second per test (storing eight processes, fourteen
accounts); the suite builds it once per run and worker into a template database
(tests/conftest.py ``staffed_template``), and each test that asks for ``staff`` gets a copy.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy import update

from engine.domain.actors import Actor
from engine.services import users
from engine.store.context import EngineContext
from engine.store.models import User
from engine.store.process_versions import CheckedSet
from engine.store.process_versions import check_set
from engine.store.process_versions import read_directory
from engine.store.process_versions import store_set
from tests.actors import SYSTEM

ROOT = Path(__file__).resolve().parents[1]
PROCESSES = ROOT / "processes"
# Customers have no staff login: the service desk does their steps on their behalf.
ROLES = (
    "service_desk",
    "quality_office",
    "tech_support",
    "dispatcher",
    "engineer",
    "workshop",
    "inspector",
    "purchasing",
    "warehouse",
    "sales",
    "finance",
    "quality_manager",
    "division_head",
    "general_manager",
)
# The staff of a scenario by name: one account per role, named after it, and a second engineer.
STAFF = {**{role: (role, role) for role in ROLES}, "engineer_wang": ("wang", "engineer")}

_SHIPPED: list[CheckedSet] = []  # the shipped set, checked and built once per run


def deploy_shipped(ctx: EngineContext) -> None:
    """The shipped processes deployed into a fresh database, as ``load-processes`` does.

    Checking and building the set is the same for every fresh database, so it is done once;
    each database still stores it itself (store_set refuses if that one is not fresh).
    """
    if not _SHIPPED:
        _SHIPPED.append(check_set(ctx, read_directory(PROCESSES), allow_scripts=True))
    store_set(ctx, _SHIPPED[0], SYSTEM)


def add_staff(ctx: EngineContext, password_hash: str) -> None:
    """The accounts of ``STAFF``, each signing in with the fixture password (its hash given)."""
    for username, role in STAFF.values():
        users.create_user(ctx, SYSTEM, username, [role], None)
    with ctx.uow(write=True) as uow:
        usernames = [username for username, _ in STAFF.values()]
        uow.connection.execute(update(User).where(User.username.in_(usernames)).values(password_hash=password_hash))
        uow.commit()


def staff_of(ctx: EngineContext) -> dict[str, Actor]:
    """The actors of ``STAFF`` as stored in this database."""
    with ctx.uow() as uow:
        found = {user.username: user for user in uow.session.scalars(select(User))}
        return {
            name: Actor(found[username].id, username, found[username].role_ids) for name, (username, _) in STAFF.items()
        }
