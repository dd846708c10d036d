"""What cases came to, as the product archive and the customer's page list them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.policy import SHIPPED
from engine.store.models import AuditEvent
from engine.store.models import Case
from engine.store.models import ProcessVersion


@dataclass(frozen=True)
class CaseOutcome:
    id: int
    number: str
    process: str
    status: str
    opened: datetime
    serial_number: str | None
    outcome: str  # what was done: the solution chosen, solved by phone, …
    rating: str | None  # satisfied answers of the survey, e.g. "3/4"


def outcomes(session: Session, matching: list[tuple[Case, str]]) -> list[CaseOutcome]:
    """The outcome of each (case, process key), with the survey's satisfied answers."""
    survey_step, items = SHIPPED.survey_step, SHIPPED.survey_items
    ratings: dict[int, str] = {}
    if matching:
        surveys = session.execute(
            select(AuditEvent.case_id, AuditEvent.data).where(
                AuditEvent.case_id.in_([case.id for case, _key in matching]),
                AuditEvent.action == "task_completed",
                AuditEvent.bpmn_id == survey_step,
            )
        )
        for case_id, data in surveys:
            answers = [data.get(item) for item in items if (data or {}).get(item)]
            satisfied = sum(answer in SHIPPED.satisfied_answers for answer in answers)
            ratings[case_id] = f"{satisfied}/{len(answers)}"
    return [
        CaseOutcome(
            case.id,
            case.number,
            key,
            case.status,
            case.created_at,
            (case.data or {}).get(SHIPPED.serial_number_field),
            SHIPPED.outcome(case.data or {}),
            ratings.get(case.id),
        )
        for case, key in matching
    ]


def customer_cases(session: Session, customer_id: int, limit: int) -> list[CaseOutcome]:
    """The customer's latest cases (by the case's tie, an indexed lookup), newest first."""
    rows = session.execute(
        select(Case, ProcessVersion.key)
        .join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
        .where(Case.customer_id == customer_id)
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(limit)
    ).all()
    return outcomes(session, [(case, key) for case, key in rows])
