"""Which files an ingest reads: `.ccinignore` follows Git's ignore rules; hidden files and the catalogue are
never documents."""

from __future__ import annotations

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
    found = {p.relative_to(tmp_path.resolve()).as_posix() for p in discover([tmp_path])}
    assert found == {"report.pdf", "old/keep.pdf"}


def test_without_an_ignore_file_every_visible_file_is_found_and_named_files_always_are(tmp_path: Path) -> None:
    _tree(tmp_path, ["a.pdf", "b/c.md", ".d.txt"])
    found = {p.name for p in discover([tmp_path])}
    assert found == {"a.pdf", "c.md"}
    (tmp_path / ".ccinignore").write_text("*.pdf\n")
    assert [p.name for p in discover([tmp_path / "a.pdf"])] == ["a.pdf"], "a file named on the command line is read"


def test_the_catalogue_is_found_in_a_named_folder(tmp_path: Path) -> None:
    _tree(tmp_path, ["docs/catalogue.yml", "docs/a.pdf"])
    assert find_catalogue([tmp_path / "docs"]) == tmp_path / "docs" / "catalogue.yml"
    assert find_catalogue([tmp_path / "docs" / "a.pdf"]) is None
