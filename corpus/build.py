"""Build the illustrative sample corpus: corpus/source/<id>.md -> corpus/pdfs/<id>.pdf or pages/<id>.html.

The samples stand in for the network's real publications, so they have to look and extract like real
reports: covers, running headers, hyphenated lines, tables, boxed case studies, two-column stretches and
a page that is only a picture. Everything is laid out here with PyMuPDF alone and is deterministic, so
rebuilding the corpus never changes a byte unless a source or the catalogue changed.

Usage (from the repository root)::

    python -m corpus.build [--only ID ...] [--catalogue PATH] [--source-dir DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import html
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pymupdf
import yaml

# --------------------------------------------------------------------------------------------------
# Constants (immutable)
# --------------------------------------------------------------------------------------------------

Color = tuple[float, float, float]

PAGE_W, PAGE_H = pymupdf.paper_size("a4")
MARGIN_X = 60.0
CONTENT_TOP = 72.0
CONTENT_BOTTOM = PAGE_H - 64.0
COLUMN_GAP = 20.0

BODY_SIZE, BODY_LEADING, PARA_GAP = 10.5, 14.0, 6.0
ITEM_GAP = 3.0
TABLE_SIZE, TABLE_LEADING, TABLE_PAD = 9.0, 11.5, 4.0
BOX_PAD = 10.0
RUNNING_SIZE = 8.0
SCAN_DPI = 120
# level -> (font size, leading, space above, space below)
HEADING_STYLE: Mapping[int, tuple[float, float, float, float]] = MappingProxyType(
    {1: (20.0, 25.0, 0.0, 10.0), 2: (15.0, 19.0, 12.0, 5.0), 3: (12.0, 15.5, 9.0, 3.0)}
)

TEXT: Color = (0.12, 0.12, 0.14)
GREY: Color = (0.42, 0.42, 0.45)
GRID: Color = (0.55, 0.55, 0.58)
WHITE: Color = (1.0, 1.0, 1.0)
ACCENTS: tuple[Color, ...] = (
    (0.0, 0.40, 0.44),
    (0.34, 0.20, 0.53),
    (0.09, 0.25, 0.50),
    (0.12, 0.43, 0.25),
    (0.62, 0.25, 0.11),
)

TYPE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "policy-lab": "Policy lab report",
        "policy-prototype": "Policy prototype",
        "toolkit": "Toolkit",
        "report": "Report",
        "case-study": "Case studies",
        "web-page": "Web page",
    }
)

# Base-14 faces as shipped inside MuPDF (Nimbus Sans/Roman, metric-compatible with Helvetica/Times).
# They are embedded and subset rather than referenced as simple base-14 fonts, because PyMuPDF's
# base-14 path only encodes Latin-1 and would turn "•", "–", "…" and curly quotes into "·".
FONT_FILES: Mapping[str, str] = MappingProxyType(
    {"SansR": "helv", "SansB": "hebo", "SansI": "heit", "SerifR": "tiro", "SerifB": "tibo"}
)

SAMPLE_NOTICE = "Illustrative sample written for the CCIN Knowledge Base project. Not a CCIN publication."
FOOTER_NOTICE = "Illustrative sample – not a CCIN publication"
AUTHOR = "CCIN Knowledge Base project (illustrative sample)"
SUBJECT = "Illustrative sample written for the CCIN Knowledge Base project; not a CCIN publication"
SITE_NAME = "Co-operative Councils' Innovation Network — sample site"


# --------------------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------------------


class CatalogueError(Exception):
    """The catalogue is malformed; nothing can be built from it."""


@dataclass(frozen=True)
class Entry:
    """One catalogue document; `file` is relative to the catalogue's directory."""

    id: str
    title: str
    year: int
    lead_council: str
    partners: tuple[str, ...]
    type: str
    file: str
    source_url: str

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.type]


