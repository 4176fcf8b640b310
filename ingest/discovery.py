"""Which files an ingest reads: those named, and those under named folders that are not hidden or ignored; and
which catalogue describes them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pathspec

from ingest.catalogue import Catalogue
from kb.errors import CatalogueError

IGNORE_FILE = ".ccinignore"
CATALOGUE_NAMES = ("catalogue.yaml", "catalogue.yml")


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus every file under named folders except hidden ones, the catalogue, and what
    the folder's `.ccinignore` excludes."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            ignored = _ignore_spec(path)
            for file in sorted(path.rglob("*")):
                relative = file.relative_to(path)
                if not file.is_file() or any(part.startswith((".", "__")) for part in relative.parts):
                    continue
                if file.name in CATALOGUE_NAMES or ignored.match_file(relative.as_posix()):
                    continue
                found.append(file)
        else:
            found.append(path)
    return list(dict.fromkeys(p.resolve() for p in found))


def _ignore_spec(folder: Path) -> pathspec.GitIgnoreSpec:
    """The folder's `.ccinignore`, read with Git's rules (`*.tmp`, `drafts/`, `!keep.pdf`, `**/old/`)."""
    ignore = folder / IGNORE_FILE
    lines = ignore.read_text(encoding="utf-8").splitlines() if ignore.is_file() else []
    return pathspec.GitIgnoreSpec.from_lines(lines)


def find_catalogue(paths: Iterable[Path]) -> Path | None:
    for path in paths:
        for name in CATALOGUE_NAMES:
            if path.is_dir() and (path / name).is_file():
                return path / name
    return None


def load_catalogue(explicit: Path | None, paths: list[Path]) -> Catalogue:
    path = explicit or find_catalogue(paths)
    if path is None:
        return Catalogue.empty()
    if not path.is_file():
        raise CatalogueError(f"catalogue not found: {path}")
    return Catalogue.load(path)
