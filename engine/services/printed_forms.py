"""The policy's paper forms of a case, as numbered PDFs (engine/domain/printed_forms.py).

Anyone who may read the case may print its forms; the first print gives the form its number
and every print is counted (engine/store/pdf_documents.py), in one transaction with the read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from jinja2 import TemplateError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain import clock
from engine.domain import printed_forms
from engine.domain.actors import Actor
from engine.domain.authz import Permission
from engine.domain.authz import require
from engine.domain.errors import InvalidData
from engine.domain.errors import NotFound
from engine.domain.messages import Message
from engine.domain.printed_forms import Fact
from engine.domain.printed_forms import FormContext
from engine.domain.printed_forms import FormOffer
from engine.domain.printed_forms import PrintedForm
from engine.domain.signatures import SIGNATURE
from engine.store.case_record import CaseRecord
from engine.store.case_record import case_record
from engine.store.context import EngineContext
from engine.store.db import utcnow
from engine.store.models import AuditEvent
from engine.store.models import Case
from engine.store.models import CaseAttachment
from engine.store.models import FormTemplate
from engine.store.pdf_documents import document_number
from engine.store.pdf_documents import pdf_of
from engine.store.pdf_documents import printed_numbers


@dataclass(frozen=True)
class PrintedDocument:
    number: str
    filename: str
    content: bytes


def _latest(record: CaseRecord) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    for section in record.sections:
        for value in section.values:
            facts[value.field_id] = Fact(value.value, value.kind, value.columns)
    return facts


def _record(session: Session, case: Case) -> CaseRecord:
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.seq)))
    return case_record(session, case, events)


def _case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(Message("case %(id)s not found", id=case_id))
    return case


def forms_of_case(ctx: EngineContext, actor: Actor, case_id: int) -> list[FormOffer]:
    """The forms the case can print so far, with the numbers of those already printed."""
    require(actor, Permission.READ_CASES)
    with ctx.uow() as uow:
        case = _case(uow.session, case_id)
        recorded = _latest(_record(uow.session, case))
        numbers = printed_numbers(uow.connection, case_id)
        return printed_forms.offers(recorded, numbers)


def print_form(ctx: EngineContext, actor: Actor, case_id: int, form_key: str) -> PrintedDocument:
    """The form as a PDF, numbered on its first print; NotFound for a form the case lacks."""
    require(actor, Permission.READ_CASES)
    form = _form(form_key)
    zone = ZoneInfo(ctx.config.timezone)
    with ctx.uow(write=True) as uow:
        session = uow.session
        case = _case(session, case_id)
        facts = _latest(_record(session, case))
        if form not in printed_forms.offered(facts):
            raise NotFound(Message("case %(case)s has nothing for this form yet", case=case.number))
        signed = [
            int(fact.value["attachment_id"])
            for fact in facts.values()
            if fact.kind == SIGNATURE and isinstance(fact.value, dict) and fact.value.get("attachment_id")
        ]
        images = {
            row.id: (row.content_type, row.content)
            for row in session.execute(
                select(CaseAttachment.id, CaseAttachment.content_type, CaseAttachment.content).where(
                    CaseAttachment.id.in_(signed), CaseAttachment.case_id == case_id
                )
            )
        }
        today = clock.today(zone)
        number = document_number(uow.connection, case_id, form.key, form.prefix, today.year, actor.username)
        wording = session.scalar(select(FormTemplate.source).where(FormTemplate.form_key == form.key))
        context = FormContext(form, number, case.number, today, facts, images, zone)
        html = printed_forms.render_html(context, wording)
        uow.commit()
    return PrintedDocument(number, f"{number}.pdf", pdf_of(html))


@dataclass(frozen=True)
class FormWording:
    form: PrintedForm
    source: str  # what prints now: the administrator's wording, else the shipped template
    shipped: str
    changed: bool


def _form(form_key: str) -> PrintedForm:
    form = printed_forms.FORMS.get(form_key)
    if form is None:
        raise NotFound(Message("there is no printed form %(form)s", form=form_key))
    return form


def form_wordings(ctx: EngineContext, actor: Actor) -> list[FormWording]:
    require(actor, Permission.MANAGE_FORMS)
    with ctx.uow() as uow:
        changed = dict(uow.session.execute(select(FormTemplate.form_key, FormTemplate.source)).tuples().all())
    return [
        FormWording(form, changed.get(form.key) or shipped, shipped, form.key in changed)
        for form in printed_forms.FORMS.values()
        for shipped in (printed_forms.shipped_source(form),)
    ]


def form_wording(ctx: EngineContext, actor: Actor, form_key: str) -> FormWording:
    require(actor, Permission.MANAGE_FORMS)
    form = _form(form_key)
    shipped = printed_forms.shipped_source(form)
    with ctx.uow() as uow:
        source = uow.session.scalar(select(FormTemplate.source).where(FormTemplate.form_key == form_key))
    return FormWording(form, source or shipped, shipped, source is not None)


def _checked(form: PrintedForm, source: str) -> str:
    """The HTML of ``source`` with the sample values; InvalidData naming every problem."""
    problems = printed_forms.problems_of(source)
    if not problems:
        context = FormContext(
            form, f"{form.prefix}-2026-0001", "SR-2026-000101", date(2026, 3, 3), printed_forms.sample_facts(), {},
            ZoneInfo("Asia/Shanghai"),
        )  # fmt: skip
        try:
            return printed_forms.render_html(context, source)
        except (TemplateError, TypeError, ValueError) as err:
            problems = [f"the form does not print: {err}"]
    raise InvalidData({"source": "; ".join(problems)})


def preview_form(ctx: EngineContext, actor: Actor, form_key: str, source: str) -> bytes:
    """The PDF ``source`` would print, filled with the sample values."""
    require(actor, Permission.MANAGE_FORMS)
    return pdf_of(_checked(_form(form_key), source))


def save_form_wording(ctx: EngineContext, actor: Actor, form_key: str, source: str) -> None:
    """Print the form from ``source`` from now on (checked and tried with the sample values)."""
    require(actor, Permission.MANAGE_FORMS)
    form = _form(form_key)
    _checked(form, source)
    with ctx.uow(write=True) as uow:
        row = uow.session.get(FormTemplate, form_key) or FormTemplate(form_key=form_key)
        row.source, row.updated_at, row.updated_by = source, utcnow(), actor.username
        uow.session.add(row)
        uow.commit()


def reset_form_wording(ctx: EngineContext, actor: Actor, form_key: str) -> bool:
    """Print the shipped template again; False when it was not changed."""
    require(actor, Permission.MANAGE_FORMS)
    _form(form_key)
    with ctx.uow(write=True) as uow:
        row = uow.session.get(FormTemplate, form_key)
        if row is None:
            return False
        uow.session.delete(row)
        uow.commit()
        return True