def load_catalogue(path: Path) -> list[Entry]:
    """Read and check the catalogue up front so a typo fails loudly instead of building a wrong file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise CatalogueError(f"{path}: expected a mapping with a 'documents' list")
    entries: list[Entry] = []
    for n, raw in enumerate(data["documents"], 1):
        where = f"{path}: document {n}"
        if not isinstance(raw, dict):
            raise CatalogueError(f"{where}: expected a mapping")
        required = ("id", "title", "year", "lead_council", "type", "file", "source_url")
        missing = [k for k in required if k not in raw]
        if missing:
            raise CatalogueError(f"{where}: missing {', '.join(missing)}")
        doc_type = str(raw["type"])
        if doc_type not in TYPE_LABELS:
            raise CatalogueError(f"{where}: unknown type {doc_type!r}")
        partners = raw.get("partners") or []
        if not isinstance(partners, list):
            raise CatalogueError(f"{where}: partners must be a list")
        entry = Entry(
            id=str(raw["id"]),
            title=str(raw["title"]),
            year=int(raw["year"]),
            lead_council=str(raw["lead_council"]),
            partners=tuple(str(p) for p in partners),
            type=doc_type,
            file=str(raw["file"]),
            source_url=str(raw["source_url"]),
        )
        expected = f"pages/{entry.id}.html" if doc_type == "web-page" else f"pdfs/{entry.id}.pdf"
        if entry.file != expected:
            raise CatalogueError(f"{where} ({entry.id}): file should be {expected!r}, not {entry.file!r}")
        entries.append(entry)
    ids = [e.id for e in entries]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CatalogueError(f"{path}: duplicate ids {', '.join(duplicates)}")
    return entries


# --------------------------------------------------------------------------------------------------
# Source markup -> blocks
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# Line breaking
# --------------------------------------------------------------------------------------------------

_VOWELS = frozenset("aeiouy")
_ONSETS = frozenset(
    {
        *("bl", "br", "ch", "cl", "cr", "dr", "dw", "fl", "fr", "gl", "gr", "kn", "ph", "pl", "pr"),
        *("qu", "sc", "sh", "sk", "sl", "sm", "sn", "sp", "st", "sw", "th", "tr", "tw", "wh", "wr"),
        *("sch", "scr", "shr", "sph", "spl", "spr", "squ", "str", "thr"),
    }
)


def _good_break(word: str, cut: int) -> bool:
    """Cheap syllable guess (maximal onset): 'infra-structure', 'commis-sioning', not 'infrast-ructure'."""
    lower = word.lower()
    end = cut
    while end < len(lower) and lower[end].isalpha() and lower[end] not in _VOWELS:
        end += 1
    onset = lower[cut:end]
    if not onset or end == len(lower) or (len(onset) > 1 and onset not in _ONSETS):
        return False
    left = lower[cut - 1]
    return left in _VOWELS or left + onset not in _ONSETS


def split_word(word: str, fits: Callable[[str], bool], anywhere: bool = False) -> tuple[str, str] | None:
    """Split a word at a line end: after its own hyphen, or hyphenate 10+ letters (4+ letters a side).

    Only syllable-like breaks are used unless `anywhere` (the word would not fit even on an empty line).
    """
    if "-" in word.strip("-"):
        cuts = [i + 1 for i, ch in enumerate(word) if ch == "-" and 0 < i < len(word) - 1]
        for cut in reversed(cuts):
            if fits(word[:cut]):
                return word[:cut], word[cut:]
        return None
    if sum(ch.isalpha() for ch in word) < 10:
        return None
    cuts = [
        i
        for i in range(1, len(word))
        if word[i - 1].isalpha()
        and word[i].isalpha()
        and sum(ch.isalpha() for ch in word[:i]) >= 4
        and sum(ch.isalpha() for ch in word[i:]) >= 4
    ]
    good = [c for c in cuts if _good_break(word, c)]
    for group in (good, cuts) if anywhere else (good,):
        for cut in reversed(group):
            if fits(word[:cut] + "-"):
                return word[:cut] + "-", word[cut:]
    return None


def _force_split(word: str, measure: Callable[[str], float], width: float) -> tuple[str, str]:
    """Last resort for a token wider than the whole line (a long address): cut it where it overflows."""
    k = 1
    while k < len(word) and measure(word[: k + 1]) <= width:
        k += 1
    return word[:k], word[k:]


def _fits_after(prefix: str, measure: Callable[[str], float], width: float) -> Callable[[str], bool]:
    return lambda head: measure(prefix + head) <= width


def wrap_text(text: str, measure: Callable[[str], float], width: float, hyphenate: bool = True) -> list[str]:
    """Greedy word wrap with report-style hyphenation (see split_word)."""
    lines: list[str] = []
    current = ""
    for original in text.split():
        word = original
        while word:
            candidate = f"{current} {word}" if current else word
            if measure(candidate) <= width:
                current, word = candidate, ""
                continue
            prefix = f"{current} " if current else ""
            fits = _fits_after(prefix, measure, width)
            split = split_word(word, fits, anywhere=not current) if hyphenate else None
            if split is not None:
                lines.append(prefix + split[0])
                current, word = "", split[1]
            elif current:
                lines.append(current)
                current = ""
            else:
                head, word = _force_split(word, measure, width)
                lines.append(head)
    if current:
        lines.append(current)
    return lines


# --------------------------------------------------------------------------------------------------
# PDF layout
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """Per-document look, picked from a hash of the id so the corpus varies but rebuilds identically."""

    fonts: Mapping[str, pymupdf.Font]
    body: str
    body_bold: str
    accent: Color
    page_label: str
    # Per-document cache of 1pt advance widths by (font alias, character): Font.text_length goes through
    # MuPDF for every character and dominated the build time.
    advances: dict[tuple[str, str], float] = field(default_factory=dict, compare=False, repr=False)

    @staticmethod
    def for_entry(entry: Entry) -> Theme:
        digest = hashlib.sha256(entry.id.encode("utf-8")).digest()
        serif = digest[0] % 3 == 0
        # Register only the faces this document uses: an unused embedded font is never subset.
        used = ("SansR", "SansB", "SansI", "SerifR", "SerifB") if serif else ("SansR", "SansB", "SansI")
        return Theme(
            fonts=MappingProxyType({alias: pymupdf.Font(FONT_FILES[alias]) for alias in used}),
            body="SerifR" if serif else "SansR",
            body_bold="SerifB" if serif else "SansB",
            accent=ACCENTS[digest[1] % len(ACCENTS)],
            page_label="Page {n}" if digest[2] % 2 else "{n}",
        )

    def width(self, text: str, font: str, size: float) -> float:
        total = 0.0
        for ch in text:
            advance = self.advances.get((font, ch))
            if advance is None:
                advance = self.advances[font, ch] = float(self.fonts[font].text_length(ch, fontsize=1.0))
            total += advance
        return total * size

    def measure(self, font: str, size: float) -> Callable[[str], float]:
        return lambda text: self.width(text, font, size)

    def tint(self, amount: float) -> Color:
        """The accent mixed with white; `amount` is the share of white."""
        r, g, b = self.accent
        return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


@dataclass(frozen=True)
class Run:
    dx: float
    text: str
    font: str
    size: float
    color: Color


@dataclass(frozen=True)
class Line:
    """One line of text as it will be inserted: one insert_text call per run, same baseline."""

    runs: tuple[Run, ...]
    height: float

    @property
    def size(self) -> float:
        return max(r.size for r in self.runs)


@dataclass(frozen=True)
class Gap:
    """Vertical space; dropped at the top of a column so frames never start with blank space."""

    height: float


Item = Line | Gap


def _height(items: Iterable[Item]) -> float:
    return sum(item.height for item in items)


def _trim(items: list[Item]) -> list[Item]:
    while items and isinstance(items[-1], Gap):
        items = items[:-1]
    while items and isinstance(items[0], Gap):
        items = items[1:]
    return items


def new_styled_page(doc: pymupdf.Document, theme: Theme) -> pymupdf.Page:
    """A blank A4 page with the document's fonts registered under their aliases."""
    page = doc.new_page(width=PAGE_W, height=PAGE_H)
    for alias, font in theme.fonts.items():
        page.insert_font(fontname=alias, fontbuffer=font.buffer)
    return page


