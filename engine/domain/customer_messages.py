"""What the company writes to its customers, in Chinese and English in one message (the
customer has no account, so no chosen language: both are given, Chinese first)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str


def case_received(number: str, tracking_url: str | None) -> Letter:
    """Sent when a service request is registered (issue 15: case number and tracking link)."""
    follow_zh = f"您可随时通过以下链接查看处理进展和我们的承诺时限：\n{tracking_url}\n" if tracking_url else ""
    follow_en = f"Follow its progress and our promised times here:\n{tracking_url}\n" if tracking_url else ""
    body = (
        f"您好！\n\n您的服务请求已受理，案件编号 {number}。\n{follow_zh}"
        "如需补充信息，请致电售后服务台并告知案件编号。\n\n"
        f"Hello,\n\nyour service request has been registered as case {number}.\n{follow_en}"
        "To add anything, call our service desk and quote the case number.\n"
    )
    return Letter(f"您的服务请求已受理 {number} / Service request {number} registered", body)
