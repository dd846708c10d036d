"""The administrators' wordings of the messages, over the shipped defaults."""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy import select

from engine.domain.message_templates import Wording
from engine.store.models import MessageTemplate


def overrides(connection: Connection) -> dict[tuple[str, str], Wording]:
    """(key, language) → wording, for every message an administrator has reworded."""
    rows = connection.execute(
        select(MessageTemplate.key, MessageTemplate.language, MessageTemplate.subject, MessageTemplate.body)
    )
    return {(row.key, row.language): Wording(row.subject, row.body) for row in rows}
