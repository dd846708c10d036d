"""Engine configuration, read once and passed explicitly (nothing is built at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from dataclasses import field
from datetime import time
from pathlib import Path

from engine.domain.chat_robots import ChatRobot
from engine.domain.chat_robots import robots_from_json
from engine.domain.text_messages import SmsGateway

DEFAULT_WORKING_PERIODS: tuple[tuple[time, time], ...] = (
    (time(8, 30), time(12, 0)),
    (time(13, 30), time(17, 30)),
)


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server the worker delivers e-mail through (``AFTERCARE_SMTP_*``)."""

    host: str
    port: int = 25
    sender: str = "aftercare@localhost"
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 20.0


@dataclass(frozen=True)
class EngineConfig:
    database_url: str
    timezone: str = "Asia/Shanghai"
    working_periods: tuple[tuple[time, time], ...] = DEFAULT_WORKING_PERIODS
    max_tasks_per_case: int = 2000
    script_cpu_seconds: float = 2.0
    script_wall_seconds: float = 3.0  # a worker process that has not answered by then is killed
    script_memory_bytes: int = 512 * 1024 * 1024  # the address space of a worker process
    max_case_data_bytes: int = 1_000_000  # a step that leaves more case data fails instead
    # The file of keys that seal audit heads (outside the database); None: heads are not sealed.
    audit_keys_file: Path | None = None
    # The append-only file of signed checkpoints of every case's head; None: no checkpoints.
    audit_checkpoints_file: Path | None = None
    max_upload_bytes: int = 5 * 1024 * 1024
    timer_lease_seconds: int = 120
    case_number_prefixes: dict[str, str] = field(default_factory=dict)
    # Keep saved workflows in memory for the next action; off, every action restores the case
    # from the database (how the scenario tests check SpiffWorkflow's save/restore round trip).
    keep_live_workflows: bool = True
    # The key that signs customer links (the web app passes its secret key); None: no links.
    link_secret: str | None = None
    # The address customers reach the site at, for links in messages (AFTERCARE_PUBLIC_URL).
    public_url: str | None = None
    smtp: SmtpSettings | None = None  # None: e-mail stays in the outbox until a server is set
    # Each team's chat robot (AFTERCARE_CHAT_ROBOTS, engine/domain/chat_robots.py); a team
    # without one gets no chat messages.
    chat_robots: dict[str, ChatRobot] = field(default_factory=dict)
    # The company's SMS gateway webhook (AFTERCARE_SMS_WEBHOOK, engine/domain/text_messages.py);
    # None: customers get no text messages.
    sms: SmsGateway | None = None

    @classmethod
    def from_env(cls, instance_path: Path | None = None) -> EngineConfig:
        """Build the configuration from ``AFTERCARE_*`` environment variables."""
        instance = instance_path or Path.cwd() / "instance"
        url = os.environ.get("AFTERCARE_DATABASE_URL") or f"sqlite:///{instance / 'aftercare.db'}"
        periods = os.environ.get("AFTERCARE_WORKING_HOURS")
        return cls(
            database_url=url,
            timezone=os.environ.get("AFTERCARE_TIMEZONE", "Asia/Shanghai"),
            working_periods=parse_working_periods(periods) if periods else DEFAULT_WORKING_PERIODS,
            audit_keys_file=Path(os.environ.get("AFTERCARE_AUDIT_KEYS") or instance / "audit_keys"),
            audit_checkpoints_file=Path(
                os.environ.get("AFTERCARE_AUDIT_CHECKPOINTS") or instance / "audit-checkpoints.jsonl"
            ),
            public_url=(os.environ.get("AFTERCARE_PUBLIC_URL") or "").rstrip("/") or None,
            smtp=smtp_from_env(),
            chat_robots=robots_from_json(os.environ.get("AFTERCARE_CHAT_ROBOTS")),
            sms=sms_from_env(),
        )


def sms_from_env() -> SmsGateway | None:
    url = os.environ.get("AFTERCARE_SMS_WEBHOOK")
    if not url:
        return None
    if not url.startswith(("https://", "http://")):
        raise ValueError("AFTERCARE_SMS_WEBHOOK must be an http(s) address")
    return SmsGateway(url, os.environ.get("AFTERCARE_SMS_TOKEN") or None)


def smtp_from_env() -> SmtpSettings | None:
    host = os.environ.get("AFTERCARE_SMTP_HOST")
    if not host:
        return None
    return SmtpSettings(
        host=host,
        port=int(os.environ.get("AFTERCARE_SMTP_PORT") or 25),
        sender=os.environ.get("AFTERCARE_SMTP_FROM") or "aftercare@localhost",
        user=os.environ.get("AFTERCARE_SMTP_USER") or None,
        password=os.environ.get("AFTERCARE_SMTP_PASSWORD") or None,
        starttls=os.environ.get("AFTERCARE_SMTP_STARTTLS") == "1",
    )


def parse_working_periods(text: str) -> tuple[tuple[time, time], ...]:
    """Parse ``"08:30-12:00,13:30-17:30"`` into ordered (start, end) pairs."""
    periods = []
    for chunk in text.split(","):
        first, _, last = chunk.strip().partition("-")
        begin, finish = time.fromisoformat(first.strip()), time.fromisoformat(last.strip())
        if finish <= begin:
            raise ValueError(f"working period {chunk!r} ends before it starts")
        periods.append((begin, finish))
    periods.sort()
    for (_, end), (start, _) in zip(periods, periods[1:], strict=False):
        if start < end:
            raise ValueError(f"working periods overlap in {text!r}")
    return tuple(periods)
