"""The plugin's files without a running site: every PHP file parses (`php -l`), and the zip that
`make wordpress-plugin` builds holds exactly the plugin under one top-level folder."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT
from wordpress.build_zip import PLUGIN, build

PHP_FILES = sorted((ROOT / "wordpress").rglob("*.php")) + sorted((ROOT / "tests" / "wordpress").rglob("*.php"))


def test_the_plugin_has_php_files_to_check() -> None:
    names = {path.relative_to(PLUGIN).as_posix() for path in PLUGIN.rglob("*.php")}
    assert {"ccin-search.php", "uninstall.php", "includes/render.php", "includes/settings.php"} <= names


@pytest.mark.parametrize("path", PHP_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_php_file_passes_lint(path: Path) -> None:
    done = subprocess.run(["php", "-l", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No syntax errors detected" in done.stdout


def test_the_zip_holds_the_plugin_under_one_folder(tmp_path: Path) -> None:
    out = build(tmp_path / "dist" / "ccin-search.zip")

    expected = {
        f"ccin-search/{path.relative_to(PLUGIN).as_posix()}": path.read_bytes()
        for path in PLUGIN.rglob("*")
        if path.is_file()
    }
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        held = {name: archive.read(name) for name in archive.namelist()}
    assert held == expected
    assert {
        "ccin-search/ccin-search.php",
        "ccin-search/block/block.json",
        "ccin-search/block/editor.js",
        "ccin-search/uninstall.php",
        "ccin-search/readme.txt",
    } <= set(held)
    assert not list(tmp_path.glob("dist/*.partial"))


def test_the_zip_is_the_same_for_the_same_files(tmp_path: Path) -> None:
    assert build(tmp_path / "a.zip").read_bytes() == build(tmp_path / "b.zip").read_bytes()


def test_the_plugin_header_block_json_and_readme_agree_on_the_version() -> None:
    header = (PLUGIN / "ccin-search.php").read_text(encoding="utf-8")
    version = re.search(r"^ \* Version:\s+(\S+)$", header, re.M)
    assert version is not None
    assert re.search(r"^ \* Plugin Name:\s+CCIN Search$", header, re.M)
    block = json.loads((PLUGIN / "block" / "block.json").read_text(encoding="utf-8"))
    assert block["apiVersion"] == 3
    assert block["name"] == "ccin/search"
    assert block["version"] == version.group(1)
    assert set(block["attributes"]) == {
        "api",
        "k",
        "principle",
        "placeholder",
        "council",
        "accent",
        "background",
        "text",
    }
    readme = (PLUGIN / "readme.txt").read_text(encoding="utf-8")
    assert f"Stable tag: {version.group(1)}" in readme
