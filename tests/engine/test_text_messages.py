"""Text messages to the customer's mobile through the company's SMS gateway webhook (issue 15),
against a real HTTP server on loopback: the registration's mobile number gets the case number
and the tracking link; a landline gets nothing; a gateway error is retried and the resend
carries the same key."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import update

from engine.domain.text_messages import SmsGateway
from engine.domain.text_messages import mobile_number
from engine.services import outbox
from engine.services import timers
from engine.store.db import utcnow
from engine.store.models import OutboxMessage
from tests.processes.conftest import staff  # noqa: F401 - fixture
from tests.processes.conftest import start  # noqa: F401 - fixture
from tests.processes.journeys import CALL

PUBLIC = "https://service.example.com"


def with_gateway(ctx, receiver) -> None:
    ctx.config = replace(ctx.config, sms=SmsGateway(f"{receiver.url}/sms", "gateway-secret"), public_url=PUBLIC)


def test_mobile_numbers_are_told_from_landlines() -> None:
    assert mobile_number("138 0013 8000") == "13800138000"
    assert mobile_number("+86-139-0000-1111") == "13900001111"
    assert mobile_number("021-1234 5678") is None  # a Shanghai landline
    assert mobile_number("12345678901") is None  # no mainland mobile starts with 12
    assert mobile_number(None) is None


def test_the_customer_gets_the_case_number_and_tracking_link_by_text(ctx, staff, start, webhook_receiver) -> None:  # noqa: F811
    with_gateway(ctx, webhook_receiver)
    case = start("service_request")
    case.do("service_desk", "register", {**CALL, "contact_phone": "138 0013 8000"})
    webhook_receiver.status = 502  # the gateway is down at first
    assert outbox.deliver_due(ctx, timers.TIMER_ACTOR) == outbox.Delivery(0, 1)
    webhook_receiver.status = 200
    with ctx.uow(write=True) as uow:  # the back-off over: due again
        uow.connection.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
        uow.commit()
    assert outbox.deliver_due(ctx, timers.TIMER_ACTOR) == outbox.Delivery(1, 0)
    first, second = webhook_receiver.calls
    assert first[2] == second[2]  # the same request, the same key
    path, headers, body = second
    assert path == "/sms" and headers["Authorization"] == "Bearer gateway-secret"
    assert body["to"] == "13800138000"
    assert headers["Idempotency-Key"] == body["key"] == f"case-{case.id}-received-sms"
    assert body["text"].startswith(f"您的服务请求已受理 {case.info.number}：{PUBLIC}/c/")


def test_a_landline_gets_no_text(ctx, staff, start, webhook_receiver) -> None:  # noqa: F811
    with_gateway(ctx, webhook_receiver)
    case = start("service_request")
    case.do("service_desk", "register", CALL)  # 021-…
    assert outbox.deliver_due(ctx, timers.TIMER_ACTOR) == outbox.Delivery(0, 0)
    assert webhook_receiver.calls == []


def test_the_gateway_is_configured_from_the_environment(monkeypatch) -> None:
    from engine.domain.config import EngineConfig

    monkeypatch.setenv("AFTERCARE_SMS_WEBHOOK", "https://sms.example.com/send")
    monkeypatch.setenv("AFTERCARE_SMS_TOKEN", "t0ken")
    assert EngineConfig.from_env().sms == SmsGateway("https://sms.example.com/send", "t0ken")
    monkeypatch.setenv("AFTERCARE_SMS_WEBHOOK", "ftp://sms.example.com")
    with pytest.raises(ValueError, match="http"):
        EngineConfig.from_env()
