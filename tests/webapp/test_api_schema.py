"""Schemathesis drives every operation of the OpenAPI document against the real app."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from engine.services import cases
from engine.services import users
from tests import diagrams
from tests.actors import SYSTEM

# The HTTP layer, the same on every database: run once (the services behind it run on PostgreSQL
# too, in their own tests).
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def api_schema(app, ctx, make_user, deploy):
    deploy({"linear.bpmn": diagrams.linear()})
    desk = make_user("desk1", "service_desk", "quality_office")
    for _ in range(2):
        cases.start_case(ctx, desk, "two_steps", {"channel": "phone"})
    token = users.create_token(ctx, SYSTEM, "desk1")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.config.headers = {"Authorization": f"Bearer {token}"}
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


# Start and completion data are checked against the process's own forms, which a static
# document cannot describe: a body that fits the document may still be refused with 422.
FORM_CHECKED = {("POST", "/api/v1/cases"), ("POST", "/api/v1/tasks/{task_id}/complete")}


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@SQLITE_ONLY
def test_every_operation_keeps_to_the_document(case) -> None:
    excluded = [positive_data_acceptance] if (case.method, case.path) in FORM_CHECKED else []
    case.call_and_validate(headers=case.operation.schema.config.headers, excluded_checks=excluded)
