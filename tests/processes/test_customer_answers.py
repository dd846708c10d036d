"""The customer's own answers (S2 7.2.6; S0 二十四–二十五): the feedback form signed on the phone
after the service, and desk entries that say how the customer answered."""

from __future__ import annotations

import base64
import hashlib
import io
from typing import Any

import pytest
import segno
from sqlalchemy import select

from engine.domain.errors import InvalidData
from engine.domain.file_kinds import Upload
from engine.services import customer_links
from engine.services import tasks
from engine.store.models import AuditEvent
from engine.store.models import CaseAttachment
from tests.processes.conftest import Scenario
from tests.processes.journeys import CALL
from tests.processes.journeys import IN_WARRANTY
from tests.processes.journeys import SATISFIED
from tests.processes.journeys import dispatch_and_repair
from tests.processes.journeys import to_solution

PDF_SCAN = b"%PDF-1.4\n% the customer's filled-in feedback form, scanned\n%%EOF\n"


def drawing() -> bytes:
    """A PNG such as the signature pad sends (any PNG will do for the server)."""
    buffer = io.BytesIO()
    segno.make("李经理").save(buffer, kind="png", scale=4)
    return buffer.getvalue()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def repaired(start: Any) -> Scenario:
    case = start("service_request")
    to_solution(case, "onsite")
    dispatch_and_repair(case)
    assert case.open() == ["feedback"]
    return case


def completion_of(ctx: Any, case: Scenario, step: str) -> dict[str, Any]:
    with ctx.uow() as uow:
        query = select(AuditEvent.data).where(
            AuditEvent.case_id == case.id, AuditEvent.action == "task_completed", AuditEvent.bpmn_id == step
        )
        return dict(uow.session.scalars(query).one())


def sign_by_link(ctx: Any, staff: dict[str, Any], case: Scenario, values: dict[str, Any]) -> tasks.Completion:
    item = case.task("service_desk", "feedback")
    link = customer_links.issue_task_link(ctx, staff["engineer_wang"], case.id, item.id)  # the engineer's phone
    return tasks.complete_by_link(ctx, link.token, values)


def test_the_customer_signs_the_feedback_form_on_the_phone_and_its_hash_is_in_the_trail(ctx, start, staff) -> None:
    case = repaired(start)
    png = drawing()
    sign_by_link(ctx, staff, case, {"feedback_signed_by": "李经理", "customer_signature": data_url(png)})
    assert case.open() == ["approve_leave"]
    event = completion_of(ctx, case, "feedback")
    signed = event["customer_signature"]
    assert signed["sha256"] == hashlib.sha256(png).hexdigest()  # the drawing as sent, byte for byte
    assert event["answered_by"] == "link" and "on_behalf_of" not in event
    with ctx.uow() as uow:
        stored = uow.session.get_one(CaseAttachment, signed["attachment_id"])
        assert (stored.case_id, stored.content, stored.content_type) == (case.id, png, "image/png")
    assert case.data["customer_signature"] == signed  # the process keeps the reference, never the image


@pytest.mark.parametrize(
    "signature",
    ["", "data:image/jpeg;base64,/9j/4AAQ", "data:image/png;base64," + base64.b64encode(b"not a png").decode()],
    ids=["none", "a-jpeg", "not-a-png"],
)
def test_a_customer_who_did_not_draw_a_signature_is_asked_for_it(ctx, start, staff, signature: str) -> None:
    case = repaired(start)
    with pytest.raises(InvalidData) as refused:
        sign_by_link(ctx, staff, case, {"feedback_signed_by": "李经理", "customer_signature": signature})
    assert list(refused.value.errors) == ["customer_signature"]
    assert case.open() == ["feedback"]


