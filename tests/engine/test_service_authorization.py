"""Every public service, as every role: refused exactly when the role lacks the service's permission.

The route matrix (tests/webapp/test_authorization_matrix.py) covers HTTP; this covers the
service API itself, which the command line, the demo loader, the worker and future views call.
The services run against a database that cannot be opened: a refusal proves the check comes
before any read or write, and an allowed role gets past the check to the database (or to a
check of its input) and never sees the permission's refusal.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import date
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import engine.services
from engine.domain.actors import SYSTEM_ROLE
from engine.domain.actors import Actor
from engine.domain.authz import GRANTS
from engine.domain.authz import REFUSALS
from engine.domain.authz import Permission
from engine.domain.config import EngineConfig
from engine.domain.errors import NotAllowed
from engine.domain.periods import Period
from engine.domain.roles import ROLES
from engine.services.approvals import ApprovalFilter
from engine.services.case_views import CaseFilter
from engine.services.inbox import InboxFilter
from engine.store.context import EngineContext

P = Permission
MONTH = Period(date(2026, 11, 1), date(2026, 11, 30), ZoneInfo("Asia/Shanghai"))
NOW = datetime(2026, 11, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
BPMN = {"a.bpmn": b"<definitions/>"}

# "module.function": (the permission it needs, its arguments after ctx and actor)
SERVICES: dict[str, tuple[Permission, tuple[Any, ...]]] = {
    "approvals.list_approvals": (P.READ_QUALITY, (ApprovalFilter(MONTH),)),
    "audit.export_trail": (P.READ_CASES, ("SR-2026-000001",)),
    "audit.checkpoint_problems": (P.VERIFY_AUDIT, ()),
    "audit.rotate_key": (P.VERIFY_AUDIT, ()),
    "audit.verify_all": (P.VERIFY_AUDIT, (None,)),
    "audit.write_checkpoint": (P.VERIFY_AUDIT, ()),
    "breaches.list_breaches": (P.READ_QUALITY, (MONTH,)),
    "calendar_days.calendar_warnings": (P.MANAGE_CALENDAR, (date(2026, 11, 3),)),
    "calendar_days.set_day": (P.MANAGE_CALENDAR, (date(2027, 1, 1), False, "New Year")),
    "service_settings.current_settings": (P.MANAGE_SETTINGS, ()),
    "service_settings.save_settings": (P.MANAGE_SETTINGS, ({}, "why", 0)),
    "service_settings.settings_history": (P.MANAGE_SETTINGS, ()),
    "fees.current_fees": (P.MANAGE_FEES, ()),
    "fees.save_fees": (P.MANAGE_FEES, ({}, "why", 0)),
    "fees.fee_history": (P.MANAGE_FEES, ()),
    "parts.parts_overview": (P.READ_PARTS, ()),
    "parts.part_ledger": (P.READ_PARTS, ("P-1",)),
    "case_notes.add_attachment": (P.ANNOTATE_CASES, (1, "a.pdf", b"%PDF-1.4 x")),
    "case_notes.add_comment": (P.ANNOTATE_CASES, (1, "a comment")),
    "case_notes.attachment": (P.READ_CASES, (1, 1)),
    "case_notes.preview": (P.READ_CASES, (1, 1)),
    "case_views.case_detail": (P.READ_CASES, (1,)),
    "case_views.case_page": (P.READ_CASES, (1,)),
    "case_views.case_list": (P.READ_CASES, (CaseFilter(),)),
    "case_views.list_cases": (P.READ_CASES, ()),
    "cases.cancel_case": (P.CANCEL_CASES, (1, "withdrawn")),
    "cases.get_case": (P.READ_CASES, (1,)),
    "cases.start_case": (P.START_CASES, ("service_request", {})),
    "inbox.counts": (P.WORK_TASKS, ()),
    "inbox.inbox": (P.WORK_TASKS, (InboxFilter(),)),
    "inbox.reassign": (P.REASSIGN_TASKS, (1, "someone")),
    "inbox.release": (P.REASSIGN_TASKS, (1,)),
    "inbox.team_board": (P.REASSIGN_TASKS, ()),
    "inbox.save_draft": (P.WORK_TASKS, (1, {"x": "y"})),
    "installation.init_database": (P.INSTALL, ()),
    "kpis.cases_of": (P.READ_QUALITY, ([1],)),
    "kpis.dashboard": (P.READ_QUALITY, (MONTH,)),
    "kpis.diagram_keys": (P.READ_QUALITY, ()),
    "kpis.live_diagram": (P.READ_QUALITY, ("service_request",)),
    "kpis.waiting_by_step": (P.READ_QUALITY, ("service_request", MONTH)),
    "migration.migrate_cases": (P.MANAGE_PROCESSES, ("service_request", 2, [1])),
    "migration.preview_migration": (P.MANAGE_PROCESSES, ("service_request", 2)),
    "process_drafts.create_process": (P.MANAGE_PROCESSES, ("new_process", "New")),
    "process_drafts.deploy_workspace": (P.MANAGE_PROCESSES, ("service_request", {"a.bpmn": "<definitions/>"})),
    "process_drafts.discard_draft": (P.MANAGE_PROCESSES, ("service_request",)),
    "process_drafts.open_workspace": (P.MANAGE_PROCESSES, ("service_request",)),
    "process_drafts.save_draft": (P.MANAGE_PROCESSES, ("service_request", {"a.bpmn": "<definitions/>"}, 0)),
    "processes.compare_versions": (P.MANAGE_PROCESSES, ("service_request", 1, 2)),
    "processes.deploy_files": (P.MANAGE_PROCESSES, (BPMN,)),
    "processes.list_startable": (P.START_CASES, ()),
    "processes.load_directory": (P.MANAGE_PROCESSES, (Path(__file__).resolve().parents[2] / "processes",)),
    "processes.original_upload": (P.MANAGE_PROCESSES, ("service_request", 1, "service_request.bpmn")),
    "processes.overview": (P.MANAGE_PROCESSES, ()),
    "processes.process_xml": (P.MANAGE_PROCESSES, ("service_request", 1)),
    "processes.source_file": (P.MANAGE_PROCESSES, ("service_request", 1, "service_request.bpmn")),
    "processes.validate_upload": (P.MANAGE_PROCESSES, (BPMN,)),
    "processes.version_sources": (P.MANAGE_PROCESSES, ("service_request", 1)),
    "products.customer_archive": (P.READ_ARCHIVE, ("东方机械",)),
    "customers.list_customers": (P.READ_CUSTOMERS, (None, None, 1)),
    "printed_forms.forms_of_case": (P.READ_CASES, (1,)),
    "care.care_calendar": (P.READ_CUSTOMERS, ()),
    "cases.start_care_cases": (P.RUN_TIMERS, ()),
    "printed_forms.print_form": (P.READ_CASES, (1, "service_report")),
    "printed_forms.form_wordings": (P.MANAGE_FORMS, ()),
    "printed_forms.form_wording": (P.MANAGE_FORMS, ("quote",)),
    "printed_forms.preview_form": (P.MANAGE_FORMS, ("quote", "x")),
    "printed_forms.save_form_wording": (P.MANAGE_FORMS, ("quote", "x")),
    "printed_forms.reset_form_wording": (P.MANAGE_FORMS, ("quote",)),
    "customers.customer_file": (P.READ_CUSTOMERS, (1,)),
    "customers.find_callers": (P.READ_CUSTOMERS, ("13800000001",)),
    "customers.save_customer": (P.MANAGE_CUSTOMERS, (None, {"code": "C1", "name": "东方机械", "class": "key"})),
    "customers.add_part": (P.MANAGE_CUSTOMERS, (1, {"contact": "王工"})),
    "customers.remove_part": (P.MANAGE_CUSTOMERS, (1, "contact", 1)),
    "customers.import_customers": (P.MANAGE_CUSTOMERS, ("customers.csv", b"code,name,class\nC1,x,key\n")),
    "products.import_units": (P.IMPORT_PRODUCTS, ("units.csv", b"serial_number\nSN-1\n")),
    "customer_links.issue_tracking_link": (P.SEND_CUSTOMER_LINKS, (1,)),
    "customer_links.withdraw_link": (P.SEND_CUSTOMER_LINKS, (1, 1)),
    "customer_links.issue_task_link": (P.SEND_CUSTOMER_LINKS, (1, 1)),
    "customer_links.link_qr": (P.SEND_CUSTOMER_LINKS, (1, 1)),
    "message_templates.list_templates": (P.MANAGE_NOTIFICATIONS, ()),
    "message_templates.template": (P.MANAGE_NOTIFICATIONS, ("task_landed", "en")),
    "message_templates.preview": (P.MANAGE_NOTIFICATIONS, ("task_landed", "en", "New {{ task }}", "{{ url }}")),
    "message_templates.save_template": (P.MANAGE_NOTIFICATIONS, ("task_landed", "en", "New {{ task }}", "{{ url }}")),
    "message_templates.reset_template": (P.MANAGE_NOTIFICATIONS, ("task_landed", "en")),
    "notifications.unread": (P.READ_NOTICES, ()),
    "notifications.notifications": (P.READ_NOTICES, ("en",)),
    "notifications.mark_all_read": (P.READ_NOTICES, ()),
    "notifications.open_notice": (P.READ_NOTICES, (1,)),
    "notifications.remind": (P.RUN_TIMERS, ()),
    "notifications.dispatch": (P.RUN_TIMERS, ()),
    "notifications.send_digests": (P.RUN_TIMERS, ()),
    "outbox.deliver_due": (P.RUN_TIMERS, ({},)),
    "outbox.list_messages": (P.MANAGE_NOTIFICATIONS, ()),
    "outbox.resend_message": (P.MANAGE_NOTIFICATIONS, (1,)),
    "products.list_units": (P.READ_ARCHIVE, (None, 1)),
    "products.nameplate_qr": (P.READ_ARCHIVE, ("SN-1",)),
    "products.nameplate_sheet": (P.READ_ARCHIVE, (None, 1)),
    "products.unit_archive": (P.READ_ARCHIVE, ("SN-1",)),
    "tasks.claim_task": (P.WORK_TASKS, (1,)),
    "tasks.complete_task": (P.WORK_TASKS, (1, {})),
    "tasks.list_tasks": (P.WORK_TASKS, ()),
    "tasks.task_page": (P.WORK_TASKS, (1,)),
    "tasks.unclaim_task": (P.WORK_TASKS, (1,)),
    "timers.claim": (P.RUN_TIMERS, (1, NOW)),
    "timers.due_case_ids": (P.RUN_TIMERS, (NOW, 10)),
    "timers.fire_case": (P.RUN_TIMERS, (1, NOW)),
    "timers.fire_due_timers": (P.RUN_TIMERS, ()),
    "users.add_user": (P.MANAGE_USERS, ("newcomer", "Newcomer", "a long password", ["engineer"])),
    "users.create_token": (P.MANAGE_USERS, ("someone-else", "cli")),
    "users.create_user": (P.MANAGE_USERS, ("newcomer", ["engineer"])),
    "users.end_sessions": (P.OWN_PROFILE, ()),
    "users.session_epoch": (P.OWN_PROFILE, ()),
    "users.get_user": (P.MANAGE_USERS, (1,)),
    "users.list_users": (P.MANAGE_USERS, ()),
    "users.update_user": (P.MANAGE_USERS, (1, ["engineer"], True)),
    "users.update_contact": (P.MANAGE_USERS, (1, "a@example.com", "")),  # another user's
    "users.change_password": (P.OWN_PROFILE, ("old password", "a new password", "a new password")),
    "users.reset_password": (P.MANAGE_USERS, (1, "temporary-secret", "temporary-secret")),
    "users.list_tokens": (P.MANAGE_USERS, (1,)),  # another user's
    "users.revoke_token": (P.OWN_PROFILE, (1,)),
    "users.must_change_password": (P.OWN_PROFILE, ()),
    "users.own_account": (P.OWN_PROFILE, ()),
}
# Services without an actor, each for a reason: they find out who acts, or nobody does.
WITHOUT_ACTOR = {
    "users.authenticate",  # sign-in: turns a name and password into an actor
    "users.actor_for_token",  # the API's bearer token into an actor
    "users.actor_by_id",  # the web session's user id into an actor
    "installation.healthy",  # the load balancer's health check answers anyone
    "demo_data.load",  # make run's demo loader acts as its own system actor throughout
    "demo_history.load",  # part of it: the dated history, with the demo users
    "customer_links.tracking_view",  # a customer's signed link is their only credential
    "tasks.customer_step",  # … and for their step, the step's link
    "cases.nameplate_unit",  # … and for asking for service, the unit's nameplate code
    "cases.complain_by_link",  # … and for a complaint, the tracking link of the case complained about
    "cases.request_by_nameplate",
    "tasks.complete_by_link",
}
EVERY_ROLE = sorted({role.id for role in ROLES} | {SYSTEM_ROLE})


def public_services() -> dict[str, Callable[..., Any]]:
    found = {}
    for info in pkgutil.iter_modules(engine.services.__path__):
        module = importlib.import_module(f"engine.services.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            first = next(iter(inspect.signature(function).parameters), None)
            if function.__module__ == module.__name__ and not name.startswith("_") and first == "ctx":
                found[f"{info.name}.{name}"] = function
    return found


@pytest.fixture(scope="module")
def unreachable(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A context whose database cannot be opened: any read or write fails at once."""
    missing = tmp_path_factory.mktemp("nowhere") / "no-such-dir" / "aftercare.db"
    context = EngineContext(EngineConfig(database_url=f"sqlite:///{missing}"))
    yield context
    context.dispose()