def draw_line(page: pymupdf.Page, line: Line, x: float, y: float) -> None:
    baseline = y + (line.height - line.size) / 2 + line.size * 0.8
    for run in line.runs:
        page.insert_text((x + run.dx, baseline), run.text, fontname=run.font, fontsize=run.size, color=run.color)


def truncate(text: str, measure: Callable[[str], float], width: float) -> str:
    """Shorten a running title to fit, ending in an ellipsis."""
    if measure(text) <= width:
        return text
    cut = len(text)
    while cut > 1 and measure(text[:cut].rstrip(" ,:;-–") + "…") > width:
        cut -= 1
    return text[:cut].rstrip(" ,:;-–") + "…"


@dataclass(frozen=True)
class TableGeometry:
    widths: tuple[float, ...]
    header: tuple[tuple[str, ...], ...]  # wrapped lines per header cell
    rows: tuple[tuple[tuple[str, ...], ...], ...]  # wrapped lines per cell per row

    @staticmethod
    def row_height(cells: tuple[tuple[str, ...], ...]) -> float:
        return max(len(c) for c in cells) * TABLE_LEADING + 2 * TABLE_PAD

    @property
    def header_height(self) -> float:
        return self.row_height(self.header)


class PdfFlow:
    """The layout engine: pours lines, tables and boxes into column frames, adding pages as needed.

    One instance lays out one document; all layout state (page, column, y, scanned pages) lives here.
    """

    def __init__(self, doc: pymupdf.Document, theme: Theme, running_title: str) -> None:
        self.doc = doc
        self.theme = theme
        self.running_title = running_title
        self.page: pymupdf.Page | None = None
        self.columns = 1
        self.col = 0
        self.y = CONTENT_TOP
        self.scanned = False
        self.scanned_pages: list[int] = []

    # ---- frames -----------------------------------------------------------------------------------

    @property
    def frame_width(self) -> float:
        full = PAGE_W - 2 * MARGIN_X
        return full if self.columns == 1 else (full - COLUMN_GAP * (self.columns - 1)) / self.columns

    @property
    def frame_x(self) -> float:
        return MARGIN_X + self.col * (self.frame_width + COLUMN_GAP)

    @property
    def at_top(self) -> bool:
        return self.y <= CONTENT_TOP + 0.01

    @property
    def room(self) -> float:
        return CONTENT_BOTTOM - self.y

    @property
    def current(self) -> pymupdf.Page:
        if self.page is None:
            self.new_page()
        assert self.page is not None
        return self.page

    def new_page(self) -> None:
        """Start a page with its running header (the footer is added once the page count is known)."""
        page = new_styled_page(self.doc, self.theme)
        room = 0.7 * (PAGE_W - 2 * MARGIN_X)
        title = truncate(self.running_title, self.theme.measure("SansR", RUNNING_SIZE), room)
        page.insert_text((MARGIN_X, 42), title, fontname="SansR", fontsize=RUNNING_SIZE, color=GREY)
        page.draw_line((MARGIN_X, 48), (PAGE_W - MARGIN_X, 48), color=GRID, width=0.4)
        self.page, self.col, self.y = page, 0, CONTENT_TOP
        if self.scanned:
            self.scanned_pages.append(page.number)

    def break_page(self) -> None:
        """Move to a fresh page unless the current one is still empty."""
        if self.page is None or not (self.col == 0 and self.at_top):
            self.new_page()

    def next_frame(self) -> None:
        if self.col + 1 < self.columns:
            self.col, self.y = self.col + 1, CONTENT_TOP
        else:
            self.new_page()

    def ensure(self, height: float) -> None:
        if height > self.room and not self.at_top:
            self.next_frame()

    def set_columns(self, columns: int) -> None:
        self.break_page()
        self.columns = columns

    def start_scanned(self) -> None:
        self.break_page()
        self.scanned = True
        if self.current.number not in self.scanned_pages:
            self.scanned_pages.append(self.current.number)

    def end_scanned(self, more: bool = True) -> None:
        """Close a scanned stretch; content that follows (`more`) must not land on a pictured page."""
        if not self.scanned:
            return
        self.scanned = False
        empty = self.col == 0 and self.at_top
        if empty and self.scanned_pages and self.scanned_pages[-1] == self.current.number:
            self.scanned_pages.pop()
        elif more:
            self.new_page()

    # ---- placing ----------------------------------------------------------------------------------

    def place(self, items: Sequence[Item], dx: float = 0.0) -> None:
        for item in items:
            if isinstance(item, Gap):
                if self.at_top:
                    continue
                if item.height >= self.room:
                    self.next_frame()
                else:
                    self.y += item.height
                continue
            self.ensure(item.height)
            draw_line(self.current, item, self.frame_x + dx, self.y)
            self.y += item.height

    # ---- block -> items ---------------------------------------------------------------------------

    def text_lines(
        self,
        text: str,
        font: str,
        size: float,
        leading: float,
        width: float,
        color: Color,
        dx: float = 0.0,
        hyphenate: bool = True,
    ) -> list[Item]:
        wrapped = wrap_text(text, self.theme.measure(font, size), width - dx, hyphenate)
        return [Line((Run(dx, t, font, size, color),), leading) for t in wrapped]

    def heading_items(self, block: Heading, width: float) -> list[Item]:
        size, leading, above, below = HEADING_STYLE[block.level]
        color = self.theme.accent if block.level == 1 else TEXT
        lines = self.text_lines(block.text, "SansB", size, leading, width, color, hyphenate=False)
        return [Gap(above), *lines, Gap(below)]

    def paragraph_items(self, text: str, width: float, dx: float = 0.0) -> list[Item]:
        lines = self.text_lines(text, self.theme.body, BODY_SIZE, BODY_LEADING, width, TEXT, dx)
        return [*lines, Gap(PARA_GAP)]

    def item_items(self, block: ListItem, width: float, last: bool, dx: float = 0.0) -> list[Item]:
        """A list item with a hanging indent: the marker sits left, every text line aligns after it."""
        marker = "•" if block.number is None else f"{block.number}."
        indent = 4.0
        hang = max(18.0, indent + self.theme.width(marker, self.theme.body, BODY_SIZE) + 7.0)
        measure = self.theme.measure(self.theme.body, BODY_SIZE)
        wrapped = wrap_text(block.text, measure, width - dx - hang)
        items: list[Item] = []
        for n, text in enumerate(wrapped):
            runs = [Run(dx + hang, text, self.theme.body, BODY_SIZE, TEXT)]
            if n == 0:
                runs.insert(0, Run(dx + indent, marker, self.theme.body, BODY_SIZE, self.theme.accent))
            items.append(Line(tuple(runs), BODY_LEADING))
        items.append(Gap(PARA_GAP if last else ITEM_GAP))
        return items

    def box_items(self, box: Box, width: float) -> list[Item]:
        inner = width - 2 * BOX_PAD
        theme = self.theme
        items: list[Item] = self.text_lines(box.title, theme.body_bold, 11.5, 15.5, inner, theme.accent)
        items.append(Gap(4.0))
        for n, block in enumerate(box.blocks):
            if isinstance(block, Paragraph):
                items += self.paragraph_items(block.text, inner)
            else:
                following = box.blocks[n + 1] if n + 1 < len(box.blocks) else None
                items += self.item_items(block, inner, last=not isinstance(following, ListItem))
        return _trim(items)

    def table_geometry(self, table: Table, width: float) -> TableGeometry:
        """Column widths follow the content: natural widths if they fit, else shrink to the longest word."""
        theme = self.theme
        all_rows = (table.header, *table.rows)
        fonts = [theme.body_bold] + [theme.body] * len(table.rows)
        ncols = len(table.header)
        natural = [0.0] * ncols
        minimum = [0.0] * ncols
        for row, font in zip(all_rows, fonts, strict=True):
            for c, cell in enumerate(row):
                natural[c] = max(natural[c], theme.width(cell, font, TABLE_SIZE) + 2 * TABLE_PAD + 1)
                longest = max((theme.width(w, font, TABLE_SIZE) for w in cell.split()), default=0.0)
                minimum[c] = max(minimum[c], min(longest, 90.0) + 2 * TABLE_PAD + 1)
        if sum(natural) <= width:
            widths = [w * width / sum(natural) for w in natural]
        elif sum(minimum) >= width:
            widths = [w * width / sum(minimum) for w in minimum]
        else:
            spare = width - sum(minimum)
            stretch = [n - m for n, m in zip(natural, minimum, strict=True)]
            total = sum(stretch) or 1.0
            widths = [m + spare * s / total for m, s in zip(minimum, stretch, strict=True)]

        def wrap_row(row: tuple[str, ...], font: str) -> tuple[tuple[str, ...], ...]:
            measure = theme.measure(font, TABLE_SIZE)
            return tuple(
                tuple(wrap_text(cell, measure, w - 2 * TABLE_PAD) or [""]) for cell, w in zip(row, widths, strict=True)
            )

        return TableGeometry(
            widths=tuple(widths),
            header=wrap_row(table.header, theme.body_bold),
            rows=tuple(wrap_row(r, theme.body) for r in table.rows),
        )

    # ---- block placement ---------------------------------------------------------------------------

    def lead_height(self, block: Block | None) -> float:
        """How much of `block` must fit below a heading so the heading is not left alone at a frame end."""
        width = self.frame_width
        if isinstance(block, Paragraph):
            return min(2, len(self.paragraph_items(block.text, width)) - 1) * BODY_LEADING
        if isinstance(block, ListItem):
            return min(2, len(self.item_items(block, width, True)) - 1) * BODY_LEADING
        if isinstance(block, Table):
            geometry = self.table_geometry(block, width)
            return geometry.header_height + geometry.row_height(geometry.rows[0]) + 4
        if isinstance(block, Box):
            total = _height(self.box_items(block, width)) + 2 * BOX_PAD
            return total if total <= CONTENT_BOTTOM - CONTENT_TOP else 4 * BODY_LEADING
        if isinstance(block, Heading):
            return _height(_trim(self.heading_items(block, width)))
        return 0.0

    def place_heading(self, block: Heading, following: Block | None) -> None:
        items = self.heading_items(block, self.frame_width)
        self.place(items[:1])
        body = _trim(items)
        self.ensure(_height(body) + items[-1].height + self.lead_height(following))
        self.place(items[1:])

    def place_paragraph(self, block: Paragraph) -> None:
        items = self.paragraph_items(block.text, self.frame_width)
        self.ensure(min(2, len(items) - 1) * BODY_LEADING)  # no single orphan line at a frame end
        self.place(items)

    def place_item(self, block: ListItem, last: bool) -> None:
        self.place(self.item_items(block, self.frame_width, last))

    def place_table(self, table: Table) -> None:
        """Rows are atomic: a row that does not fit moves to the next frame, under a repeated header."""
        geometry = self.table_geometry(table, self.frame_width)
        self.place([Gap(4.0)])
        self.ensure(geometry.header_height + geometry.row_height(geometry.rows[0]))
        self.draw_row(geometry, geometry.header, header=True)
        for row in geometry.rows:
            if geometry.row_height(row) > self.room and not self.at_top:
                self.next_frame()
                self.draw_row(geometry, geometry.header, header=True)
            self.draw_row(geometry, row, header=False)
        self.place([Gap(10.0)])

    def draw_row(self, geometry: TableGeometry, cells: tuple[tuple[str, ...], ...], header: bool) -> None:
        page, theme = self.current, self.theme
        height = geometry.row_height(cells)
        x0 = self.frame_x
        if header:
            page.draw_rect(
                pymupdf.Rect(x0, self.y, x0 + sum(geometry.widths), self.y + height),
                color=None,
                fill=theme.tint(0.85),
                width=0,
            )
        shape = page.new_shape()
        x = x0
        for w in geometry.widths:
            shape.draw_rect(pymupdf.Rect(x, self.y, x + w, self.y + height))
            x += w
        shape.finish(color=GRID, width=0.5)
        shape.commit()
        font = theme.body_bold if header else theme.body
        # The whole row is written before the next one, cell by cell, so text extracts row by row and a
        # wrapped cell stays in one piece.
        x = x0
        for cell, w in zip(cells, geometry.widths, strict=True):
            for k, text in enumerate(cell):
                if text:
                    line = Line((Run(0.0, text, font, TABLE_SIZE, TEXT),), TABLE_LEADING)
                    draw_line(page, line, x + TABLE_PAD, self.y + TABLE_PAD + k * TABLE_LEADING)
            x += w
        self.y += height

    def place_box(self, box: Box) -> None:
        """A shaded panel; kept whole on one frame when it fits, else continued in a new panel."""
        items = self.box_items(box, self.frame_width)
        self.place([Gap(4.0)])
        total = _height(items) + 2 * BOX_PAD
        if total <= CONTENT_BOTTOM - CONTENT_TOP:
            self.ensure(total)  # a box that fits on a page is never split
        else:
            self.ensure(2 * BOX_PAD + 6 * BODY_LEADING)  # a longer one starts here if a fair part fits
        remaining = items
        while remaining:
            chunk: list[Item] = []
            used = 0.0
            for item in remaining:
                if used + item.height > self.room - 2 * BOX_PAD:
                    break
                chunk.append(item)
                used += item.height
            remaining = remaining[len(chunk) :]
            chunk = _trim(chunk)
            if not chunk:
                self.next_frame()
                remaining = _trim(list(remaining))
                continue
            height = _height(chunk) + 2 * BOX_PAD
            rect = pymupdf.Rect(self.frame_x, self.y, self.frame_x + self.frame_width, self.y + height)
            self.current.draw_rect(rect, color=self.theme.accent, fill=self.theme.tint(0.92), width=0.8)
            top = self.y + BOX_PAD
            for item in chunk:
                if isinstance(item, Line):
                    draw_line(self.current, item, self.frame_x + BOX_PAD, top)
                top += item.height
            self.y += height
            remaining = _trim(list(remaining))
            if remaining:
                self.next_frame()
        self.place([Gap(10.0)])

    def place_blocks(self, blocks: Sequence[Block]) -> list[tuple[int, str, int]]:
        """Lay out the body; return the outline as (level, title, page number) for headings 1 and 2."""
        outline: list[tuple[int, str, int]] = []
        for n, block in enumerate(blocks):
            following = blocks[n + 1] if n + 1 < len(blocks) else None
            if isinstance(block, Directive):
                if block.name == "columns":
                    self.set_columns(block.columns)
                elif block.name == "pagebreak":
                    if self.scanned:
                        self.end_scanned()
                    else:
                        self.break_page()
                else:
                    self.end_scanned()
                    self.start_scanned()
            elif isinstance(block, Heading):
                if block.level == 1:
                    self.end_scanned()
                    self.break_page()
                self.place_heading(block, following)
                if block.level <= 2:
                    outline.append((block.level, block.text, self.current.number + 1))
            elif isinstance(block, Paragraph):
                self.place_paragraph(block)
            elif isinstance(block, ListItem):
                self.place_item(block, last=not isinstance(following, ListItem))
            elif isinstance(block, Table):
                self.place_table(block)
            else:
                self.place_box(block)
        self.end_scanned(more=False)
        if self.page is not None and self.col == 0 and self.at_top:  # e.g. a trailing @pagebreak
            self.doc.delete_page(self.page.number)
            self.page = None
        return outline


