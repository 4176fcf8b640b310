"""The CLI as a new user meets it: a reading command run where there is no index says so and creates nothing;
`serve --get` prints links to an address that exists (CCIN_PUBLIC_URL, or where it would serve), never
`testserver`; the deployment settings are checked at start-up."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from ccin.cli import cli
from tests.deploy.conftest import CCIN, serve_env

READING_COMMANDS = [["search", "food"], ["documents"], ["documents", "--json"], ["declared-vs-found"]]


@pytest.fixture()
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory outside the project, with no CCIN_* variable set."""
    for key in [k for k in os.environ if k.startswith("CCIN_")]:
        monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _no_index(data_dir: Path) -> str:
    return (
        f"error: no index in {data_dir}: build one with `ccin ingest <folder>`, or set CCIN_DATA_DIR "
        "(or --data-dir) to the directory that holds one\n"
    )


@pytest.mark.parametrize("args", READING_COMMANDS, ids=" ".join)
def test_reading_commands_without_an_index_exit_2_and_create_nothing(elsewhere: Path, args: list[str]) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == _no_index(elsewhere / "data")
    assert list(elsewhere.iterdir()) == []


def test_a_named_data_dir_without_an_index_is_named(elsewhere: Path) -> None:
    (elsewhere / "empty").mkdir()
    result = CliRunner().invoke(cli, ["--data-dir", "empty", "search", "food"])
    assert result.exit_code == 2
    assert result.stderr == _no_index(elsewhere / "empty")
    assert [p.name for p in elsewhere.iterdir()] == ["empty"] and list((elsewhere / "empty").iterdir()) == []


def test_the_installed_command_outside_the_project(tmp_path: Path) -> None:
    """The reported case, through the real `ccin` executable: no empty ./data and no "No results"."""
    env = serve_env(tmp_path / "unused")
    del env["CCIN_DATA_DIR"]
    run = subprocess.run([str(CCIN), "search", "food"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert (run.returncode, run.stdout, run.stderr) == (2, "", _no_index(tmp_path / "data"))
    assert list(tmp_path.iterdir()) == []


def _own_copy_urls(body: dict) -> list[str]:
    urls = [r["citation"]["url"] for r in body["results"]]
    return [url for url in urls if "/documents/" in url]


def test_serve_get_links_to_where_it_would_serve(sample_index: Path, elsewhere: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--data-dir", str(sample_index), "serve", "--port", "8123", "--get", "/documents?limit=200"]
    )
    assert result.exit_code == 0, result.output
    assert "testserver" not in result.stdout
    own = [d for d in json.loads(result.stdout)["documents"] if "/documents/" in d["url"]]
    assert own and all(d["url"] == f"http://127.0.0.1:8123/documents/{d['id']}/file" for d in own)


def test_serve_get_links_start_with_the_public_url(
    sample_index: Path, elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CCIN_PUBLIC_URL", "https://kb.example.org/kb/")
    runner = CliRunner()
    listed = runner.invoke(cli, ["--data-dir", str(sample_index), "serve", "--get", "/documents?limit=200"])
    assert listed.exit_code == 0, listed.output
    own = [d for d in json.loads(listed.stdout)["documents"] if "/documents/" in d["url"]]
    assert own and all(d["url"] == f"https://kb.example.org/kb/documents/{d['id']}/file" for d in own)
    document = own[0]["id"]
    found = runner.invoke(
        cli, ["--data-dir", str(sample_index), "serve", "--get", f"/search?q=council&document={document}&k=2"]
    )
    assert found.exit_code == 0, found.output
    urls = _own_copy_urls(json.loads(found.stdout))
    assert urls and set(urls) == {f"https://kb.example.org/kb/documents/{document}/file"}
    # `ccin search` prints the same links.
    printed = runner.invoke(cli, ["--data-dir", str(sample_index), "search", "council", "--document", document])
    assert printed.exit_code == 0, printed.output
    assert f"   https://kb.example.org/kb/documents/{document}/file\n" in printed.stdout
    openapi = runner.invoke(cli, ["--data-dir", str(sample_index), "serve", "--get", "/openapi.json"])
    assert json.loads(openapi.stdout)["servers"] == [{"url": "https://kb.example.org/kb"}]


def test_serve_get_under_a_root_path(sample_index: Path, elsewhere: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--data-dir", str(sample_index), "serve", "--root-path", "/kb/", "--get", "/documents?limit=200"]
    )
    assert result.exit_code == 0, result.output
    own = [d for d in json.loads(result.stdout)["documents"] if "/documents/" in d["url"]]
    assert own and all(d["url"] == f"http://127.0.0.1:8000/kb/documents/{d['id']}/file" for d in own)


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("CCIN_PUBLIC_URL", "kb.example.org/kb", "must be an absolute http:// or https:// address"),
        ("CCIN_PUBLIC_URL", "ftp://kb.example.org/", "must be an absolute http:// or https:// address"),
        ("CCIN_PUBLIC_URL", "https://kb.example.org/kb?x=1", "must not have a query string or a fragment"),
        ("CCIN_PUBLIC_URL", "https://kb.example.org/kb#top", "must not have a query string or a fragment"),
        ("CCIN_ROOT_PATH", "kb", "must be a path such as /kb (starting with /, no query string)"),
        ("CCIN_LOG_FORMAT", "xml", "Input should be 'text' or 'json'"),
        ("CCIN_ACCESS_LOG", "everything", "Input should be 'off', 'anonymous' or 'full'"),
    ],
)
def test_bad_deployment_settings_fail_naming_the_key(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch, key: str, value: str, problem: str
) -> None:
    monkeypatch.setenv(key, value)
    result = CliRunner().invoke(cli, ["documents"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: bad configuration: {key}={value!r}: ")
    assert problem in result.stderr
