"""Who may see what: the rules every entry point (web pages, API, CLI) shares."""

from __future__ import annotations

from engine.context import Actor
from engine.errors import NotAllowed
from engine.roles import ROLES

# Customers act through portal links, never through staff views of cases.
STAFF_ROLES = frozenset(role.id for role in ROLES if role.id != "customer")


def require_staff(actor: Actor) -> None:
    if not actor.roles & STAFF_ROLES:
        raise NotAllowed("this needs a staff role")
