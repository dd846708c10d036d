"""Enterprise chat robots a team's messages go to: WeCom (企业微信), DingTalk (钉钉), Feishu (飞书).

Each team (a role) may have one group robot, configured with ``AFTERCARE_CHAT_ROBOTS`` — a JSON
object from role id to ``{"kind": "wecom" | "dingtalk" | "feishu", "url": …, "secret": …}``; the
secret is DingTalk's or Feishu's signing key (kept in configuration, never in the database).
This module builds what each vendor's webhook expects; engine/store/chat_robots.py sends it.

None of the three can drop a repeated message, so every message ends with its idempotency key:
a person (or a bot reading the group) sees a resend as the same reference.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

KINDS = ("wecom", "dingtalk", "feishu")


@dataclass(frozen=True)
class ChatRobot:
    kind: str
    url: str
    secret: str | None = None


def robots_from_json(text: str | None) -> dict[str, ChatRobot]:
    """The teams' robots; ValueError naming the team and the problem when the text is wrong."""
    if not text:
        return {}
    found = json.loads(text)
    if not isinstance(found, dict):
        raise ValueError("AFTERCARE_CHAT_ROBOTS must be a JSON object of team → robot")
    robots = {}
    for team, robot in found.items():
        if not isinstance(robot, dict) or robot.get("kind") not in KINDS:
            raise ValueError(f"chat robot of {team}: kind must be one of {', '.join(KINDS)}")
        url = str(robot.get("url") or "")
        if not url.startswith(("https://", "http://")):
            raise ValueError(f"chat robot of {team}: url must be the robot's webhook address")
        robots[team] = ChatRobot(robot["kind"], url, robot.get("secret") or None)
    return robots


@dataclass(frozen=True)
class Request:
    url: str
    payload: dict[str, Any]


def _sign(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def request_for(robot: ChatRobot, title: str, text: str, key: str, now_ms: int) -> Request:
    """The webhook call for one message: the vendor's payload, signed where the robot is."""
    body = f"{text}\n\n(ref {key})"
    if robot.kind == "wecom":
        return Request(robot.url, {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n{body}"}})
    if robot.kind == "dingtalk":
        url = robot.url
        if robot.secret:  # DingTalk: HMAC-SHA256 of "timestamp\nsecret" keyed by the secret, in the URL
            sign = _sign(robot.secret.encode(), f"{now_ms}\n{robot.secret}".encode())
            url = f"{url}{'&' if '?' in url else '?'}timestamp={now_ms}&sign={quote_plus(sign)}"
        return Request(url, {"msgtype": "markdown", "markdown": {"title": title, "text": f"### {title}\n{body}"}})
    payload: dict[str, Any] = {"msg_type": "text", "content": {"text": f"{title}\n{body}"}}
    if robot.secret:  # Feishu: HMAC-SHA256 keyed by "timestamp\nsecret" of nothing, in the body
        seconds = now_ms // 1000
        payload.update(timestamp=str(seconds), sign=_sign(f"{seconds}\n{robot.secret}".encode(), b""))
    return Request(robot.url, payload)


def accepted(kind: str, answer: dict[str, Any]) -> str | None:
    """None when the vendor's answer says the message was taken, else its error text."""
    code = answer.get("code", answer.get("StatusCode")) if kind == "feishu" else answer.get("errcode")
    if code in (0, "0"):
        return None
    return f"{kind} answered {code}: {answer.get('msg') or answer.get('errmsg') or answer}"
