"""The inbox service: filters, search, pagination, counts, supervisors reassigning, drafts."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from engine.domain.errors import InvalidData
from engine.domain.errors import NotAllowed
from engine.services import cases
from engine.services import inbox
from engine.services import tasks
from engine.services.inbox import InboxFilter
from engine.store.models import AuditEvent
from tests import diagrams

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def desk_cases(ctx, make_user, deploy):
    """Three cases; register is due 4 working hours after each start (Mon 9:00, Mon 16:00, Tue 9:00)."""
    deploy({"linear.bpmn": diagrams.linear()})
    desk = make_user("desk", "service_desk")
    started = []
    for moment, channel in [((2, 9), "phone"), ((2, 16), "fax"), ((3, 9), "web")]:
        day, hour = moment
        with time_machine.travel(datetime(2026, 3, day, hour, 0, tzinfo=SHANGHAI), tick=False):
            started.append(cases.start_case(ctx, desk, "two_steps", {"channel": channel}))
    return desk, started


def test_sorted_by_due_time_and_filtered_by_overdue_and_due_today(ctx, desk_cases) -> None:
    desk, started = desk_cases
    with time_machine.travel(datetime(2026, 3, 3, 10, 0, tzinfo=SHANGHAI), tick=False):
        everything = inbox.inbox(ctx, desk, InboxFilter())
        overdue = inbox.inbox(ctx, desk, InboxFilter(due="overdue"))
        today = inbox.inbox(ctx, desk, InboxFilter(due="today"))
        counts = inbox.counts(ctx, desk)
    numbers = [case.number for case in started]
    assert [t.case_number for t in everything.tasks] == numbers  # due Mon 14:30, Tue 10:30, Tue 14:30
    assert [t.case_number for t in overdue.tasks] == numbers[:1]
    assert [t.case_number for t in today.tasks] == numbers[1:]
    assert (counts.available, counts.mine, counts.overdue) == (3, 0, 1)


def test_search_by_case_number_or_any_case_value_and_by_task(ctx, desk_cases, make_user) -> None:
    desk, started = desk_cases
    tasks.complete_task(ctx, desk, inbox.inbox(ctx, desk, InboxFilter(q="fax")).tasks[0].id, {"customer": "蓝海示例"})
    quality = make_user("qo", "quality_office")
    assert [t.bpmn_id for t in inbox.inbox(ctx, quality, InboxFilter(q="蓝海")).tasks] == ["decide"]
    assert inbox.inbox(ctx, desk, InboxFilter(q=started[2].number)).total == 1
    assert inbox.inbox(ctx, desk, InboxFilter(task="register")).total == 2
    assert inbox.inbox(ctx, desk, InboxFilter(process="other")).total == 0
    assert inbox.inbox(ctx, desk, InboxFilter()).task_choices == [("register", "Register call")]


def test_pages_and_refused_filters(ctx, desk_cases) -> None:
    desk, _started = desk_cases
    second = inbox.inbox(ctx, desk, InboxFilter(), page=2, per_page=2)
    assert (second.total, second.pages, len(second.tasks)) == (3, 2, 1)
    with pytest.raises(InvalidData) as refused:
        inbox.inbox(ctx, desk, InboxFilter(due="someday", scope="everyone"), page=0)
    assert set(refused.value.errors) == {"due", "scope", "page"}


def test_mine_lists_only_what_i_claimed(ctx, desk_cases, make_user) -> None:
    desk, _started = desk_cases
    other = make_user("desk2", "service_desk")
    first = inbox.inbox(ctx, desk, InboxFilter()).tasks[0]
    tasks.claim_task(ctx, other, first.id)
    assert inbox.inbox(ctx, desk, InboxFilter()).total == 2  # claimed by someone else: gone
    assert [t.id for t in inbox.inbox(ctx, other, InboxFilter(scope="mine")).tasks] == [first.id]


def test_supervisors_reassign_to_someone_holding_the_role_and_it_is_audited(ctx, desk_cases, make_user) -> None:
    desk, started = desk_cases
    supervisor, colleague = make_user("boss", "quality_office"), make_user("desk2", "service_desk")
    make_user("eng", "engineer")
    item = inbox.inbox(ctx, desk, InboxFilter()).tasks[0]
    with pytest.raises(NotAllowed):
        inbox.reassign(ctx, desk, item.id, "desk2")
    with pytest.raises(InvalidData, match="assignee"):
        inbox.reassign(ctx, supervisor, item.id, "eng")
    with pytest.raises(InvalidData, match="assignee"):
        inbox.reassign(ctx, supervisor, item.id, "nobody")
    assert inbox.reassign(ctx, supervisor, item.id, "desk2").assignee == "desk2"
    assert [t.id for t in inbox.inbox(ctx, colleague, InboxFilter(scope="mine")).tasks] == [item.id]
    with ctx.uow() as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "task_reassigned")).one()
    assert (event.case_id, event.actor, event.data["to"]) == (started[0].id, "boss", "desk2")


def test_a_draft_keeps_what_was_typed_until_completion(ctx, desk_cases, make_user) -> None:
    desk, _started = desk_cases
    item = inbox.inbox(ctx, desk, InboxFilter()).tasks[0]
    inbox.save_draft(ctx, desk, item.id, {"customer": "未写完的客户名", "smuggled": "x"})
    assert tasks.task_page(ctx, desk, item.id).draft == {"customer": "未写完的客户名"}
    with pytest.raises(NotAllowed):
        inbox.save_draft(ctx, make_user("eng", "engineer"), item.id, {"customer": "x"})
    with pytest.raises(InvalidData):
        inbox.save_draft(ctx, desk, item.id, {"customer": "x" * 20_001})
