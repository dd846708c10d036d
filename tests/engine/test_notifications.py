"""The staff's notifications (issue 15): a task lands with whoever may take it, a handed task
with its new holder, a case's new status with whoever opened it; the worker reminds before
the due time, tells the holder when it passes, escalates to the role's supervisor after the
configured delay (at any hour), reports declared breaches to the register's keepers, and
e-mails each person as they chose: each event (held back outside working time) or a digest."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy import update

from engine.domain.actors import Actor
from engine.domain.errors import InvalidData
from engine.domain.staff_notices import supervisor_of
from engine.domain.staff_notices import told_roles
from engine.domain.text_messages import SmsGateway
from engine.services import cases
from engine.services import inbox
from engine.services import notifications
from engine.services import service_settings
from engine.services import tasks
from engine.services import timers
from engine.services import users
from engine.store.models import OutboxMessage
from engine.store.models import User
from engine.store.models import WorkItem
from tests import diagrams
from tests.priced import QUOTE_300
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import OUT_OF_WARRANTY
from tests.processes.journeys import to_solution

WORKER = timers.TIMER_ACTOR
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tuesday 3 November 2026 (a working day), in Shanghai time.
MORNING = datetime(2026, 11, 3, 9, 0, tzinfo=SHANGHAI)


def subjects(ctx: Any, actor: Any, language: str = "en") -> list[str]:
    return [n.subject for n in notifications.notifications(ctx, actor, language).items]


def set_due(ctx: Any, item_id: int, due: datetime) -> None:
    with ctx.uow(write=True) as uow:
        uow.connection.execute(update(WorkItem).where(WorkItem.id == item_id).values(due_at=due))
        uow.commit()


def outbox_rows(ctx: Any) -> list[OutboxMessage]:
    with ctx.uow() as uow:
        return list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.fixture
def team(ctx, make_user, deploy):
    deploy({"two_steps.bpmn": diagrams.linear()})
    people = {
        "desk": make_user("desk", "service_desk"),
        "desk2": make_user("desk2", "service_desk"),
        "office": make_user("office", "quality_office"),
        "engineer": make_user("engineer", "engineer"),
        "dispatcher": make_user("dispatcher", "dispatcher"),
        "manager": make_user("manager", "quality_manager"),
    }
    with ctx.uow(write=True) as uow:  # they joined before the days the tests travel to
        uow.connection.execute(update(User).values(created_at=datetime(2026, 1, 5, tzinfo=UTC)))
        uow.commit()
    return people


def open_case(ctx, team):
    return cases.start_case(ctx, team["desk"], "two_steps", {})


def test_escalation_reaches_the_narrowest_supervisor_and_customer_steps_are_chased_by_the_desk() -> None:
    assert supervisor_of("engineer") == "dispatcher"
    assert supervisor_of("service_desk") == "quality_office"
    assert supervisor_of("dispatcher") == "quality_office"
    assert supervisor_of("quality_office") == "quality_manager"
    assert told_roles(["customer"]) == []  # the customer gets their own link
    assert told_roles(["customer"], reminder=True) == ["service_desk"]


def test_a_task_lands_with_every_holder_of_its_role_but_not_with_the_person_who_caused_it(ctx, team) -> None:
    case = open_case(ctx, team)  # the desk starts; the first task is the desk's
    assert notifications.unread(ctx, team["desk"]) == 0  # its own act
    assert notifications.unread(ctx, team["desk2"]) == 1
    assert subjects(ctx, team["desk2"]) == [f"New task {case.number}: Register call"]
    assert subjects(ctx, team["desk2"], "zh_Hans_CN") == [f"新任务 {case.number}：Register call"]
    assert notifications.unread(ctx, team["office"]) == 0
    # Taken by the desk: it no longer asks anything of the colleague.
    item = tasks.list_tasks(ctx, team["desk"])[0]
    tasks.claim_task(ctx, team["desk"], item.id)
    assert notifications.unread(ctx, team["desk2"]) == 0


def test_a_handed_task_tells_its_new_holder_and_opening_marks_it_read(ctx, team) -> None:
    open_case(ctx, team)
    item = tasks.list_tasks(ctx, team["desk"])[0]
    inbox.reassign(ctx, team["office"], item.id, "desk2")
    page = notifications.notifications(ctx, team["desk2"], "en")
    handed = [n for n in page.items if n.event == "task_handed"]
    assert [n.subject for n in handed] == [f"office handed you {item.case_number}: Register call"]
    assert notifications.unread(ctx, team["desk2"]) == 2  # it landed, then it was handed
    assert notifications.open_notice(ctx, team["desk2"], handed[0].id) == (item.case_id, item.id)
    # Opening one notice about the task reads what else was said of it.
    assert notifications.unread(ctx, team["desk2"]) == 0
    assert notifications.unread(ctx, team["desk"]) == 0


def test_the_person_who_opened_a_case_hears_when_it_is_completed(ctx, team) -> None:
    case = open_case(ctx, team)
    first = tasks.list_tasks(ctx, team["desk"])[0]
    tasks.complete_task(ctx, team["desk"], first.id, {"customer": "东方机械"})
    second = tasks.list_tasks(ctx, team["office"])[0]
    tasks.complete_task(ctx, team["office"], second.id, {"approved": True})
    closing = tasks.list_tasks(ctx, team["desk2"])[0]
    tasks.complete_task(ctx, team["desk2"], closing.id, {})  # a colleague closes it
    assert subjects(ctx, team["desk"])[0] == f"Case {case.number} is completed"
    assert subjects(ctx, team["desk"], "zh_Hans_CN")[0] == f"案件 {case.number} 状态：已办结"


def test_reminders_before_and_after_the_due_time_and_the_escalation_after_the_delay(ctx, team) -> None:
    open_case(ctx, team)
    item = tasks.list_tasks(ctx, team["desk"])[0]
    # Shipped settings: 4 working hours of lead, escalation 4 working hours past due.
    due = MORNING + timedelta(hours=3)  # 12:00, within 4 working hours of 09:00
    set_due(ctx, item.id, due)
    assert notifications.remind(ctx, WORKER, MORNING.astimezone(UTC)) == notifications.Reminded(1, 0, 0)
    assert notifications.remind(ctx, WORKER, MORNING.astimezone(UTC)) == notifications.Reminded(0, 0, 0)  # once
    assert subjects(ctx, team["desk2"])[0].startswith("Due soon")
    # 13:00: overdue (the holder's role hears); not yet escalated.
    assert notifications.remind(ctx, WORKER, (due + timedelta(hours=1)).astimezone(UTC)) == notifications.Reminded(
        0, 1, 0
    )
    assert notifications.unread(ctx, team["office"]) == 0
    # Working hours 08:30-12:00, 13:30-17:30: 4 working hours after 12:00 is 17:30.
    assert notifications.remind(ctx, WORKER, datetime(2026, 11, 3, 17, 0, tzinfo=SHANGHAI)).escalated == 0
    assert notifications.remind(ctx, WORKER, datetime(2026, 11, 3, 17, 31, tzinfo=SHANGHAI)).escalated == 1
    escalated = notifications.notifications(ctx, team["office"], "en").items
    assert [(n.event, n.urgent) for n in escalated] == [("escalated", True)]
    assert notifications.unread(ctx, team["engineer"]) == 0


def test_the_lead_time_and_delay_are_settings(ctx, team) -> None:
    owner = Actor.system("settings")
    body = service_settings.current_settings(ctx, owner)[1].as_json()
    body["reminders"] = {"due_soon": {"amount": 1, "unit": "hours"}, "escalate_after": {"amount": 0, "unit": "hours"}}
    service_settings.save_settings(ctx, owner, body, "shorter reminders", 0)
    open_case(ctx, team)
    item = tasks.list_tasks(ctx, team["desk"])[0]
    set_due(ctx, item.id, MORNING + timedelta(hours=2))
    assert notifications.remind(ctx, WORKER, MORNING.astimezone(UTC)) == notifications.Reminded(0, 0, 0)
    later = (MORNING + timedelta(hours=2, minutes=1)).astimezone(UTC)
    assert notifications.remind(ctx, WORKER, later) == notifications.Reminded(0, 1, 1)  # no delay: at once


@time_machine.travel(datetime(2026, 11, 3, 20, 0, tzinfo=SHANGHAI), tick=False)
def test_e_mails_go_to_who_asked_held_back_to_the_next_working_morning(ctx, team) -> None:
    users.update_contact(ctx, team["desk2"], team["desk2"].user_id, "desk2@example.com", "", "each", "en")
    users.update_contact(ctx, team["office"], team["office"].user_id, "office@example.com", "", "each", "zh_Hans_CN")
    case = open_case(ctx, team)
    evening = datetime(2026, 11, 3, 20, 0, tzinfo=SHANGHAI)
    assert notifications.dispatch(ctx, WORKER, evening.astimezone(UTC)) == 1
    (mail,) = outbox_rows(ctx)
    assert mail.recipient == "desk2@example.com" and mail.subject == f"New task {case.number}: Register call"
    assert mail.next_attempt_at == datetime(2026, 11, 4, 8, 30, tzinfo=SHANGHAI)  # the next working moment
    assert notifications.dispatch(ctx, WORKER, evening.astimezone(UTC)) == 0  # each row fanned out once
    # An escalation goes out at once, whatever the hour, in the reader's language.
    item = tasks.list_tasks(ctx, team["desk"])[0]
    set_due(ctx, item.id, datetime(2026, 11, 3, 9, 0, tzinfo=SHANGHAI))
    notifications.remind(ctx, WORKER, evening.astimezone(UTC))
    assert notifications.dispatch(ctx, WORKER, evening.astimezone(UTC)) == 2  # overdue to desk2, escalation
    escalation = next(m for m in outbox_rows(ctx) if m.recipient == "office@example.com")
    assert escalation.subject == f"超期升级 {case.number}：Register call"
    assert escalation.next_attempt_at == evening


@time_machine.travel(datetime(2026, 11, 3, 16, 0, tzinfo=SHANGHAI), tick=False)
def test_the_digest_collects_the_unread_once_each_working_morning(ctx, team) -> None:
    users.update_contact(ctx, team["desk2"], team["desk2"].user_id, "desk2@example.com", "", "digest", "en")
    case = open_case(ctx, team)
    assert notifications.dispatch(ctx, WORKER) == 0  # the digest reader gets no single e-mail
    night = datetime(2026, 11, 4, 7, 0, tzinfo=SHANGHAI)
    assert notifications.send_digests(ctx, WORKER, night.astimezone(UTC)) == 0  # before working time
    morning = datetime(2026, 11, 4, 8, 45, tzinfo=SHANGHAI)
    assert notifications.send_digests(ctx, WORKER, morning.astimezone(UTC)) == 1
    assert notifications.send_digests(ctx, WORKER, morning.astimezone(UTC)) == 0  # once a day
    (mail,) = outbox_rows(ctx)
    assert mail.subject == "Aftercare daily digest: 1 unread"
    assert f"- New task {case.number}: Register call" in mail.body


def test_nothing_is_e_mailed_without_an_address_and_the_choice_needs_one(ctx, team) -> None:
    with pytest.raises(InvalidData) as refused:
        users.update_contact(ctx, team["desk2"], team["desk2"].user_id, "", "", "each", "en")
    assert set(refused.value.errors) == {"email"}


def test_mark_all_read_empties_the_bell(ctx, team) -> None:
    open_case(ctx, team)
    open_case(ctx, team)
    assert notifications.unread(ctx, team["desk2"]) == 2
    assert notifications.mark_all_read(ctx, team["desk2"]) == 2
    assert notifications.unread(ctx, team["desk2"]) == 0
    page = notifications.notifications(ctx, team["desk2"], "en")
    assert page.total == 2 and all(n.read for n in page.items)


def test_a_quote_the_customer_leaves_unanswered_is_chased_by_the_desk_then_escalated(ctx, staff, start) -> None:  # noqa: F811
    """S2 5.2.1.5: the customer answers the quote within its term; past it the desk chases, and
    past the escalation delay the quality office hears of it."""
    case = start("service_request")
    to_solution(case, "onsite", OUT_OF_WARRANTY)
    case.do("finance", "quote", QUOTE_300)
    item = case.task("service_desk", "confirm_quote")
    set_due(ctx, item.id, MORNING)
    assert notifications.remind(ctx, WORKER, (MORNING + timedelta(minutes=1)).astimezone(UTC)).overdue == 1
    overdue = [n for n in notifications.notifications(ctx, staff["service_desk"], "en").items if n.event == "overdue"]
    assert [n.work_item_id for n in overdue] == [item.id]
    assert not [
        n for n in notifications.notifications(ctx, staff["quality_office"], "en").items if n.event == "escalated"
    ]
    later = datetime(2026, 11, 3, 14, 31, tzinfo=SHANGHAI)  # 09:00 + 4 working hours (lunch 12:00-13:30)
    assert notifications.remind(ctx, WORKER, later.astimezone(UTC)).escalated == 1
    escalated = [
        n for n in notifications.notifications(ctx, staff["quality_office"], "en").items if n.event == "escalated"
    ]
    assert [n.subject for n in escalated] == [f"Escalated {case.info.number}: 客户确认报价"]


def test_a_promise_to_the_customer_broken_is_told_to_the_quality_office_once(ctx, staff, start) -> None:  # noqa: F811
    """S2 5.1.1.3: the engineer arrives within the promised time; a case whose on-site visit is
    overdue has broken it, and the breach register's keepers hear of it."""
    case = start("service_request")
    to_solution(case, "onsite")
    case.do("dispatcher", "dispatch", {"engineer": "wang", "distance_km": 120})
    case.do("engineer_wang", "prepare", {"plan_confirmed": True})
    service = case.task("engineer_wang", "service")
    assert service.due_at is not None
    month_later = service.due_at + timedelta(days=30)
    assert notifications.remind(ctx, WORKER, month_later).overdue == 1
    broken = [
        n for n in notifications.notifications(ctx, staff["quality_office"], "en").items if n.event == "promise_broken"
    ]
    assert f"Promise broken {case.info.number}: arrival" in [n.subject for n in broken]
    notifications.remind(ctx, WORKER, month_later + timedelta(hours=1))
    again = [
        n for n in notifications.notifications(ctx, staff["quality_office"], "en").items if n.event == "promise_broken"
    ]
    assert len(again) == len(broken)  # each promise told once
    assert not [
        n for n in notifications.notifications(ctx, staff["dispatcher"], "en").items if n.event == "promise_broken"
    ]


