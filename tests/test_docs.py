"""The README stays true: every setting is in its configuration table, and the commands it promises exist."""

from __future__ import annotations

import re
from pathlib import Path

from ccin.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
MAKEFILE = (Path(__file__).resolve().parent.parent / "Makefile").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_configuration_table() -> None:
    documented = set(re.findall(r"^\| `(CCIN_[A-Z_]+)` \|", README, flags=re.MULTILINE))
    expected = {f"CCIN_{name.upper()}" for name in Settings.model_fields}
    assert documented == expected


def test_every_setting_has_a_description() -> None:
    assert all(field.description for field in Settings.model_fields.values())


def test_readme_commands_are_make_targets_and_ci_runs_the_test_command() -> None:
    for target in re.findall(r"^make (\w[\w-]*)", README, flags=re.MULTILINE):
        assert re.search(rf"^{re.escape(target)}:", MAKEFILE, flags=re.MULTILINE), target
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci and "make setup" in ci
