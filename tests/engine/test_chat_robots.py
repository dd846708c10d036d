"""Team messages through enterprise chat robots (issue 15): the customer answers a step by link and
the desk's group hears of it, through a real HTTP receiver standing in for WeCom, DingTalk and
Feishu; the vendors' signatures are recomputed here from their published rule."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
from datetime import timedelta
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import time_machine
from sqlalchemy import select

from engine.domain.chat_robots import ChatRobot
from engine.domain.chat_robots import robots_from_json
from engine.services import customer_links
from engine.services import outbox
from engine.services import tasks
from engine.services import timers
from engine.store.context import EngineContext
from engine.store.db import utcnow
from engine.store.models import OutboxMessage
from tests.priced import QUOTE_860
from tests.processes.conftest import Scenario
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import OUT_OF_WARRANTY
from tests.processes.journeys import to_solution

SECRET = "SECexample-robot-secret"


@pytest.fixture
def robot_ctx(engine_config, webhook_receiver, request):
    """The engine with the desk's chat robot of the kind the test names, pointing at the receiver."""
    kind, secret = request.param
    url = (
        f"{webhook_receiver.url}/robot/send?access_token=abc" if kind == "dingtalk" else f"{webhook_receiver.url}/hook"
    )
    robots = {"service_desk": ChatRobot(kind, url, secret)}
    ctx = EngineContext(dataclasses.replace(engine_config, chat_robots=robots))
    yield ctx
    ctx.dispose()


def answered_by_link(ctx, staff, start) -> Scenario:  # noqa: F811
    case = start("service_request")
    to_solution(case, "onsite", OUT_OF_WARRANTY)
    case.do("finance", "quote", QUOTE_860)
    item = case.task("service_desk", "confirm_quote")
    link = customer_links.issue_task_link(ctx, staff["service_desk"], case.id, item.id)
    tasks.complete_by_link(ctx, link.token, {"quote_accepted": "true"})
    return case


def hmac_b64(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


@pytest.mark.parametrize("robot_ctx", [("dingtalk", SECRET)], indirect=True, ids=["dingtalk"])
def test_dingtalk_gets_a_signed_url_and_the_case_number(robot_ctx, staff, start, webhook_receiver) -> None:  # noqa: F811
    case = answered_by_link(robot_ctx, staff, start)
    assert outbox.deliver_due(robot_ctx, timers.TIMER_ACTOR) == outbox.Delivery(1, 0)
    ((path, headers, body),) = webhook_receiver.calls
    query = parse_qs(urlsplit(path).query)
    stamp = query["timestamp"][0]
    assert query["access_token"] == ["abc"]
    assert query["sign"][0] == hmac_b64(SECRET.encode(), f"{stamp}\n{SECRET}".encode())  # DingTalk's rule
    assert abs(int(stamp) / 1000 - utcnow().timestamp()) < 60  # DingTalk refuses stamps over an hour old
    assert body["msgtype"] == "markdown" and case.info.number in body["markdown"]["text"]
    assert "客户确认报价" in body["markdown"]["text"]
    key = f"case-{case.id}-step-"
    assert key in body["markdown"]["text"] and headers["Idempotency-Key"].startswith(key)


@pytest.mark.parametrize("robot_ctx", [("feishu", SECRET)], indirect=True, ids=["feishu"])
def test_feishu_gets_its_signature_in_the_body(robot_ctx, staff, start, webhook_receiver) -> None:  # noqa: F811
    case = answered_by_link(robot_ctx, staff, start)
    assert outbox.deliver_due(robot_ctx, timers.TIMER_ACTOR) == outbox.Delivery(1, 0)
    ((_path, _headers, body),) = webhook_receiver.calls
    assert body["sign"] == hmac_b64(f"{body['timestamp']}\n{SECRET}".encode(), b"")  # Feishu's rule
    assert body["msg_type"] == "text" and case.info.number in body["content"]["text"]


@pytest.mark.parametrize("robot_ctx", [("wecom", None)], indirect=True, ids=["wecom"])
def test_a_refusing_or_absent_robot_is_retried_and_the_message_arrives_once(
    robot_ctx,
    staff,  # noqa: F811
    start,  # noqa: F811
    webhook_receiver,
) -> None:
    case = answered_by_link(robot_ctx, staff, start)
    now = utcnow()
    webhook_receiver.answer = {"errcode": 45009, "errmsg": "api freq out of limit"}
    with time_machine.travel(now, tick=False):
        assert outbox.deliver_due(robot_ctx, timers.TIMER_ACTOR) == outbox.Delivery(0, 1)
    with robot_ctx.uow() as uow:
        waiting = uow.session.scalars(select(OutboxMessage)).one()
        assert waiting.attempts == 1 and "45009" in (waiting.last_error or "")
    webhook_receiver.answer, webhook_receiver.status = {"errcode": 0}, 502  # the vendor's gateway fails
    with time_machine.travel(now + timedelta(minutes=1, seconds=1), tick=False):
        assert outbox.deliver_due(robot_ctx, timers.TIMER_ACTOR) == outbox.Delivery(0, 1)
    webhook_receiver.status = 200
    with time_machine.travel(now + timedelta(minutes=7), tick=False):  # after the 5-minute back-off
        assert outbox.deliver_due(robot_ctx, timers.TIMER_ACTOR) == outbox.Delivery(1, 0)
        assert outbox.deliver_due(robot_ctx, timers.TIMER_ACTOR) == outbox.Delivery(0, 0)
    bodies = [body for _path, _headers, body in webhook_receiver.calls]
    assert len(bodies) == 3 and bodies[0] == bodies[2]  # the same message each time, with its key
    assert bodies[2]["msgtype"] == "markdown" and case.info.number in bodies[2]["markdown"]["content"]


def test_a_team_without_a_robot_gets_no_chat_message(ctx, staff, start) -> None:  # noqa: F811
    answered_by_link(ctx, staff, start)
    with ctx.uow() as uow:
        assert uow.session.scalars(select(OutboxMessage)).all() == []


def test_a_wrong_robot_configuration_names_the_team() -> None:
    with pytest.raises(ValueError, match="service_desk: kind must be one of wecom, dingtalk, feishu"):
        robots_from_json('{"service_desk": {"kind": "slack", "url": "https://example.invalid/x"}}')
    with pytest.raises(ValueError, match="quality_office: url"):
        robots_from_json('{"quality_office": {"kind": "wecom", "url": "ftp://x"}}')
    assert robots_from_json('{"finance": {"kind": "feishu", "url": "https://open.feishu.cn/hook/1"}}') == {
        "finance": ChatRobot("feishu", "https://open.feishu.cn/hook/1")
    }