def draw_cover(doc: pymupdf.Document, entry: Entry, theme: Theme) -> None:
    """Page 1: a coloured band, the big title and the facts from the catalogue."""
    page = new_styled_page(doc, theme)
    width = PAGE_W - 2 * MARGIN_X
    page.draw_rect(pymupdf.Rect(0, 0, PAGE_W, 215), color=None, fill=theme.accent, width=0)
    page.draw_rect(pymupdf.Rect(PAGE_W * 0.62, 0, PAGE_W, 215), color=None, fill=theme.tint(0.25), width=0)
    page.draw_rect(pymupdf.Rect(PAGE_W * 0.62, 215, PAGE_W, 223), color=None, fill=theme.tint(0.6), width=0)
    page.insert_text((MARGIN_X, 70), "CCIN KNOWLEDGE BASE · SAMPLE CORPUS", fontname="SansB", fontsize=9, color=WHITE)
    y = 270.0
    for text in wrap_text(entry.title, theme.measure("SansB", 28), width, hyphenate=False):
        page.insert_text((MARGIN_X, y), text, fontname="SansB", fontsize=28, color=TEXT)
        y += 34
    rule = pymupdf.Rect(MARGIN_X, y - 8, MARGIN_X + 70, y - 5)
    page.draw_rect(rule, color=None, fill=theme.accent, width=0)
    y += 22
    page.insert_text((MARGIN_X, y), entry.type_label, fontname="SansB", fontsize=14, color=theme.accent)
    y += 22
    page.insert_text((MARGIN_X, y), str(entry.year), fontname="SansR", fontsize=12, color=TEXT)
    y += 30
    facts = [f"Lead: {entry.lead_council}"]
    if entry.partners:
        facts.append(f"With: {', '.join(entry.partners)}")
    for fact in facts:
        for text in wrap_text(fact, theme.measure("SansR", 11), width, hyphenate=False):
            page.insert_text((MARGIN_X, y), text, fontname="SansR", fontsize=11, color=TEXT)
            y += 15
        y += 4
    page.draw_line((MARGIN_X, PAGE_H - 92), (PAGE_W - MARGIN_X, PAGE_H - 92), color=GRID, width=0.5)
    for n, text in enumerate(wrap_text(SAMPLE_NOTICE, theme.measure("SansI", 9), width)):
        page.insert_text((MARGIN_X, PAGE_H - 76 + 12 * n), text, fontname="SansI", fontsize=9, color=GREY)
    page.draw_rect(pymupdf.Rect(0, PAGE_H - 18, PAGE_W, PAGE_H), color=None, fill=theme.accent, width=0)


