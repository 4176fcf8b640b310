"""Which files an ingest reads: those named, and those under named folders that are not hidden or ignored; and
which catalogue describes them."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pathspec

from ingest.catalogue import Catalogue
from kb.errors import CatalogueError

IGNORE_FILE = ".ccinignore"
CATALOGUE_NAMES = ("catalogue.yaml", "catalogue.yml")
# Hidden files, Python's caches, and the "~$name.docx" lock file Word keeps beside a document while it is open.
_SKIPPED_PREFIXES = (".", "__", "~$")


@dataclass(frozen=True)
class Found:
    """A file an ingest will read, or an entry it will not, with the reason (reported as a failed line)."""

    path: Path
    problem: str = ""


def discover(paths: Iterable[Path]) -> list[Found]:
    """Files named directly, plus every file under named folders except hidden ones, Word's "~$" lock files, the
    catalogue, and what the folder's `.ccinignore` excludes. Files of any type are returned: the reader says
    which types it cannot read (ingest/extract.py: PDF, Word .docx, HTML, Markdown, text). Inside a folder,
    links are followed only to files inside it; broken links, links leaving the folder, and entries that are
    not regular files (FIFOs, sockets, devices) are returned with their problem, not read."""
    found: list[Found] = []
    for path in paths:
        if path.is_dir():
            found.extend(_walk(path))
        elif path.is_file():
            found.append(Found(path.resolve()))
        else:
            found.append(Found(path, "not a regular file (a FIFO, socket or device); skipped"))
    unique: dict[Path, Found] = {}
    for item in found:
        unique.setdefault(item.path, item)
    return list(unique.values())


def _walk(folder: Path) -> list[Found]:
    root = folder.resolve()
    ignored = _ignore_spec(folder)
    found: list[Found] = []
    problems: list[Found] = []

    def unreadable(error: OSError) -> None:
        problems.append(Found(Path(error.filename or folder), f"cannot list folder: {error.strerror or error}"))

    for directory, dirs, files in os.walk(folder, onerror=unreadable):
        here = Path(directory)
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
        for name in sorted(files) + [d for d in dirs if (here / d).is_symlink()]:
            entry = here / name
            relative = entry.relative_to(folder).as_posix()
            if name.startswith(_SKIPPED_PREFIXES) or name in CATALOGUE_NAMES or ignored.match_file(relative):
                continue
            problem = _problem(entry, root)
            found.append(Found(entry if problem else entry.resolve(), problem))
    return found + problems


def _problem(entry: Path, root: Path) -> str:
    if entry.is_symlink():
        target = entry.resolve()
        if not target.exists():
            return "a broken link; skipped"
        if root not in target.parents:
            return f"a link to {target}, outside the folder being ingested; not followed"
        if target.is_dir():
            return "a link to a folder; not followed"
    if not entry.is_file():
        return "not a regular file (a FIFO, socket or device); skipped"
    return ""


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
