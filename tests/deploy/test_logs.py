"""`ccin serve`'s log as an operator gets it on stderr: JSON lines, an access log that by default holds no client
address and no query string (so no search's words), the full variant on request, and the level honoured."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from tests.deploy.conftest import Serve, serve_env

pytestmark = pytest.mark.slow

QUERY = "quokkaverse allotment cooperative"  # a query whose words appear nowhere else


def _run(sample_index: Path, workdir: Path, **settings: str) -> tuple[str, Serve]:
    """Serve, search for QUERY once, stop, and answer the log."""
    with Serve(workdir, serve_env(sample_index, log_format="json", **settings)) as serve:
        response = httpx.get(f"{serve.url}/search", params={"q": QUERY, "k": 2}, timeout=120)
        assert response.status_code == 200
        return serve.stop(), serve


def _lines(log: str) -> list[dict]:
    lines = [line for line in log.splitlines() if line.strip()]
    assert lines, "ccin serve wrote no log"
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"not a JSON line: {line!r}")
    for entry in parsed:
        assert {"time", "level", "logger", "message"} <= set(entry), entry
    return parsed


def _access(lines: list[dict], path: str) -> dict:
    found = [line for line in lines if line["logger"] == "ccin.access" and line["path"] == path]
    assert len(found) == 1, lines
    return found[0]


def test_json_log_with_an_anonymous_access_log(sample_index: Path, tmp_path: Path) -> None:
    log, _ = _run(sample_index, tmp_path)
    lines = _lines(log)
    search = _access(lines, "/search")
    assert search["method"] == "GET" and search["status"] == 200 and search["level"] == "info"
    assert isinstance(search["duration_ms"], float) and search["duration_ms"] >= 0
    assert "client" not in search and "query" not in search
    assert search["message"].startswith("GET /search 200 ")
    assert not any("client" in line or "127.0.0.1" in line["message"] for line in lines if "path" in line)
    for word in QUERY.split():
        assert word not in log
    # uvicorn's own lines are JSON too, through the same configuration.
    assert any(line["logger"].startswith("uvicorn") for line in lines)


def test_full_access_log_adds_the_client_and_the_query(sample_index: Path, tmp_path: Path) -> None:
    log, _ = _run(sample_index, tmp_path, access_log="full")
    search = _access(_lines(log), "/search")
    assert search["client"].startswith("127.0.0.1:")
    assert "q=quokkaverse+allotment+cooperative" in search["query"]
    assert "quokkaverse" in search["message"]


def test_an_empty_index_serves_with_a_warning_and_the_level_drops_info_lines(tmp_path: Path) -> None:
    data_dir = tmp_path / "no-index"
    with Serve(tmp_path, serve_env(data_dir, log_format="json", log_level="warning")) as serve:
        ready = httpx.get(f"{serve.url}/ready", timeout=60)
        assert ready.status_code == 200
        assert ready.json() == {"status": "empty", "documents": 0, "passages": 0, "generation": 0}
        assert httpx.get(f"{serve.url}/search", params={"q": QUERY}, timeout=120).status_code == 200
        log = serve.stop()
    lines = _lines(log)
    warnings = [line for line in lines if line["logger"] == "ccin" and line["level"] == "warning"]
    assert len(warnings) == 1
    assert f"no index in {data_dir.resolve()}" in warnings[0]["message"]
    assert "ccin ingest" in warnings[0]["message"]
    assert [line for line in lines if line["level"] in ("debug", "info")] == []


def test_text_log_by_default(sample_index: Path, tmp_path: Path) -> None:
    with Serve(tmp_path, serve_env(sample_index)) as serve:
        assert httpx.get(f"{serve.url}/search", params={"q": QUERY}, timeout=120).status_code == 200
        log = serve.stop()
    access = [line for line in log.splitlines() if " ccin.access: GET /search " in line]
    assert len(access) == 1 and re.search(r" INFO ccin\.access: GET /search 200 [0-9.]+ ms$", access[0]), access
    assert QUERY.split()[0] not in log
