"""`ccin search` prints readable results, and with `--json` exactly the body GET /search answers. The CLI runs
in-process (click's CliRunner): no process boundary is under test here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

from ccin.cli import cli
from kb.filters import Filters
from kb.knowledge_base import KnowledgeBase
from tests.conftest import search


def run_search(data_dir: Path, *args: str) -> Result:
    """`ccin --data-dir DATA_DIR search ARGS`; an exception the CLI does not handle fails the test."""
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), "search", *args], catch_exceptions=False)


def comparable(body: dict[str, Any], host: str) -> dict[str, Any]:
    """The body without took_ms and with the citation URLs' host prefix removed (the CLI has no base URL)."""
    body = {key: value for key, value in body.items() if key != "took_ms"}
    for result in body["results"]:
        for cited in [result["citation"], *result["also_in"]]:
            assert cited["url"].startswith(host) or cited["url"].startswith("/")
            cited["url"] = cited["url"].removeprefix(host)
    return body


@pytest.mark.parametrize(
    ("cli_args", "params"),
    [
        (["Dynamic Purchasing System", "--k", "5"], {"q": "Dynamic Purchasing System", "k": 5}),
        (
            [
                "cooperative enterprise",
                "--k",
                "7",
                "--mode",
                "bm25",
                "--council",
                "oxford",
                "--year-from",
                "2022",
                "--principle",
                "4",
            ],
            {
                "q": "cooperative enterprise",
                "k": 7,
                "mode": "bm25",
                "council": "oxford",
                "year_from": 2022,
                "principle": 4,
            },
        ),
        (
            ["further reading", "--group", "document", "--offset", "2", "--role", "any", "--sort", "newest"],
            {"q": "further reading", "group": "document", "offset": 2, "role": "any", "sort": "newest"},
        ),
    ],
)
def test_json_output_is_the_http_response_body(
    sample_index: Path, http: httpx.Client, cli_args: list[str], params: dict[str, Any]
) -> None:
    done = run_search(sample_index, *cli_args, "--json")
    assert done.exit_code == 0, done.output
    response = http.get("/search", params=params)
    assert response.status_code == 200
    host = str(http.base_url).rstrip("/")
    cli_body, http_body = comparable(json.loads(done.stdout), host), comparable(response.json(), host)
    assert cli_body["results"]
    assert cli_body == http_body


def test_readable_output_lists_label_snippet_sources_and_link(sample_index: Path, kb: KnowledgeBase) -> None:
    done = run_search(sample_index, "Dynamic Purchasing System", "--k", "2")
    assert done.exit_code == 0, done.output
    expected = search(kb, "Dynamic Purchasing System", Filters(), 2).results
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"1. {expected[0].citation.label}  [")
    assert "Dynamic Purchas" in lines[1] and "<mark>" not in lines[1] and "&#x27;" not in done.stdout
    assert f"   also in: {expected[0].also_in[0].label}" in lines
    assert any(line.startswith("   /documents/") for line in lines)
    total = search(kb, "Dynamic Purchasing System", Filters(), 2).total
    assert lines[-1].startswith(f"(showing 1–2 of {total} in ") and lines[-1].endswith(" ms, mode hybrid)")


def test_bad_filter_is_one_clear_error_line(sample_index: Path) -> None:
    done = run_search(sample_index, "food", "--year-from", "2024", "--year-to", "2020")
    assert done.exit_code == 2
    assert done.stderr == "error: year_from (2024) is after year_to (2020)\n"
    assert done.stdout == ""
