"""The OpenAPI document: valid OpenAPI 3.1, and a property-based run of Schemathesis over every route of it with a
manager's real token finds no 500 and no response that breaks the document (status, content type, schema)."""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate

from feedback.auth.api_tokens import create_api_token
from feedback.db import db
from feedback.models import Role
from tests.dashboard.conftest import add_responses


def test_the_document_is_valid_openapi_3_1_and_describes_every_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    documented = {
        (path, method.upper()) for path, ops in spec["paths"].items() for method in ops if method != "parameters"
    }
    routes = {
        (rule.rule.replace("<int:", "{").replace(">", "}"), method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == documented
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if method == "parameters":
                continue
            assert {"401", "429"} <= set(op["responses"]), f"{method} {path}: errors not documented"
            problem = op["responses"]["401"]
            assert "application/problem+json" in problem.get("content", {}) or "$ref" in problem


@pytest.fixture
def api_schema(app, make_user, make_speaker, make_session):
    """The document served by the app, and a centre with a manager's token for the run to use."""
    manager = make_user(Role.MANAGER)
    session = make_session(speakers=[make_speaker("Inès Roy")], start_date=date(2025, 4, 2), present=12)
    add_responses(session, [4, 3, 4, 2, 4, 4])
    secret = create_api_token(manager, name="schemathesis").secret
    db.session.commit()
    app.config["API_RATE_LIMIT"], saved = "100000 per minute", app.config["API_RATE_LIMIT"]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    yield schema, {"Authorization": f"Bearer {secret}"}
    app.config["API_RATE_LIMIT"] = saved


def test_no_request_of_the_document_breaks_the_api(api_schema):
    """Every operation, with generated valid and invalid parameters and bodies (a modest number of examples each):
    Schemathesis' checks (no 5xx, documented status and content type, body matching its schema) all pass."""
    schema, headers = api_schema
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def run(case):
            case.call_and_validate(headers=headers)

        run()