def _join_names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def notice_text(entry: Entry) -> tuple[str, str]:
    partners = f", working with {_join_names(entry.partners)}" if entry.partners else ""
    lead = (
        f"the {entry.lead_council}" if entry.lead_council.startswith("Co-operative Councils'") else entry.lead_council
    )
    first = (
        f"This document is an illustrative sample written for the CCIN Knowledge Base project. It is not a "
        f"CCIN publication. It was written from publicly known facts about a real project of the "
        f"Co-operative Councils' Innovation Network: {entry.title} ({entry.year}), led by "
        f"{lead}{partners}. The wording, the examples and any figures beyond those facts were "
        f"composed for this sample, so nothing in it should be quoted as the view of the network or of the "
        f"councils and organisations named."
    )
    second = f"The real publication is announced at {entry.source_url}."
    return first, second


def place_notice(flow: PdfFlow, entry: Entry, headings: Sequence[str]) -> list[tuple[int, float]]:
    """Page 2: the sample notice and the contents; returns where each contents page number goes."""
    flow.new_page()
    width = flow.frame_width
    flow.place(flow.heading_items(Heading(1, "About this document"), width))
    for text in notice_text(entry):
        flow.place(flow.paragraph_items(text, width))
    flow.place(flow.heading_items(Heading(2, "Contents"), width))
    slots: list[tuple[int, float]] = []
    for title in headings:
        lines = flow.text_lines(title, flow.theme.body, BODY_SIZE, BODY_LEADING + 3, width - 40, TEXT)
        flow.place(lines)
        slots.append((flow.current.number, flow.y - BODY_LEADING - 3))
    return slots


