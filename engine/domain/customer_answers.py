"""How a customer's answer to their own step reached the company, and what a desk entry must say.

The customer's steps (confirm a quote, sign the feedback form, rate the service) are answered by
the customer through a step link — on their own phone, or on the engineer's handed over on site —
or entered by the service desk on their behalf. A desk entry names how the customer answered: by
phone, or on the paper form, whose scan is then attached. It carries no drawn signature (the
customer's is on the paper, or was never given by phone). The survey may also be closed without
an answer, after calling: the customer was not reached, or declined; such a survey has no ratings
and counts in the response rate, never in the satisfaction figure (S0 二十四–二十五).

Every completed customer step records ``answered_by`` in its audit event, so each page and figure
that shows or counts it can say how it was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from engine.domain import forms
from engine.domain.errors import InvalidData
from engine.domain.messages import Message
from engine.domain.signatures import SIGNATURE
from engine.domain.signatures import signature_fields

LINK, PHONE, PAPER = "link", "phone", "paper"  # the customer answered
NOT_REACHED, DECLINED = "not_reached", "declined"  # the survey closed without an answer
ANSWERED = (LINK, PHONE, PAPER)
UNANSWERED = (NOT_REACHED, DECLINED)
HOW = "answered_by"
ATTEMPTS = "contact_attempts"
SCAN = "paper_scan"
DESK_KEYS = (HOW, ATTEMPTS)
MAX_ATTEMPTS = 20


@dataclass(frozen=True)
class DeskEntry:
    how: str  # phone, paper, not_reached or declined
    attempts: int | None = None  # calls made before "not reached" / "declined"

    @property
    def answered(self) -> bool:
        return self.how in ANSWERED

    def as_data(self) -> dict[str, Any]:
        found: dict[str, Any] = {HOW: self.how}
        if self.attempts is not None:
            found[ATTEMPTS] = self.attempts
        return found


def desk_choices(survey: bool) -> tuple[str, ...]:
    """What the desk may record: a survey can also end unanswered."""
    return (PHONE, PAPER, *UNANSWERED) if survey else (PHONE, PAPER)


def split(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the desk entry's own keys, the step's form data)."""
    desk = {key: data[key] for key in DESK_KEYS if key in data}
    return desk, {key: value for key, value in data.items() if key not in DESK_KEYS}


def desk_entry(desk: dict[str, Any], survey: bool, scanned: bool) -> DeskEntry:
    """The desk's account of the answer; InvalidData at each field that is missing or wrong."""
    errors: dict[str, Message] = {}
    how = str(desk.get(HOW) or "").strip()
    if how not in desk_choices(survey):
        errors[HOW] = Message("say how the customer answered")
    if how == PAPER and not scanned:
        errors[SCAN] = Message("attach the scan of the paper form the customer filled in")
    attempts = None
    raw = str(desk.get(ATTEMPTS) or "").strip()
    if raw:
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_ATTEMPTS:
            errors[ATTEMPTS] = Message("must be a whole number from 1 to %(max)s", max=MAX_ATTEMPTS)
        else:
            attempts = int(raw)
    elif how == NOT_REACHED:
        errors[ATTEMPTS] = Message("say how many times the customer was called")
    if errors:
        raise InvalidData(dict(errors))
    return DeskEntry(how, attempts)


def desk_form(form: dict[str, Any], entry: DeskEntry) -> dict[str, Any]:
    """The step's form as a desk entry fills it: without its signature fields, and for a survey
    closed unanswered without any field at all (no answer may be entered for the customer)."""
    if not entry.answered:
        return {**form, "fields": []}
    return {**form, "fields": [field for field in form.get("fields", []) if field.get("type") != SIGNATURE]}


def unanswered_values(form: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The process values of a survey closed unanswered: every field of the step empty (a
    gateway reading a rating finds none), and InvalidData if an answer was entered anyway."""
    entered = {key: Message("a survey the customer did not answer has no answers") for key, value in data.items()
               if value not in (None, "", [])}  # fmt: skip
    if entered:
        raise InvalidData(dict(entered))
    return {field["id"]: None for field in form.get("fields", [])}


def clean_desk_entry(
    form: dict[str, Any], data: dict[str, Any], survey: bool, scanned: bool, zone: ZoneInfo, now: datetime
) -> tuple[dict[str, Any], DeskEntry]:
    """A customer step entered at the desk: (the step's values, how the customer answered);
    InvalidData with every mistake of both at once, so the form comes back marked in one go."""
    desk, rest = split(data)
    errors: dict[str, Any] = {}
    entry: DeskEntry | None = None
    cleaned: dict[str, Any] = {}
    try:
        entry = desk_entry(desk, survey, scanned)
    except InvalidData as err:
        errors.update(err.errors)
    drawn = set(signature_fields(form))
    rest = {key: value for key, value in rest.items() if key not in drawn}  # no signature is drawn at the desk
    try:
        if str(desk.get(HOW) or "").strip() in UNANSWERED:  # its form is empty, even if the calls are missing
            cleaned = unanswered_values(form, rest)
        else:
            cleaned = forms.clean_form_data(desk_form(form, entry or DeskEntry(PHONE)), rest, zone, now)
    except InvalidData as err:
        errors.update(err.errors)
    if errors or entry is None:
        raise InvalidData(errors)
    return cleaned, entry
