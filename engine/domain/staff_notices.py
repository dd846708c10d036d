"""What the staff are told, and whom each event reaches (issue 15).

A task lands with whoever may take it; a customer's step is the service desk's to chase, so
its reminders go to the desk (who may answer for the customer, authz.ON_BEHALF), while its
landing tells nobody (the customer gets their own link). An overdue task is escalated, after
the configured delay, to the supervisor of its role: the narrowest supervising role that
oversees it (the dispatcher for engineers, the quality office for the case workers, the
quality manager for the quality office).
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.domain.authz import ON_BEHALF
from engine.domain.authz import SUPERVISES
from engine.domain.messages import Message

TASK_LANDED = "task_landed"
TASK_HANDED = "task_handed"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
ESCALATED = "escalated"
CASE_CHANGED = "case_changed"
CUSTOMER_ACTED = "customer_acted"
BREACH = "breach"
PROMISE_BROKEN = "promise_broken"
EVENTS = (
    TASK_LANDED, TASK_HANDED, DUE_SOON, OVERDUE, ESCALATED, CASE_CHANGED, CUSTOMER_ACTED, BREACH, PROMISE_BROKEN,
)  # fmt: skip
BREACH_KEEPER = "quality_office"  # keeps the breach register (S2 7.2.7), hears of each breach

# How a person hears of their notifications beyond the bell.
EMAIL_OFF, EMAIL_EACH, EMAIL_DIGEST = "off", "each", "digest"
EMAIL_CHOICES = (EMAIL_OFF, EMAIL_EACH, EMAIL_DIGEST)
EMAIL_LABELS = {
    EMAIL_OFF: Message("only in Aftercare (the bell)"),
    EMAIL_EACH: Message("also by e-mail, each as it happens (held back outside working time)"),
    EMAIL_DIGEST: Message("also by e-mail, one digest each working morning"),
}

# Text messages to a person's mobile: never, or for the urgent ones (escalations) only.
SMS_OFF, SMS_URGENT = "off", "urgent"
SMS_CHOICES = (SMS_OFF, SMS_URGENT)

STATUS_WORDS = {
    "running": {"zh_Hans_CN": "处理中", "en": "in progress"},
    "completed": {"zh_Hans_CN": "已办结", "en": "completed"},
    "cancelled": {"zh_Hans_CN": "已撤销", "en": "cancelled"},
    "error": {"zh_Hans_CN": "出错待处理", "en": "stopped by an error"},
}


def told_roles(task_roles: Iterable[str], reminder: bool = False) -> list[str]:
    """The roles told of a task open to ``task_roles``: a customer's step is chased by the
    role that may answer for the customer, and only in reminders."""
    found: list[str] = []
    for role in task_roles:
        told = ON_BEHALF.get(role) if role in ON_BEHALF else role
        if role in ON_BEHALF and not reminder:
            continue
        if told and told not in found:
            found.append(told)
    return found


def supervisor_of(role: str) -> str | None:
    """The narrowest supervising role, other than ``role`` itself, that oversees ``role``."""
    overseers = [(len(roles), name) for name, roles in SUPERVISES.items() if role in roles and name != role]
    if not overseers:
        return None
    smallest = min(size for size, _name in overseers)
    return next(name for size, name in overseers if size == smallest)


def status_word(status: str, language: str) -> str:
    words = STATUS_WORDS.get(status)
    return words.get(language, words["en"]) if words else status
