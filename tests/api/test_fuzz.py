"""Property-based fuzzing of the real app, in process, against its own OpenAPI document (schemathesis): every
operation, the admin routes included, with data that fits its schema and data that breaks it. No request may
yield a 5xx; every response must carry a documented status and content type and match the documented schema;
data that fits the schema must be accepted and data that breaks it refused.

Bounded and seeded (MAX_EXAMPLES per operation and mode, derandomised) so a run is repeatable and takes a few
minutes. The app serves a private copy of the sample index, since the admin routes write to it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.transport.serialization import Binary  # how schemathesis carries bytes in a body

from api.schemas import QUERY_PATTERN, clean_text
from ccin.app import service_app
from tests.api.test_admin import pilot_pdf
from tests.conftest import SAMPLE_IDS, make_settings

MAX_EXAMPLES = 25
KEY = {"X-API-Key": "test-key"}
PILOT_PDF = pilot_pdf("Quillborough")
OPERATIONS = [
    ("GET", "/search"),
    ("GET", "/evidence"),
    ("GET", "/documents"),
    ("GET", "/documents/{document_id}"),
    ("GET", "/documents/{document_id}/file"),
    ("GET", "/principles"),
    ("GET", "/principles/declared-vs-found"),
    ("GET", "/health"),
    ("GET", "/ready"),
    ("GET", "/widget.js"),
    ("GET", "/"),
    ("GET", "/admin/queries"),
    ("POST", "/admin/documents"),
    ("DELETE", "/admin/documents/{document_id}"),
]
# Operations that document no parameters and no body have no invalid data to send (/widget.js reads its
# cache-busting `v` without documenting it).
WITHOUT_INPUTS = {"/principles", "/principles/declared-vs-found", "/health", "/ready", "/", "/widget.js"}
RUNS = [(method, path, GenerationMode.POSITIVE) for method, path in OPERATIONS] + [
    (method, path, GenerationMode.NEGATIVE) for method, path in OPERATIONS if path not in WITHOUT_INPUTS
]


@pytest.fixture(scope="module")
def fuzz_app(sample_index: Path, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """A private copy of the sample index, an admin key, no rate limit, and the query log off so hundreds of
    generated searches leave no trace."""
    data_dir = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(sample_index, data_dir)
    options: dict[str, Any] = {"api_key": "test-key", "rate_limit_per_minute": 0, "query_log": False}
    return service_app(make_settings(data_dir, max_upload_mb=0.05, **options))


@pytest.fixture(scope="module")
def api_schema(fuzz_app: FastAPI) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)

    @schema.hook
    def filter_query(context: schemathesis.HookContext, query: dict[str, Any] | None) -> bool:
        """The rules JSON Schema cannot state, given in words in the parameters' descriptions and answered 422:
        a year range must not be inverted (no comparison between parameters), and a query must keep a character
        once cleaned (no Unicode categories in a pattern)."""
        query = query or {}
        years = query.get("year_from"), query.get("year_to")
        if all(isinstance(year, int) for year in years) and years[0] > years[1]:  # type: ignore[operator]
            return False
        q = query.get("q")
        return not (isinstance(q, str) and re.search(QUERY_PATTERN, q) and not clean_text(q))

    @schema.hook
    def map_body(context: schemathesis.HookContext, body: Any) -> Any:
        """ "A PDF" is beyond a schema (format: binary is any bytes), so an upload whose file is well formed
        carries a real one; a body broken elsewhere stays broken."""
        upload = context.operation is not None and context.operation.path == "/admin/documents"
        if upload and isinstance(body, dict) and isinstance(body.get("file"), str):  # Binary is a str
            return {**body, "file": Binary(PILOT_PDF)}
        return body

    return schema


def test_every_operation_is_fuzzed(api_schema: schemathesis.BaseSchema) -> None:
    paths = api_schema.raw_schema["paths"]
    documented = {(method.upper(), path) for path, operations in paths.items() for method in operations}
    assert documented == set(OPERATIONS)


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path", "mode"), RUNS, ids=[f"{m.value}:{v} {p}" for v, p, m in RUNS])
def test_the_operation_keeps_its_contract(
    api_schema: schemathesis.BaseSchema, method: str, path: str, mode: GenerationMode
) -> None:
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=KEY)

    fuzz()


@pytest.mark.parametrize("route", ["/documents/{document_id}", "/documents/{document_id}/file"])
def test_every_real_document_answers_as_documented(api_schema: schemathesis.BaseSchema, route: str) -> None:
    """Random ids almost never hit a real one, so each indexed document (PDF, web page and text file alike)
    is checked against the schema explicitly."""
    operation = api_schema[route]["GET"]
    for document_id in (*SAMPLE_IDS, "001-e33d7f85c6ea2c8b", "004-d017fc122f128cc7"):
        case = operation.Case(path_parameters={"document_id": document_id})
        response = case.call_and_validate()
        assert response.status_code == 200