def test_the_matrix_names_every_public_service() -> None:
    assert sorted(public_services()) == sorted(set(SERVICES) | WITHOUT_ACTOR)


def test_every_permission_is_needed_by_some_service_or_page() -> None:
    used = {permission for permission, _args in SERVICES.values()}
    # New scripts decide what a deploy accepts (tests/webapp/test_process_upload_api.py).
    assert set(Permission) - used == {P.WRITE_SCRIPTS}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_service_refuses_every_role_without_its_permission_before_touching_the_database(
    name: str, unreachable: EngineContext
) -> None:
    permission, args = SERVICES[name]
    function = public_services()[name]
    for role in EVERY_ROLE:
        actor = Actor(7, f"u_{role}", frozenset({role}))
        if role in GRANTS[permission]:
            try:
                function(unreachable, actor, *args)
            except NotAllowed as err:
                assert str(err) != REFUSALS[permission], f"{name} refused {role}"
            except Exception:  # noqa: BLE001, S110 - past the gate: the database or the input said no
                pass
        else:
            with pytest.raises(NotAllowed) as refused:
                function(unreachable, actor, *args)
            assert str(refused.value) == REFUSALS[permission], f"{name} as {role}"


def test_anyone_makes_tokens_for_themselves_and_only_user_administration_for_others(
    unreachable: EngineContext,
) -> None:
    from engine.services import users

    engineer = Actor(7, "li", frozenset({"engineer"}))
    with pytest.raises(NotAllowed):
        users.create_token(unreachable, engineer, "zhang")
    with pytest.raises(Exception) as past_the_gate:
        users.create_token(unreachable, engineer, "li")
    assert not isinstance(past_the_gate.value, NotAllowed)
