"""The read model of a case that pages, the API and the reports share."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any

from engine.domain.policy import SHIPPED
from engine.store.models import Case


@dataclass(frozen=True)
class CaseInfo:
    id: int
    number: str
    status: str
    process_key: str
    process_version: int
    data: dict[str, Any]
    created_at: datetime
    next_timer_at: datetime | None
    error_message: str | None
    error_element: str | None
    opened: list[tuple[int, str]] = field(default_factory=list)  # work items a start opened (id, BPMN id)
    process_name: str = ""


def case_info(case: Case) -> CaseInfo:
    return CaseInfo(
        id=case.id,
        number=case.number,
        status=case.status,
        process_key=case.process_version.key,
        process_version=case.process_version.version,
        data=case.data,
        created_at=case.created_at,
        next_timer_at=case.next_timer_at,
        error_message=case.error_message,
        error_element=case.error_element,
        process_name=case.process_version.name,
    )


SUMMARY_TEXT = 200


def case_summary(case: Case) -> CaseInfo:
    """``case_info`` for lists: of the data only the policy's summary fields, texts shortened."""
    data = case.data or {}
    summary: dict[str, Any] = {}
    for name in SHIPPED.summary_fields:
        value = data.get(name)
        if isinstance(value, str):
            summary[name] = value[:SUMMARY_TEXT]
        elif isinstance(value, (int, float, bool)):
            summary[name] = value
    info = case_info(case)
    return CaseInfo(**{**info.__dict__, "data": summary})
