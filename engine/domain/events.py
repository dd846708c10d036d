"""What each audit event means, in words: the history of a case shows these, never the codes."""

from __future__ import annotations

from engine.domain.messages import Message

EVENT_LABELS: dict[str, Message] = {
    "case_started": Message("opened the case"),
    "task_opened": Message("task opened"),
    "task_completed": Message("completed"),
    "task_withdrawn": Message("task withdrawn"),
    "task_claimed": Message("took the task"),
    "task_unclaimed": Message("put the task back"),
    "task_reassigned": Message("handed the task over"),
    "task_released": Message("released the task"),
    "case_completed": Message("case completed"),
    "case_cancelled": Message("cancelled the case"),
    "case_migrated": Message("moved the case to another version"),
    "timer_fired": Message("a deadline or timer fired"),
    "step_failed": Message("a step failed"),
    "comment_added": Message("commented"),
    "attachment_added": Message("attached a file"),
    "customer_link_issued": Message("gave the customer a link"),
    "customer_link_withdrawn": Message("withdrew a customer link"),
}


def event_label(action: str) -> Message | str:
    """The words for an event; an unknown code (from a newer version) is shown as it is."""
    return EVENT_LABELS.get(action, action)
