"""Who may do what: the one table every service, page, API route and command reads.

A service names the permission it needs (``require(actor, Permission.X)``) before it reads or
writes anything; templates ask ``can(actor, "x")``. Rules that depend on the data (a task open
to the actor's role, separation of duties, a process's starter roles) are checked by the
service after this gate, never instead of it.
"""

from __future__ import annotations

from enum import StrEnum

from engine.domain.actors import SYSTEM_ROLE as SYSTEM
from engine.domain.actors import Actor
from engine.domain.errors import NotAllowed
from engine.domain.messages import Message
from engine.domain.roles import ROLES


class Permission(StrEnum):
    WORK_TASKS = "work_tasks"  # see the inbox, open, claim, draft and complete tasks
    READ_CASES = "read_cases"  # case lists, case pages, diagrams, comments, attachments, trails
    ANNOTATE_CASES = "annotate_cases"  # comment on a case, attach files
    START_CASES = "start_cases"  # see the start forms (each process also names its starters)
    CANCEL_CASES = "cancel_cases"
    REASSIGN_TASKS = "reassign_tasks"  # hand a task to a colleague
    MANAGE_PROCESSES = "manage_processes"  # studio: validate, draft, deploy, compare, migrate
    WRITE_SCRIPTS = "write_scripts"  # deploy new or changed script tasks (Python run by the engine)
    READ_QUALITY = "read_quality"  # dashboard, registers
    READ_ARCHIVE = "read_archive"  # the product archive: delivered units, their cases, customers
    IMPORT_PRODUCTS = "import_products"
    MANAGE_USERS = "manage_users"  # accounts, roles, other people's tokens
    MANAGE_CALENDAR = "manage_calendar"  # working-day overrides
    MANAGE_SETTINGS = "manage_settings"  # the service settings: promises, targets, penalties
    VERIFY_AUDIT = "verify_audit"  # check every case's chain (the command line, admins)
    RUN_TIMERS = "run_timers"  # the timer worker
    OWN_PROFILE = "own_profile"  # one's own profile and API tokens
    INSTALL = "install"  # create or upgrade the schema and the roles (aftercare init-db)
    SEND_CUSTOMER_LINKS = "send_customer_links"  # give a customer a link to their case, or withdraw it
    MANAGE_NOTIFICATIONS = "manage_notifications"  # the outbox and the message templates
    READ_NOTICES = "read_notices"  # one's own notifications (the bell) and how to receive them
    READ_CUSTOMERS = "read_customers"  # the customer master: companies, sites, contacts, agreements
    MANAGE_CUSTOMERS = "manage_customers"  # add, change and import customers and their agreements
    MANAGE_FORMS = "manage_forms"  # the wording of the printed forms
    MANAGE_FEES = "manage_fees"  # the fee table and the parts price list (S2 2.5: finance prices)
    READ_PARTS = "read_parts"  # the parts ledger: loans, accounts, re-inspections, stock moves


# Customers act through signed links, never through staff views of cases.
STAFF_ROLES = frozenset(role.id for role in ROLES if role.id != "customer")
# Roles that hand tasks to colleagues: dispatch, the case-owning quality office, managers.
SUPERVISOR_ROLES = frozenset({"dispatcher", "quality_office", "quality_manager", "general_manager", "admin"})
# The quality manager answers for approvals, deadlines and ratings; managers and
# administrators may read what the quality manager sees (SPEC "Records and figures").
# Whose tasks each supervising role oversees on the team board (and may hand over or release):
# the dispatcher its engineers; the quality office, which owns the cases, everyone who works
# them; managers and administrators everything.
_CASE_WORKERS = STAFF_ROLES - {"process_owner", "admin", "quality_manager", "division_head", "general_manager"}
SUPERVISES: dict[str, frozenset[str]] = {
    "dispatcher": frozenset({"dispatcher", "engineer"}),
    "quality_office": _CASE_WORKERS | {"customer"},
    "quality_manager": frozenset(role.id for role in ROLES),
    "general_manager": frozenset(role.id for role in ROLES),
    "admin": frozenset(role.id for role in ROLES),
}
QUALITY_READERS = frozenset({"quality_manager", "general_manager", "division_head", "admin"})
# The warranty check needs the archive: the quality office and the desk read it too.
ARCHIVE_READERS = QUALITY_READERS | {"quality_office", "service_desk"}
# The parts ledger: the warehouse keeps the stock, the quality office the loans and
# re-inspections (S2 11.4–11.5), finance the paid parts; and their managers.
PARTS_READERS = QUALITY_READERS | {"warehouse", "quality_office", "finance"}
PROCESS_OWNERS = frozenset({"process_owner", "admin"})
ADMINS = frozenset({"admin"})
# Who keeps customer records: the desk takes the calls, sales signs the agreements, the quality
# office keeps the archive (S2 9.1), and their managers.
CUSTOMER_KEEPERS = frozenset({"service_desk", "sales", "quality_office", "quality_manager", "admin"})

