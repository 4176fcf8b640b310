"""Property-based fuzzing of the live API against its own OpenAPI document (schemathesis): no request may
yield a 500, and every response must match the status, content type, headers and schema documented for it.

Each read operation is fuzzed twice: with data that fits its schema and with data that breaks it. The admin
write routes change the index, so tests/api/test_admin.py covers them instead."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import SAMPLE_IDS, LiveServer, make_settings

MAX_EXAMPLES = 25
WITH_PARAMETERS = [
    "/search",
    "/evidence",
    "/documents",
    "/documents/{document_id}",
    "/documents/{document_id}/file",
    "/admin/queries",
]
WITHOUT_PARAMETERS = ["/principles", "/principles/declared-vs-found", "/health", "/ready", "/widget.js", "/"]
OPERATIONS = [(path, GenerationMode.POSITIVE) for path in WITH_PARAMETERS + WITHOUT_PARAMETERS] + [
    (path, GenerationMode.NEGATIVE) for path in WITH_PARAMETERS
]


@pytest.fixture(scope="module")
def fuzz_server(sample_index: Path) -> Iterator[LiveServer]:
    """The sample index read-only, with the query log off so hundreds of generated searches leave no trace."""
    server_settings = make_settings(sample_index, api_key="test-key", rate_limit_per_minute=0, query_log=False)
    with LiveServer(server_settings) as server:
        yield server


@pytest.fixture(scope="module")
def api_schema(fuzz_server: LiveServer) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{fuzz_server.url}/openapi.json")


def test_every_read_route_is_fuzzed(api_schema: schemathesis.BaseSchema) -> None:
    documented = {path for path, methods in api_schema.raw_schema["paths"].items() if "get" in methods}
    assert documented == set(WITH_PARAMETERS + WITHOUT_PARAMETERS)


@pytest.mark.slow
@pytest.mark.parametrize(("path", "mode"), OPERATIONS, ids=[f"{m.value}:{p}" for p, m in OPERATIONS])
def test_the_operation_keeps_its_contract(
    api_schema: schemathesis.BaseSchema, fuzz_server: LiveServer, path: str, mode: GenerationMode
) -> None:
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def fuzz(case: schemathesis.Case) -> None:
        # positive_data_acceptance is left out on purpose: an inverted year range is valid for each
        # parameter alone, which OpenAPI cannot express, and the API rightly answers it 422.
        case.call_and_validate(
            base_url=fuzz_server.url,
            headers={"X-API-Key": "test-key"},
            excluded_checks=[positive_data_acceptance],
        )

    fuzz()


@pytest.mark.parametrize("route", ["/documents/{document_id}", "/documents/{document_id}/file"])
def test_every_real_document_answers_as_documented(
    api_schema: schemathesis.BaseSchema, fuzz_server: LiveServer, route: str
) -> None:
    """Random ids almost never hit a real one, so each indexed document (PDF, web page and text file alike)
    is checked against the schema explicitly."""
    operation = api_schema[route]["GET"]
    for document_id in (*SAMPLE_IDS, "001-e33d7f85c6ea2c8b", "004-d017fc122f128cc7"):
        case = operation.Case(path_parameters={"document_id": document_id})
        response = case.call_and_validate(base_url=fuzz_server.url)
        assert response.status_code == 200