def finish_pages(
    doc: pymupdf.Document,
    flow: PdfFlow,
    slots: Sequence[tuple[int, float]],
    outline: Sequence[tuple[int, str, int]],
) -> None:
    """Fill in the contents page numbers and the footers, now that every page exists."""
    theme = flow.theme
    chapter_pages = [pageno for level, _, pageno in outline if level == 1]
    for (pno, y), number in zip(slots, chapter_pages, strict=True):
        label = str(number)
        x = PAGE_W - MARGIN_X - theme.width(label, theme.body, BODY_SIZE)
        draw_line(doc[pno], Line((Run(0.0, label, theme.body, BODY_SIZE, TEXT),), BODY_LEADING + 3), x, y)
    for pno in range(1, doc.page_count):
        page = doc[pno]
        label = theme.page_label.format(n=page.number + 1)
        page.draw_line((MARGIN_X, PAGE_H - 50), (PAGE_W - MARGIN_X, PAGE_H - 50), color=GRID, width=0.4)
        page.insert_text((MARGIN_X, PAGE_H - 36), FOOTER_NOTICE, fontname="SansR", fontsize=RUNNING_SIZE, color=GREY)
        x = PAGE_W - MARGIN_X - theme.width(label, "SansR", RUNNING_SIZE)
        page.insert_text((x, PAGE_H - 36), label, fontname="SansR", fontsize=RUNNING_SIZE, color=GREY)


