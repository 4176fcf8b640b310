"""The source format of corpus/source/<id>.md (SOURCE_FORMAT.md) parsed into blocks.

The blocks are what both renderers (PDF and HTML) consume; keeping the parser apart means the strict
markup rules and their error messages live in one place, independent of how a document is drawn.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class ListItem:
    """A bullet (`number is None`) or a numbered item; consecutive items form one list."""

    text: str
    number: int | None = None


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Box:
    title: str
    blocks: tuple[Paragraph | ListItem, ...]


@dataclass(frozen=True)
class Directive:
    """`@columns N` (name "columns", columns=N), `@pagebreak` or `@scanned`."""

    name: str
    columns: int = 0


Block = Heading | Paragraph | ListItem | Table | Box | Directive


class SourceError(Exception):
    """Lines of a source file that break SOURCE_FORMAT.md; each problem names the file and line."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


_HEADING_RE = re.compile(r"^(#{1,3}) (\S.*)$")
_BULLET_RE = re.compile(r"^- +(\S.*)$")
_NUMBERED_RE = re.compile(r"^(\d+)\. +(\S.*)$")
_BOX_RE = re.compile(r"^:::box +(\S.*)$")
_SEPARATOR_CELL_RE = re.compile(r"^:?-{3,}:?$")
_UNSUPPORTED_LINE_RE = re.compile(r"^(?:[*+] |>|\d+\) |-{3,}$|={3,}$|-\S)")
_FORBIDDEN_INLINE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\*\*|__"), "bold/italic markers are not allowed"),
    (re.compile(r"!\["), "images are not allowed"),
    (re.compile(r"\]\("), "link syntax is not allowed; write the address as plain text"),
    (re.compile(r"`"), "code markers (backticks) are not allowed"),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^>]*)?/?>"), "HTML is not allowed"),
)


def _split_row(line: str) -> list[str] | None:
    stripped = line.strip()
    if len(stripped) < 2 or not stripped.endswith("|"):
        return None
    return [cell.strip() for cell in stripped[1:-1].split("|")]


