"""The app as a whole: model inference off the event loop, several workers over one index, and an OpenAPI
document that lists every route with its response models and error responses."""

from __future__ import annotations

import importlib
import os
import pkgutil
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute

import api.routes
from kb.filters import ROLE_CHOICES
from tests.conftest import LiveServer
from tests.servers import free_port, wait_until_ready


def test_health_answers_while_searches_are_running(live_server: LiveServer) -> None:
    """Searches run in the thread pool; if one ran on the event loop, /health would queue behind it."""
    long_query = " ".join(["cooperative community energy asset transfer social value"] * 8)

    def search(i: int) -> int:
        params: dict[str, str | int] = {"q": f"{long_query} {i}", "k": 100, "mode": "hybrid"}
        return httpx.get(f"{live_server.url}/search", params=params, timeout=120).status_code

    def health(_: int) -> int:
        return httpx.get(f"{live_server.url}/health", timeout=120).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        searches = [pool.submit(search, i) for i in range(4)]
        checks = [pool.submit(health, i) for i in range(8)]
        assert [f.result() for f in checks] == [200] * 8
        assert [f.result() for f in searches] == [200] * 4


@pytest.mark.slow
def test_two_workers_serve_one_index(sample_index: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(sample_index, data_dir)
    port = free_port()
    ccin = Path(sys.executable).with_name("ccin")
    env = {
        **os.environ,
        "CCIN_DATA_DIR": str(data_dir),
        "CCIN_RATE_LIMIT_PER_MINUTE": "0",
        "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
    }
    process = subprocess.Popen(
        [str(ccin), "serve", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(
            f"{url}/ready", 300, alive=lambda: process.poll() is None, what="ccin serve --workers 2", interval=0.5
        )
        tops = set()
        with httpx.Client(base_url=url, timeout=120) as client:
            for _ in range(6):
                # A fresh connection each time, so the OS may hand it to either worker.
                response = client.get(
                    "/search",
                    params={"q": "community asset transfer", "k": 1},
                    headers={"Connection": "close"},
                )
                assert response.status_code == 200
                tops.add(response.json()["results"][0]["citation"]["document_id"])
            assert client.get("/ready").json()["documents"] == 9
        assert tops == {"beyond-asset-transfer"}
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


# ---- OpenAPI ------------------------------------------------------------------------------------------


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


EXPECTED = {
    # (method, path): {status: schema of the application/json body, or None when it is not JSON}
    ("get", "/search"): {"200": "SearchResponse", "404": "ErrorOut", "422": "ErrorOut", "429": "ErrorOut"},
    ("get", "/evidence"): {"200": "EvidenceResponse", "404": "ErrorOut", "422": "ErrorOut", "429": "ErrorOut"},
    ("get", "/documents"): {"200": "DocumentList", "422": "ErrorOut"},
    ("get", "/documents/{document_id}"): {"200": "DocumentOut", "404": "ErrorOut", "422": "ErrorOut"},
    ("get", "/documents/{document_id}/file"): {"200": None, "404": "ErrorOut", "422": "ErrorOut"},
    ("get", "/principles"): {"200": "PrincipleSummary[]"},
    ("get", "/principles/declared-vs-found"): {"200": "DeclaredVersusFoundOut"},
    ("get", "/health"): {"200": "HealthOut"},
    ("get", "/ready"): {"200": "ReadyOut", "503": "UnavailableOut"},
    ("post", "/admin/documents"): {
        "201": "DocumentOut",
        "400": "ErrorOut",
        "401": "ErrorOut",
        "403": "ErrorOut",
        "409": "ErrorOut",
        "413": "ErrorOut",
        "415": "ErrorOut",
        "422": "ErrorOut",
    },
    ("delete", "/admin/documents/{document_id}"): {
        "204": None,
        "401": "ErrorOut",
        "403": "ErrorOut",
        "404": "ErrorOut",
        "422": "ErrorOut",
    },
    ("get", "/admin/queries"): {
        "200": "QueryLogOut",
        "401": "ErrorOut",
        "403": "ErrorOut",
        "422": "ErrorOut",
    },
    ("get", "/widget.js"): {"200": None, "304": None, "422": "ErrorOut"},
    ("get", "/"): {"200": None},
}


@pytest.fixture(scope="module")
def openapi(live_server: LiveServer) -> dict:
    response = httpx.get(f"{live_server.url}/openapi.json", timeout=60)
    assert response.status_code == 200
    return response.json()


def _declared_routes() -> set[tuple[str, str]]:
    """Every route of every router module under api/routes/, found by walking the package."""
    routes = set()
    for module_info in pkgutil.iter_modules(api.routes.__path__):
        module = importlib.import_module(f"api.routes.{module_info.name}")
        for route in module.router.routes:
            if isinstance(route, APIRoute):
                routes |= {(method.lower(), route.path) for method in route.methods or ()}
    return routes


def test_openapi_lists_every_route_of_the_app(openapi: dict) -> None:
    routes = _declared_routes()
    documented = {(method, path) for path, operations in openapi["paths"].items() for method in operations}
    assert documented == routes == set(EXPECTED)


@pytest.mark.parametrize(("operation", "statuses"), EXPECTED.items(), ids=lambda v: str(v))
def test_each_operation_documents_its_response_models_and_errors(
    openapi: dict, operation: tuple[str, str], statuses: dict[str, str | None]
) -> None:
    method, path = operation
    responses = openapi["paths"][path][method]["responses"]
    assert set(responses) == set(statuses)
    for status, model in statuses.items():
        assert responses[status]["description"]
        if model is None:
            continue
        schema = responses[status]["content"]["application/json"]["schema"]
        if model.endswith("[]"):
            assert schema["type"] == "array" and schema["items"] == _ref(model[:-2])
        else:
            assert schema == _ref(model)


def test_the_error_shape_is_the_only_one_documented(openapi: dict) -> None:
    schemas = openapi["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert schemas["ErrorOut"]["required"] == ["error"]
    assert set(schemas["ErrorBody"]["properties"]) == {"code", "message", "details"}
    retry = openapi["paths"]["/search"]["get"]["responses"]["429"]["headers"]["Retry-After"]
    assert retry["schema"] == {"type": "integer"}


def test_search_parameters_are_documented_with_their_limits(openapi: dict) -> None:
    parameters = {p["name"]: p for p in openapi["paths"]["/search"]["get"]["parameters"]}
    assert set(parameters) == {
        "q",
        "k",
        "principle",
        "council",
        "year_from",
        "year_to",
        "type",
        "document",
        "mode",
        "role",
        "group",
        "sort",
        "offset",
        "interpret",
    }
    assert parameters["q"]["required"] is True
    assert parameters["k"]["schema"]["minimum"] == 1 and parameters["k"]["schema"]["maximum"] == 100
    principle = parameters["principle"]["schema"]["anyOf"][0]
    assert (principle["minimum"], principle["maximum"]) == (1, 10)
    assert parameters["mode"]["schema"]["enum"] == ["hybrid", "bm25", "dense"]
    assert set(parameters["role"]["schema"]["enum"]) == set(ROLE_CHOICES)
    assert parameters["group"]["schema"]["enum"] == ["passage", "document"]
    assert parameters["sort"]["schema"]["enum"] == ["relevance", "newest"]
    assert parameters["offset"]["schema"]["minimum"] == 0


def test_the_file_route_documents_every_format_it_serves(openapi: dict) -> None:
    content = openapi["paths"]["/documents/{document_id}/file"]["get"]["responses"]["200"]["content"]
    assert {"application/pdf", "text/html", "text/markdown", "text/plain"} <= set(content)


def test_the_service_runs_matrix_products_on_one_blas_thread(tmp_path: Path) -> None:
    """Concurrent requests on few cores: a product split over threads waits for a busy core (ccin/app.py)."""
    code = (
        "from pathlib import Path; from threadpoolctl import threadpool_info; "
        "from ccin.app import service_app; from ccin.settings import load_settings; "
        "before = max(i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas'); "
        f"service_app(load_settings(data_dir=Path({str(tmp_path / 'data')!r}))); "
        "after = {i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas'}; "
        "print(before, sorted(after))"
    )
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300, check=True)
    assert out.stdout.split()[0] == "2"  # the library would use two threads on its own
    assert out.stdout.strip().endswith("[1]")
