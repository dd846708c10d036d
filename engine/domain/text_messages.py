"""Text messages to customers' mobile phones, through the company's own SMS gateway (issue 15).

China's SMS vendors (Aliyun, Tencent Cloud, …) each want a registered signature, approved
templates and their own signed API; a company already runs one of them. Aftercare does not
speak any vendor's dialect: it posts one plain JSON request per message to a webhook the
company points at its gateway — ``{"to", "text", "key"}`` with the key also in the
``Idempotency-Key`` header, a bearer token when configured — and counts any 2xx as accepted.
The text is the message's Chinese subject and its one link, short enough for one or two SMS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SMS = "sms"  # the outbox channel; the recipient is the mobile number
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")  # a mainland mobile number


@dataclass(frozen=True)
class SmsGateway:
    url: str
    token: str | None = None


def mobile_number(phone: object) -> str | None:
    """The mobile number in what a customer gave as their phone (spaces, dashes, +86 allowed);
    None for a landline or anything else, which cannot take a text message."""
    digits = re.sub(r"[\s\-()]", "", str(phone or ""))
    digits = digits.removeprefix("+86").removeprefix("0086")
    return digits if _MOBILE.fullmatch(digits) else None


def text_of(subject: str, link: str | None) -> str:
    return f"{subject}：{link}" if link else subject


def payload(to: str, text: str, key: str) -> dict[str, str]:
    return {"to": to, "text": text, "key": key}