def test_a_desk_entry_must_say_how_the_customer_answered(ctx, start, staff) -> None:
    case = repaired(start)
    item = case.task("service_desk", "feedback")
    with pytest.raises(InvalidData) as refused:
        tasks.complete_task(ctx, staff["service_desk"], item.id, {"feedback_signed_by": "李经理"})
    assert list(refused.value.errors) == ["answered_by"]
    with pytest.raises(InvalidData) as refused:  # the paper form's scan is the evidence
        tasks.complete_task(ctx, staff["service_desk"], item.id, {"answered_by": "paper", "feedback_signed_by": "李"})
    assert list(refused.value.errors) == ["paper_scan"]
    with pytest.raises(InvalidData) as refused:  # "not reached" is the survey's, not the signature's
        tasks.complete_task(ctx, staff["service_desk"], item.id, {"answered_by": "not_reached"})
    assert "answered_by" in refused.value.errors


def test_a_paper_form_entered_at_the_desk_keeps_its_scan_and_needs_no_drawn_signature(ctx, start, staff) -> None:
    case = repaired(start)
    item = case.task("service_desk", "feedback")
    scan = Upload("反馈表.pdf", PDF_SCAN)
    tasks.complete_task(ctx, staff["service_desk"], item.id, {"answered_by": "paper", "feedback_signed_by": "李"}, scan)
    event = completion_of(ctx, case, "feedback")
    assert (event["answered_by"], event["on_behalf_of"]) == ("paper", "customer")
    assert event["paper_scan"]["sha256"] == hashlib.sha256(PDF_SCAN).hexdigest()
    assert "customer_signature" not in event
    with ctx.uow() as uow:
        stored = uow.session.get_one(CaseAttachment, event["paper_scan"]["attachment_id"])
        assert (stored.content, stored.content_type) == (PDF_SCAN, "application/pdf")


def test_a_scan_that_is_no_pdf_or_image_is_refused(ctx, start, staff) -> None:
    case = repaired(start)
    item = case.task("service_desk", "feedback")
    with pytest.raises(InvalidData) as refused:
        tasks.complete_task(
            ctx, staff["service_desk"], item.id, {"answered_by": "paper", "feedback_signed_by": "李"},
            Upload("form.pdf", b"MZ\x90\x00 an executable"),
        )  # fmt: skip
    assert list(refused.value.errors) == ["paper_scan"]


def surveyed(start: Any) -> Scenario:
    case = start("service_request")
    case.do("service_desk", "register", CALL)
    case.do("quality_office", "triage", IN_WARRANTY)
    case.do("tech_support", "guidance", {"resolved": True, "guidance_note": "复位后恢复"})
    assert case.open() == ["rate"]
    return case


def test_a_customer_not_reached_after_three_calls_closes_the_survey_without_ratings(ctx, start) -> None:
    case = surveyed(start)
    case.do("service_desk", "rate", {"answered_by": "not_reached", "contact_attempts": "3"})
    assert case.open() == []  # no ratings, so no poor rating and no follow-up by the quality office
    assert case.info.next_timer_at is not None  # the follow-up call a month later still comes
    event = completion_of(ctx, case, "rate")
    assert (event["answered_by"], event["contact_attempts"]) == ("not_reached", 3)
    assert all(event[f"rating_{item}"] is None for item in ("attitude", "skill", "arrival", "promises"))


def test_not_reached_needs_the_calls_made_and_no_answers(start) -> None:
    case = surveyed(start)
    with pytest.raises(InvalidData) as refused:
        case.do("service_desk", "rate", {"answered_by": "not_reached"})
    assert list(refused.value.errors) == ["contact_attempts"]
    with pytest.raises(InvalidData) as refused:  # an answer for a customer who gave none
        case.do("service_desk", "rate", {"answered_by": "declined", "rating_attitude": "satisfied"})
    assert list(refused.value.errors) == ["rating_attitude"]
    case.do("service_desk", "rate", {"answered_by": "declined"})
    assert case.open() == []


def test_ratings_taken_by_phone_are_marked_as_a_desk_entry(ctx, start) -> None:
    case = surveyed(start)
    case.do("service_desk", "rate", {**SATISFIED, "answered_by": "phone"})
    event = completion_of(ctx, case, "rate")
    assert (event["answered_by"], event["on_behalf_of"], event["rating_skill"]) == ("phone", "customer", "satisfied")