def test_a_backlog_of_overdue_tasks_does_not_hide_a_new_one(ctx, team) -> None:
    """Each pass takes at most ``limit`` tasks; a task told overdue leaves that queue, so the
    next pass reaches the next task however many older ones wait for their escalation."""
    open_case(ctx, team)
    open_case(ctx, team)
    older, newer = sorted(tasks.list_tasks(ctx, team["desk2"]), key=lambda item: item.id)
    set_due(ctx, older.id, MORNING)
    set_due(ctx, newer.id, MORNING + timedelta(minutes=30))
    at = (MORNING + timedelta(hours=1)).astimezone(UTC)  # both overdue, neither due for escalation
    assert notifications.remind(ctx, WORKER, at, limit=1).overdue == 1
    assert notifications.remind(ctx, WORKER, at, limit=1).overdue == 1  # the newer one, not the older again
    assert notifications.remind(ctx, WORKER, at, limit=1) == notifications.Reminded(0, 0, 0)
    told = {n.work_item_id for n in notifications.notifications(ctx, team["desk2"], "en").items if n.event == "overdue"}
    assert told == {older.id, newer.id}


@time_machine.travel(datetime(2026, 11, 3, 20, 0, tzinfo=SHANGHAI), tick=False)
def test_an_escalation_also_goes_as_text_to_who_asked_for_it(ctx, team) -> None:
    ctx.config = replace(ctx.config, sms=SmsGateway("https://sms.example.com/send"), public_url="https://s.example.com")
    users.update_contact(ctx, team["office"], team["office"].user_id, "", "139 0000 1111", None, "en", "urgent")
    with pytest.raises(InvalidData) as refused:  # a landline takes no text
        users.update_contact(ctx, team["desk2"], team["desk2"].user_id, "", "021-1234 5678", None, None, "urgent")
    assert set(refused.value.errors) == {"mobile"}
    case = open_case(ctx, team)
    item = tasks.list_tasks(ctx, team["desk"])[0]
    set_due(ctx, item.id, datetime(2026, 11, 3, 9, 0, tzinfo=SHANGHAI))
    notifications.remind(ctx, WORKER)
    assert notifications.dispatch(ctx, WORKER) == 1  # the overdue notice is no text; the escalation is
    (text,) = [m for m in outbox_rows(ctx) if m.channel == "sms"]
    assert text.recipient == "13900001111"
    assert text.body == f"Escalated {case.number}: Register call：https://s.example.com/tasks/{item.id}"
