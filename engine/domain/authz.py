"""Who may see what: the rules every entry point (web pages, API, CLI) shares."""

from __future__ import annotations

from engine.domain.actors import Actor
from engine.domain.errors import NotAllowed
from engine.domain.messages import Message
from engine.domain.roles import ROLES

# Customers act through portal links, never through staff views of cases.
STAFF_ROLES = frozenset(role.id for role in ROLES if role.id != "customer")


# Steps of the customer (confirm a quote, sign the feedback form, rate the service) may be
# done by the service desk on the customer's behalf, e.g. over the phone (SPEC roles table).
ON_BEHALF = {"customer": "service_desk"}


def working_roles(actor: Actor) -> frozenset[str]:
    """The actor's roles plus those it may act for."""
    return actor.roles | {role for role, proxy in ON_BEHALF.items() if proxy in actor.roles}


def acting_for(actor: Actor, task_roles: list[str]) -> str | None:
    """The role the actor stands in for on a task open to ``task_roles``, if not its own."""
    if actor.roles.intersection(task_roles):
        return None
    return next((role for role in task_roles if ON_BEHALF.get(role) in actor.roles), None)


# Roles that hand tasks to colleagues: dispatch, the case-owning quality office, managers.
SUPERVISOR_ROLES = frozenset({"dispatcher", "quality_office", "quality_manager", "general_manager", "admin"})


def require_staff(actor: Actor) -> None:
    if not actor.roles & STAFF_ROLES:
        raise NotAllowed(Message("this needs a staff role"))


# The quality manager answers for approvals, deadlines and ratings; managers and
# administrators may read what the quality manager sees (SPEC "Records and figures").
QUALITY_READERS = frozenset({"quality_manager", "general_manager", "division_head", "admin"})


def require_quality_reader(actor: Actor) -> None:
    if not actor.roles & QUALITY_READERS:
        raise NotAllowed(Message("this needs the quality_manager, general_manager, division_head or admin role"))
