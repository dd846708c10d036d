"""Deliver a text message to the company's SMS gateway webhook (engine/domain/text_messages.py).
A refused connection, a timeout or an HTTP error raises, and the outbox retries with its back-off."""

from __future__ import annotations

import json
import urllib.request

from engine.domain.text_messages import SmsGateway
from engine.domain.text_messages import payload
from engine.store.outbox import Outgoing


class SmsSender:
    def __init__(self, gateway: SmsGateway, timeout: float = 10.0) -> None:
        self.gateway, self.timeout = gateway, timeout

    def send(self, message: Outgoing) -> None:
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": message.key}
        if self.gateway.token:
            headers["Authorization"] = f"Bearer {self.gateway.token}"
        body = json.dumps(payload(message.recipient, message.body, message.key), ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.gateway.url, data=body, headers=headers, method="POST")
        # urlopen raises HTTPError for any answer outside 2xx and 3xx it cannot follow.
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - the admin's configured URL
            response.read()
