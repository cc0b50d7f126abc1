"""Schema-based fuzzing of the read API with schemathesis: every operation of the live OpenAPI description
(/api/v1/openapi.json, loaded through the WSGI application) gets generated requests, valid ones (positive) and
invalid ones (negative), with and without a token; none may answer with a server error, and each answer must match
the description (documented status code, JSON body valid against its schema).

Bounded: a few dozen examples per operation and mode, no shrinking (well under a minute). The schema is loaded
inside the test (schemathesis' lazy pytest fixture does not work with pytest 9), and each operation is driven by
Hypothesis through `operation.as_strategy()`."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from api import http
from tests.api.factories import ApiTokenFactory
from tests.events.factories import SessionFactory
from tests.places.factories import PlaceFactory

EXAMPLES = {GenerationMode.POSITIVE: 30, GenerationMode.NEGATIVE: 15}


@pytest.fixture
def api_schema(monkeypatch):
    monkeypatch.setattr(http, "ANONYMOUS_LIMIT", 10**6)
    monkeypatch.setattr(http, "TOKEN_LIMIT", 10**6)
    PlaceFactory.create_batch(3, published=True, complete=True)
    SessionFactory()
    # Like Django's test client: the end of a request must not close the test's connection (its transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def operations(schema):
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) == 4, "the description lists the four operations of v1"
    return found


@pytest.mark.parametrize("mode", list(EXAMPLES), ids=lambda mode: mode.value)
@pytest.mark.parametrize("with_token", [True, False], ids=["jeton", "sans-jeton"])
def test_no_server_error_and_answers_match_the_schema(api_schema, mode, with_token):
    headers = {"Authorization": f"Bearer {ApiTokenFactory().secret}"} if with_token else {}
    checks = [not_a_server_error, status_code_conformance, response_schema_conformance]
    made = {}
    for operation in operations(api_schema):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES[mode],
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def call(case):
            made[case.operation.label] = made.get(case.operation.label, 0) + 1
            case.call_and_validate(headers=headers, checks=checks)

        try:
            call()
        except Unsatisfiable:
            # Nothing to break in this operation's input (e.g. a free-text path parameter): no negative case.
            assert mode == GenerationMode.NEGATIVE, operation.label
    if mode == GenerationMode.POSITIVE:
        assert len(made) == 4 and min(made.values()) >= 5, made