GRANTS: dict[Permission, frozenset[str]] = {
    Permission.WORK_TASKS: STAFF_ROLES,
    Permission.READ_CASES: STAFF_ROLES | {SYSTEM},
    Permission.ANNOTATE_CASES: STAFF_ROLES,
    Permission.START_CASES: STAFF_ROLES,
    Permission.CANCEL_CASES: SUPERVISOR_ROLES | {SYSTEM},
    Permission.REASSIGN_TASKS: SUPERVISOR_ROLES,
    Permission.MANAGE_PROCESSES: PROCESS_OWNERS | {SYSTEM},
    Permission.WRITE_SCRIPTS: ADMINS | {SYSTEM},
    Permission.READ_QUALITY: QUALITY_READERS,
    Permission.READ_ARCHIVE: ARCHIVE_READERS,
    Permission.IMPORT_PRODUCTS: frozenset({"quality_manager", "admin", SYSTEM}),
    Permission.MANAGE_USERS: ADMINS | {SYSTEM},
    Permission.MANAGE_CALENDAR: ADMINS | {SYSTEM},
    Permission.MANAGE_SETTINGS: PROCESS_OWNERS | {SYSTEM},
    Permission.VERIFY_AUDIT: ADMINS | {SYSTEM},
    Permission.RUN_TIMERS: frozenset({SYSTEM}),
    Permission.OWN_PROFILE: frozenset(role.id for role in ROLES),
    Permission.INSTALL: frozenset({SYSTEM}),
    Permission.SEND_CUSTOMER_LINKS: STAFF_ROLES,
    Permission.MANAGE_NOTIFICATIONS: ADMINS | {SYSTEM},
    Permission.READ_NOTICES: STAFF_ROLES,
    Permission.READ_CUSTOMERS: STAFF_ROLES | {SYSTEM},
    Permission.MANAGE_CUSTOMERS: CUSTOMER_KEEPERS | {SYSTEM},
    Permission.MANAGE_FORMS: ADMINS | {SYSTEM},
    Permission.MANAGE_FEES: ADMINS | {"finance", SYSTEM},
    Permission.READ_PARTS: PARTS_READERS,
}

REFUSALS: dict[Permission, Message] = {
    Permission.WORK_TASKS: Message("this needs a staff role"),
    Permission.READ_CASES: Message("this needs a staff role"),
    Permission.ANNOTATE_CASES: Message("this needs a staff role"),
    Permission.START_CASES: Message("this needs a staff role"),
    Permission.CANCEL_CASES: Message("cancelling cases needs a supervising role"),
    Permission.REASSIGN_TASKS: Message("reassigning tasks needs a supervising role"),
    Permission.MANAGE_PROCESSES: Message("changing processes needs the process_owner or admin role"),
    Permission.WRITE_SCRIPTS: Message("script tasks may only be written or changed by an administrator"),
    Permission.READ_QUALITY: Message("this needs the quality_manager, general_manager, division_head or admin role"),
    Permission.READ_ARCHIVE: Message(
        "the product archive is read by the quality office, the service desk and managers"
    ),
    Permission.IMPORT_PRODUCTS: Message("importing products needs the quality_manager or admin role"),
    Permission.MANAGE_USERS: Message("user administration needs the admin role"),
    Permission.MANAGE_CALENDAR: Message("the working calendar is kept by administrators"),
    Permission.MANAGE_SETTINGS: Message("the service settings are kept by process owners and administrators"),
    Permission.VERIFY_AUDIT: Message("checking every audit chain needs the admin role"),
    Permission.RUN_TIMERS: Message("only the timer worker fires timers"),
    Permission.OWN_PROFILE: Message("sign in first"),
    Permission.INSTALL: Message("the schema is set up from the command line (aftercare init-db)"),
    Permission.SEND_CUSTOMER_LINKS: Message("this needs a staff role"),
    Permission.MANAGE_NOTIFICATIONS: Message("the outbox and the message templates are kept by administrators"),
    Permission.READ_NOTICES: Message("this needs a staff role"),
    Permission.READ_CUSTOMERS: Message("this needs a staff role"),
    Permission.MANAGE_CUSTOMERS: Message(
        "customer records are kept by the service desk, sales, the quality office and administrators"
    ),
    Permission.MANAGE_FORMS: Message("the printed forms are worded by administrators"),
    Permission.MANAGE_FEES: Message("the fee table is kept by finance and administrators"),
    Permission.READ_PARTS: Message(
        "the parts ledger is read by the warehouse, the quality office, finance and managers"
    ),
}


def can(actor: Actor, permission: Permission | str) -> bool:
    return bool(actor.roles & GRANTS[Permission(permission)])


def require(actor: Actor, permission: Permission) -> None:
    """Refuse (NotAllowed) unless the actor holds ``permission``; call it before any read or write."""
    if not can(actor, permission):
        raise NotAllowed(REFUSALS[permission])


# Steps of the customer (confirm a quote, sign the feedback form, rate the service) may be
# done by the service desk on the customer's behalf, e.g. over the phone (SPEC roles table).
ON_BEHALF = {"customer": "service_desk"}


def working_roles(actor: Actor) -> frozenset[str]:
    """The actor's roles plus those it may act for."""
    return actor.roles | {role for role, proxy in ON_BEHALF.items() if proxy in actor.roles}


def supervised_roles(actor: Actor) -> frozenset[str]:
    """The roles whose open tasks the actor oversees ({} for someone who supervises nobody)."""
    return frozenset().union(*(SUPERVISES.get(role, frozenset()) for role in actor.roles))


def roles_that_may_work(task_roles: list[str] | frozenset[str]) -> frozenset[str]:
    """The roles whose holders may work on a task open to ``task_roles`` (with their proxies)."""
    return frozenset(task_roles) | {ON_BEHALF[role] for role in task_roles if role in ON_BEHALF}


def acting_for(actor: Actor, task_roles: list[str]) -> str | None:
    """The role the actor stands in for on a task open to ``task_roles``, if not its own."""
    if actor.roles.intersection(task_roles):
        return None
    return next((role for role in task_roles if ON_BEHALF.get(role) in actor.roles), None)