def rasterise(doc: pymupdf.Document, page_numbers: Iterable[int]) -> None:
    """Replace each page by a greyscale picture of itself, like a scanned insert with no text layer."""
    for pno in sorted(set(page_numbers)):
        pix = doc[pno].get_pixmap(dpi=SCAN_DPI, colorspace=pymupdf.csGRAY)
        doc.delete_page(pno)
        page = doc.new_page(pno=pno, width=PAGE_W, height=PAGE_H)
        page.insert_image(page.rect, pixmap=pix)


def _fit_outline(outline: Sequence[tuple[int, str, int]]) -> list[list[int | str]]:
    """PDF bookmarks must start at level 1 and never skip a level."""
    toc: list[list[int | str]] = []
    previous = 0
    for level, title, page in outline:
        level = min(level, previous + 1)
        toc.append([level, title, page])
        previous = level
    return toc


def render_pdf(entry: Entry, blocks: Sequence[Block], path: Path) -> int:
    """Write the PDF for one entry; return its page count."""
    theme = Theme.for_entry(entry)
    doc = pymupdf.open()
    try:
        draw_cover(doc, entry, theme)
        flow = PdfFlow(doc, theme, entry.title)
        chapters = [b.text for b in blocks if isinstance(b, Heading) and b.level == 1]
        slots = place_notice(flow, entry, chapters)
        flow.new_page()
        outline = flow.place_blocks(blocks)
        finish_pages(doc, flow, slots, outline)
        rasterise(doc, flow.scanned_pages)
        doc.set_toc(_fit_outline(outline))
        doc.subset_fonts()
        stamp = f"D:{entry.year}0101000000Z"
        doc.set_metadata(
            {
                "title": entry.title,
                "author": AUTHOR,
                "subject": SUBJECT,
                "keywords": f"{entry.type_label}, {entry.lead_council}, {entry.year}",
                "creator": "corpus/build.py",
                "producer": "PyMuPDF",
                "creationDate": stamp,
                "modDate": stamp,
            }
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        # clean=True merges the one-stream-per-insert content PyMuPDF writes; output stays byte-stable.
        doc.save(str(path), garbage=4, deflate=True, clean=True, use_objstms=1, no_new_id=True)
        return int(doc.page_count)
    finally:
        doc.close()


# --------------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------------

_PAGE_CSS = """\
body{font-family:Arial,Helvetica,sans-serif;margin:0;color:#222;line-height:1.5}
header{background:#0b5f63;color:#fff;padding:12px 24px}header a{color:#fff;margin-right:18px}
.site-name{font-weight:bold;font-size:18px}.cookie{background:#f3f3f3;padding:10px 24px;font-size:14px}
main{max-width:780px;margin:24px auto;padding:0 24px}.meta{color:#666}
table{border-collapse:collapse}th,td{border:1px solid #999;padding:4px 8px;text-align:left}
aside.panel{background:#eef6f6;border:1px solid #0b5f63;padding:8px 16px;margin:16px 0}
footer{background:#333;color:#ddd;padding:16px 24px;font-size:13px}"""

_NAV = (
    ("Home", "/"),
    ("About us", "/about/"),
    ("Policy labs", "/policy-labs/"),
    ("Publications", "/publications/"),
    ("Contact", "/contact/"),
)


def _html_blocks(blocks: Sequence[Block], depth: int = 0) -> list[str]:
    """Convert blocks to HTML; source headings shift down one level because <h1> is the page title."""
    esc = html.escape
    out: list[str] = []
    n = 0
    while n < len(blocks):
        block = blocks[n]
        if isinstance(block, Heading):
            level = min(block.level + 1, 6)
            out.append(f"<h{level}>{esc(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{esc(block.text)}</p>")
        elif isinstance(block, ListItem):
            numbered = block.number is not None
            items: list[ListItem] = []
            while n < len(blocks):
                candidate = blocks[n]
                if not isinstance(candidate, ListItem) or (candidate.number is not None) != numbered:
                    break
                items.append(candidate)
                n += 1
            n -= 1
            tag = "ol" if numbered else "ul"
            start = f' start="{items[0].number}"' if numbered and items[0].number != 1 else ""
            out.append(f"<{tag}{start}>")
            out += [f"  <li>{esc(item.text)}</li>" for item in items]
            out.append(f"</{tag}>")
        elif isinstance(block, Table):
            out.append("<table>")
            head = "".join(f"<th>{esc(c)}</th>" for c in block.header)
            out.append(f"  <thead><tr>{head}</tr></thead>")
            out.append("  <tbody>")
            out += ["    <tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in block.rows]
            out.append("  </tbody>")
            out.append("</table>")
        elif isinstance(block, Box):
            out.append('<aside class="panel">')
            out.append(f'  <p class="panel-title"><strong>{esc(block.title)}</strong></p>')
            out += ["  " + line for line in _html_blocks(block.blocks, depth + 1)]
            out.append("</aside>")
        n += 1
    return out


def _description(entry: Entry, blocks: Sequence[Block]) -> str:
    first = next((b.text for b in blocks if isinstance(b, Paragraph)), entry.title)
    if len(first) <= 155:
        return first
    return first[:155].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def render_html(entry: Entry, blocks: Sequence[Block]) -> str:
    """A page that looks like a CMS export: site chrome, cookie banner, article, footer with the notice."""
    esc = html.escape
    nav = "\n".join(f'      <li><a href="{href}">{esc(label)}</a></li>' for label, href in _NAV)
    body = "\n".join("      " + line for line in _html_blocks(blocks))
    first, second = notice_text(entry)
    return f"""<!doctype html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{esc(entry.title)} | {esc(SITE_NAME)}</title>
  <meta name="description" content="{esc(_description(entry, blocks))}">
  <meta name="ccin-sample" content="illustrative sample, not a CCIN publication">
  <style>
{_PAGE_CSS}
  </style>
</head>
<body>
  <header>
    <div class="site-name">{esc(SITE_NAME)}</div>
    <nav aria-label="Main menu">
      <ul>
{nav}
      </ul>
    </nav>
  </header>
  <div class="cookie">This sample site uses only the cookies it needs to work.
    <button type="button">Accept</button> <button type="button">Settings</button></div>
  <main>
    <article>
      <h1>{esc(entry.title)}</h1>
      <p class="meta">{entry.year} · Lead council: {esc(entry.lead_council)} · Status: Active policy lab</p>
{body}
      <aside class="sample-notice">
        <p>{esc(first)}</p>
        <p>{esc(second)}</p>
      </aside>
    </article>
  </main>
  <footer>
    <p>Illustrative sample written for the CCIN Knowledge Base project – not a CCIN publication.</p>
    <p>© {entry.year} CCIN Knowledge Base project sample site. Text written for the sample corpus.</p>
    <p>Sample address: 1 Example Street, Sampletown, SA1 2MP · Accessibility · Privacy notice · Sitemap</p>
  </footer>
</body>
</html>
"""


# --------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------


def build_entry(entry: Entry, catalogue_dir: Path, source_dir: Path) -> str:
    """Build one document and return a one-line report; raises SourceError for a bad source."""
    source = source_dir / f"{entry.id}.md"
    if not source.is_file():
        return f"warning: {entry.id}: no source at {source}; skipped"
    blocks = parse_source(source.read_text(encoding="utf-8"), str(source))
    out = catalogue_dir / entry.file
    if entry.type == "web-page":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render_html(entry, blocks), encoding="utf-8", newline="\n")
        return f"built {entry.file} (web page)"
    pages = render_pdf(entry, blocks, out)
    return f"built {entry.file} ({pages} pages)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m corpus.build", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="ID", help="build only these catalogue ids")
    parser.add_argument("--catalogue", type=Path, default=Path("corpus/catalogue.yaml"))
    parser.add_argument("--source-dir", type=Path, default=Path("corpus/source"))
    args = parser.parse_args(argv)
    try:
        entries = load_catalogue(args.catalogue)
    except (OSError, CatalogueError, yaml.YAMLError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.only:
        unknown = sorted(set(args.only) - {e.id for e in entries})
        if unknown:
            print(f"error: not in the catalogue: {', '.join(unknown)}", file=sys.stderr)
            return 2
        entries = [e for e in entries if e.id in set(args.only)]
    failed = 0
    for entry in entries:
        try:
            print(build_entry(entry, args.catalogue.parent, args.source_dir))
        except SourceError as exc:
            failed += 1
            print(f"error: {entry.id}: source rejected, not built:", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
