"""Separation of duties declared on tasks: refused on completion through the web form and the
API with a plain reason, and accepted from someone else."""

from __future__ import annotations

import re

import pytest

from engine.bpmn.building import check_files
from engine.domain.errors import NotAllowed
from engine.domain.roles import role_aliases
from engine.services import cases
from engine.services import tasks
from tests.actors import SYSTEM
from tests.diagrams import definitions
from tests.diagrams import flow
from tests.webapp.test_pages import csrf
from tests.webapp.test_pages import sign_in


def four_eyes(rule: str = '<camunda:property name="separation.not_same_as" value="issue"/>') -> bytes:
    """Issue a notice (quality office) → approve it (division head, not the issuer) → end."""
    approve_ext = (
        f"<bpmn:extensionElements><camunda:properties>{rule}</camunda:properties>"
        '<camunda:formData><camunda:formField id="approved" label="批准" type="boolean"/></camunda:formData>'
        "</bpmn:extensionElements>"
    )
    body = "\n".join(
        [
            '<bpmn:startEvent id="start"/>',
            '<bpmn:userTask id="issue" name="Issue notice"><bpmn:extensionElements><camunda:formData>'
            '<camunda:formField id="notice_no" label="通知单号" type="string"/>'
            "</camunda:formData></bpmn:extensionElements></bpmn:userTask>",
            f'<bpmn:userTask id="approve" name="Approve notice">{approve_ext}</bpmn:userTask>',
            '<bpmn:endEvent id="end"/>',
            flow("f1", "start", "issue"),
            flow("f2", "issue", "approve"),
            flow("f3", "approve", "end"),
        ]
    )
    lanes = {"quality_office": ["start", "issue"], "division_head": ["approve", "end"]}
    return definitions("four_eyes", body, lanes, starters="quality_office")


@pytest.fixture
def issued(ctx, deploy, make_user):
    """A notice issued by someone who is also a division head."""
    deploy({"four_eyes.bpmn": four_eyes()})
    both = make_user("both", "quality_office", "division_head")
    other = make_user("head", "division_head")
    case = cases.start_case(ctx, both, "four_eyes", {})
    [issue] = [t for t in tasks.list_tasks(ctx, both) if t.case_id == case.id]
    tasks.complete_task(ctx, both, issue.id, {"notice_no": "TH-01"})
    [approve] = [t for t in tasks.list_tasks(ctx, both) if t.case_id == case.id]
    return case, approve, both, other


def test_the_issuer_is_refused_in_the_web_form_and_keeps_what_was_typed(app, ctx, issued) -> None:
    case, approve, _both, other = issued
    client = app.test_client()
    sign_in(client, "both")
    token = csrf(client, f"/tasks/{approve.id}")
    refused = client.post(f"/tasks/{approve.id}", data={"csrf_token": token, "approved": "true"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 403
    assert "Issue notice" in page and "职责分离" in page
    assert re.search(r'name="approved"[^>]*checked', page)  # the answer typed is still there
    assert tasks.complete_task(ctx, other, approve.id, {"approved": True}).status == "completed"


def test_the_issuer_is_refused_through_the_api(app, ctx, issued) -> None:
    from engine.services import users

    _case, approve, _both, _other = issued
    token = users.create_token(ctx, SYSTEM, "both", "sod")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    refused = client.post(f"/api/v1/tasks/{approve.id}/complete", json={"data": {"approved": True}}, headers=headers)
    assert refused.status_code == 403
    assert "separation of duties" in refused.get_json()["error"] and "Issue notice" in refused.get_json()["error"]
    claim = client.post(f"/api/v1/tasks/{approve.id}/claim", headers=headers)
    assert claim.status_code == 403


def test_not_the_initiator(ctx, deploy, make_user) -> None:
    deploy({"four_eyes.bpmn": four_eyes('<camunda:property name="separation.not_initiator" value="true"/>')})
    both = make_user("both", "quality_office", "division_head")
    case = cases.start_case(ctx, both, "four_eyes", {})
    [issue] = [t for t in tasks.list_tasks(ctx, both) if t.case_id == case.id]
    tasks.complete_task(ctx, both, issue.id, {"notice_no": "TH-02"})
    [approve] = [t for t in tasks.list_tasks(ctx, both) if t.case_id == case.id]
    with pytest.raises(NotAllowed, match="who opened the case"):
        tasks.complete_task(ctx, both, approve.id, {"approved": True})
    assert tasks.complete_task(ctx, make_user("head", "division_head"), approve.id, {}).status == "completed"


@pytest.mark.parametrize(
    "rule, message",
    [
        ('<camunda:property name="separation.not_same_as" value="nowhere"/>', "names 'nowhere'"),
        ('<camunda:property name="separation.not_same_as" value="approve"/>', "names 'approve'"),  # itself
        ('<camunda:property name="separation.not_by" value="issue"/>', "unknown separation rule"),
        ('<camunda:property name="separation.not_initiator" value="yes"/>', "must be true or false"),
    ],
)
def test_a_rule_that_cannot_hold_is_refused_at_upload(rule: str, message: str) -> None:
    problems, built = check_files({"four_eyes.bpmn": four_eyes(rule)}, role_aliases())
    assert not built
    assert [p.element for p in problems if message in p.message] == ["approve"]
