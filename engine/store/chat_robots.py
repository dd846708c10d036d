"""Deliver a team's outbox message to its chat robot's webhook (the vendors' servers are outside).

A webhook answers HTTP 200 with a JSON verdict; anything else — a refused connection, a timeout,
an HTTP error, a verdict that is not "ok" — raises, and the outbox retries with its back-off.
"""

from __future__ import annotations

import json
import time
import urllib.request

from engine.domain.chat_robots import ChatRobot
from engine.domain.chat_robots import accepted
from engine.domain.chat_robots import request_for
from engine.store.outbox import Outgoing

CHAT = "chat"  # the outbox channel; the recipient is the team (role id)


class ChatRobotSender:
    def __init__(self, robots: dict[str, ChatRobot], timeout: float = 10.0) -> None:
        self.robots, self.timeout = robots, timeout

    def send(self, message: Outgoing) -> None:
        robot = self.robots.get(message.recipient)
        if robot is None:
            raise ValueError(f"team {message.recipient} has no chat robot (AFTERCARE_CHAT_ROBOTS)")
        call = request_for(robot, message.subject, message.body, message.key, int(time.time() * 1000))
        request = urllib.request.Request(
            call.url,
            data=json.dumps(call.payload, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": message.key},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - the admin's configured URL
            answer = json.loads(response.read() or b"{}")
        error = accepted(robot.kind, answer if isinstance(answer, dict) else {})
        if error:
            raise ValueError(error)