def parse_source(text: str, name: str) -> list[Block]:
    """Parse the strict markup of SOURCE_FORMAT.md; collect every bad line rather than stop at the first."""
    lines = text.splitlines()
    problems: list[str] = []
    blocks: list[Block] = []
    paragraph: list[str] = []
    box_title: str | None = None
    box_line = 0
    box_blocks: list[Paragraph | ListItem] = []

    def problem(lineno: int, message: str) -> None:
        problems.append(f"{name}:{lineno}: {message}")

    def emit(block: Block, lineno: int) -> None:
        if box_title is None:
            blocks.append(block)
        elif isinstance(block, Paragraph | ListItem):
            box_blocks.append(block)
        else:
            kind = type(block).__name__.lower()
            problem(lineno, f"a box may hold only paragraphs and list items, not a {kind}")

    def flush_paragraph(lineno: int) -> None:
        if paragraph:
            emit(Paragraph(" ".join(paragraph)), lineno)
            paragraph.clear()

    i = 0
    while i < len(lines):
        lineno = i + 1
        line = lines[i].rstrip()
        i += 1
        if not line.strip():
            flush_paragraph(lineno)
            continue
        bad_inline = [msg for pattern, msg in _FORBIDDEN_INLINE if pattern.search(line)]
        if bad_inline:
            problem(lineno, "; ".join(bad_inline))
            continue
        if line[0].isspace():
            problem(lineno, "lines must not be indented (no nested lists, no code blocks)")
            continue
        if line.startswith(":::"):
            flush_paragraph(lineno)
            box_match = _BOX_RE.match(line)
            if line == ":::":
                if box_title is None:
                    problem(lineno, "':::' closes nothing (no ':::box' is open)")
                elif not box_blocks:
                    problem(lineno, f"box {box_title!r} opened on line {box_line} is empty")
                    box_title = None
                else:
                    blocks.append(Box(box_title, tuple(box_blocks)))
                    box_title = None
            elif box_match:
                if box_title is not None:
                    problem(lineno, f"boxes cannot be nested (box opened on line {box_line} is still open)")
                else:
                    box_title, box_line, box_blocks = box_match.group(1).strip(), lineno, []
            else:
                problem(lineno, f"unknown block {line!r} (only ':::box Title' and ':::' exist)")
            continue
        if line.startswith("@"):
            flush_paragraph(lineno)
            words = line.split()
            directive: Directive | None = None
            if words == ["@pagebreak"]:
                directive = Directive("pagebreak")
            elif words == ["@scanned"]:
                directive = Directive("scanned")
            elif len(words) == 2 and words[0] == "@columns" and words[1] in ("1", "2"):
                directive = Directive("columns", int(words[1]))
            if directive is None:
                known = "@columns 1, @columns 2, @pagebreak, @scanned"
                problem(lineno, f"unknown directive {line!r} (known: {known})")
            elif box_title is not None:
                problem(lineno, "directives are not allowed inside a box")
            else:
                blocks.append(directive)
            continue
        if line.startswith("#"):
            flush_paragraph(lineno)
            heading = _HEADING_RE.match(line)
            if heading is None:
                problem(lineno, "a heading is '# ', '## ' or '### ' followed by its text")
            else:
                emit(Heading(len(heading.group(1)), heading.group(2).strip()), lineno)
            continue
        if line.startswith("|"):
            flush_paragraph(lineno)
            start = lineno
            rows: list[tuple[int, str]] = [(lineno, line)]
            while i < len(lines) and lines[i].startswith("|"):
                rows.append((i + 1, lines[i].rstrip()))
                i += 1
            table = _parse_table(rows, start, problem)
            if table is not None:
                emit(table, start)
            continue
        bullet, numbered = _BULLET_RE.match(line), _NUMBERED_RE.match(line)
        if bullet or numbered:
            flush_paragraph(lineno)
            item = (
                ListItem(bullet.group(1).strip())
                if bullet
                else ListItem(numbered.group(2).strip(), int(numbered.group(1)))  # type: ignore[union-attr]
            )
            emit(item, lineno)
            continue
        if _UNSUPPORTED_LINE_RE.match(line):
            problem(lineno, f"unsupported markup {line[:20]!r} (bullets are '- item', no quotes or rules)")
            continue
        # Items are one line each, so text right after an item cannot continue it: it starts a paragraph.
        paragraph.append(line.strip())
    flush_paragraph(len(lines))
    if box_title is not None:
        problem(box_line, f"box {box_title!r} is never closed with ':::'")
    if problems:
        raise SourceError(problems)
    return blocks


def _parse_table(rows: list[tuple[int, str]], start: int, problem: Callable[[int, str], None]) -> Table | None:
    """A table needs a header, a |---| separator and at least one row, all with the same number of cells."""
    cells: list[list[str]] = []
    ok = True
    for lineno, line in rows:
        row = _split_row(line)
        if row is None:
            problem(lineno, "a table row starts and ends with '|'")
            ok = False
        else:
            cells.append(row)
    if not ok:
        return None
    if len(cells) < 3:
        problem(start, "a table needs a header row, a '|---|' separator row and at least one row")
        return None
    width = len(cells[0])
    if len(cells[1]) != width or not all(_SEPARATOR_CELL_RE.match(c) for c in cells[1]):
        problem(rows[1][0], f"the second table row must be a separator with {width} '---' cells")
        ok = False
    for (lineno, _), row in zip(rows[2:], cells[2:], strict=True):
        if len(row) != width:
            problem(lineno, f"table row has {len(row)} cells, the header has {width}")
            ok = False
    if not ok:
        return None
    return Table(tuple(cells[0]), tuple(tuple(r) for r in cells[2:]))
