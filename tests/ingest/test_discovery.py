"""Which files an ingest reads: `.ccinignore` follows Git's ignore rules; hidden files and the catalogue are
never documents."""

from __future__ import annotations

import os
from pathlib import Path

from ingest.discovery import discover, find_catalogue


def _tree(root: Path, names: list[str]) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("text")


def test_ccinignore_uses_gitignore_rules(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        [
            "report.pdf",
            "notes.tmp",
            "drafts/one.pdf",
            "deep/drafts/two.pdf",
            "old/keep.pdf",
            "old/drop.pdf",
            "catalogue.yaml",
            ".hidden.pdf",
            "sub/.git/config",
        ],
    )
    (tmp_path / ".ccinignore").write_text("# scratch files\n*.tmp\ndrafts/\nold/*\n!old/keep.pdf\n")
    found = {f.path.relative_to(tmp_path.resolve()).as_posix() for f in discover([tmp_path])}
    assert found == {"report.pdf", "old/keep.pdf"}


def test_without_an_ignore_file_every_visible_file_is_found_and_named_files_always_are(tmp_path: Path) -> None:
    _tree(tmp_path, ["a.pdf", "b/c.md", ".d.txt"])
    found = {f.path.name for f in discover([tmp_path])}
    assert found == {"a.pdf", "c.md"}
    (tmp_path / ".ccinignore").write_text("*.pdf\n")
    assert [f.path.name for f in discover([tmp_path / "a.pdf"])] == ["a.pdf"], (
        "a file named on the command line is read"
    )


def test_the_catalogue_is_found_in_a_named_folder(tmp_path: Path) -> None:
    _tree(tmp_path, ["docs/catalogue.yml", "docs/a.pdf"])
    assert find_catalogue([tmp_path / "docs"]) == tmp_path / "docs" / "catalogue.yml"
    assert find_catalogue([tmp_path / "docs" / "a.pdf"]) is None


def test_links_leaving_the_folder_broken_links_and_fifos_are_reported_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "secret.txt"
    _tree(tmp_path, ["elsewhere/secret.txt", "inbox/report.txt", "inbox/sub/inside.txt", "inbox/x.pdf/inner.md"])
    inbox = tmp_path / "inbox"
    (inbox / "leak.txt").symlink_to(outside)
    (inbox / "broken.txt").symlink_to(tmp_path / "missing.txt")
    (inbox / "alias.txt").symlink_to(inbox / "sub" / "inside.txt")
    (inbox / "outside-folder").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    os.mkfifo(inbox / "pipe.txt")

    found = {f.path.name: f.problem for f in discover([inbox])}

    assert found["report.txt"] == found["inside.txt"] == found["inner.md"] == ""
    assert "alias.txt" not in found, "a link to a file inside the folder is that file, read once"
    assert "outside the folder" in found["leak.txt"]
    assert "broken link" in found["broken.txt"]
    assert "not followed" in found["outside-folder"]
    assert "not a regular file" in found["pipe.txt"]
    assert "secret.txt" not in found
