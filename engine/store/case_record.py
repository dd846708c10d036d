"""The case as a record people read: one section per completed step, each value with its label.

A case's data is a flat dictionary of variable names; people work from the paper forms of the
policy, step by step. Each section here is one step as it was completed — who, when, on whose
behalf — with the fields of that step's form, each shown with its label and, for choices, the
option's name (the display of yes/no is left to the page, in the reader's language). What no
form asked for (values computed by scripts and decision tables) is listed after the steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain import customer_answers
from engine.domain import form_files
from engine.domain import form_rows
from engine.domain import signatures
from engine.store.models import AuditEvent
from engine.store.models import Case
from engine.store.models import ProcessVersion
from engine.store.models import User
from engine.store.models import WorkItem


@dataclass(frozen=True)
class RecordValue:
    field_id: str
    label: str
    value: Any  # the option's name for a choice; True/False for yes/no; else the value
    kind: str  # the form field's type (text, integer, decimal, boolean, date, enum, rows), or choice
    columns: tuple[tuple[str, str], ...] = ()  # a rows field's (column id, label)


@dataclass(frozen=True)
class RecordSection:
    title: str
    by: str  # the person's display name
    at: datetime
    on_behalf_of: str | None
    values: list[RecordValue] = field(default_factory=list)
    # A customer's step: how the answer came (engine/domain/customer_answers.py), the calls
    # made before "not reached", and the scanned paper form's attachment id.
    answered_by: str | None = None
    attempts: int | None = None
    scan_id: int | None = None


@dataclass(frozen=True)
class CaseRecord:
    sections: list[RecordSection]
    other: dict[str, Any]  # case data no form asked for, by variable name


def case_record(session: Session, case: Case, events: list[AuditEvent]) -> CaseRecord:
    query = select(WorkItem.task_id, WorkItem.form).where(WorkItem.case_id == case.id)
    forms = dict(session.execute(query).tuples().all())
    start_form = session.scalar(select(ProcessVersion.start_form).where(ProcessVersion.id == case.process_version_id))
    sections, asked = [], set()
    actors = {event.actor for event in events}
    query = select(User.username, User.display_name).where(User.username.in_(actors))
    names = dict(session.execute(query).tuples().all())
    for event in events:
        if event.action == "case_started":
            form, submitted, title = start_form or {}, (event.data or {}).get("data") or {}, None
        elif event.action == "task_completed":
            form, submitted, title = forms.get(event.task_id or "") or {}, event.data or {}, event.task_name
        else:
            continue
        values = []
        for form_field in form.get("fields", []):
            asked.add(form_field["id"])
            value = submitted.get(form_field["id"])
            if value is None or value == "" or value == []:
                continue
            if signatures.is_signed(value):  # the page shows the image: it needs the case
                value = {**value, "case_id": case.id}
            elif form_files.is_kept(value):  # the page links each file: it needs the case
                value = [{**item, "case_id": case.id} for item in value]
            values.append(
                RecordValue(
                    form_field["id"],
                    form_field.get("label") or form_field["id"],
                    _shown(form_field, value),
                    "choice" if form_field.get("choices") else form_field.get("type", "string"),
                    tuple((column["id"], column["label"]) for column in form_field.get("columns", [])),
                )
            )
        if title is None and not values:
            continue
        data = event.data or {}
        by = names.get(event.actor, event.actor)
        scan = data.get(customer_answers.SCAN) or {}
        sections.append(
            RecordSection(
                title or "",
                by,
                event.at,
                data.get("on_behalf_of"),
                values,
                data.get(customer_answers.HOW),
                data.get(customer_answers.ATTEMPTS),
                scan.get("attachment_id") if isinstance(scan, dict) else None,
            )
        )
    other = {key: value for key, value in (case.data or {}).items() if key not in asked and value not in (None, "")}
    return CaseRecord(sections, other)


def decision_facts(record: CaseRecord, names: list[str]) -> list[RecordValue]:
    """The named fields as last recorded, in the order the task declares them; a field no step
    has recorded yet is left out (the page says so when none is known)."""
    latest: dict[str, RecordValue] = {}
    for section in record.sections:
        for value in section.values:
            latest[value.field_id] = value
    return [latest[name] for name in names if name in latest]


@dataclass(frozen=True)
class RecordGroup:
    name: str  # customer, product, money, ratings (the page titles them)
    values: list[RecordValue]


def record_groups(record: CaseRecord, groups: tuple[tuple[str, tuple[str, ...]], ...]) -> list[RecordGroup]:
    """The record's head: each group's fields as last recorded; an empty group is left out."""
    found = [RecordGroup(name, decision_facts(record, list(fields))) for name, fields in groups]
    return [group for group in found if group.values]


def _shown(form_field: dict[str, Any], value: Any) -> Any:
    if form_field.get("choices") and isinstance(value, bool):
        return form_field["choices"]["true" if value else "false"]
    if form_field.get("type") == "enum":
        names = {option["id"]: option.get("name") or option["id"] for option in form_field.get("options", [])}
        return names.get(str(value), value)
    if form_field.get("type") == form_rows.ROWS and isinstance(value, list):
        return form_rows.named_cells(form_field.get("columns", []), value)
    return value
