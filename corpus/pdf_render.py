"""PDF layout and rendering: a catalogue Entry and its source blocks -> corpus/pdfs/<id>.pdf.

The samples stand in for real reports, so they need covers, running headers, hyphenated lines, tables,
boxed case studies, two-column stretches and pictured (scanned) pages. Everything is laid out here with
PyMuPDF alone and deterministically, so rebuilding never changes a byte unless a source changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pymupdf

from corpus.catalogue import Entry
from corpus.notice import AUTHOR, FOOTER_NOTICE, SAMPLE_NOTICE, SUBJECT, notice_text
from corpus.source import Block, Box, Directive, Heading, ListItem, Paragraph, Table
from corpus.wrap import wrap_text

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

# Base-14 faces as shipped inside MuPDF (Nimbus Sans/Roman, metric-compatible with Helvetica/Times).
# They are embedded and subset rather than referenced as simple base-14 fonts, because PyMuPDF's
# base-14 path only encodes Latin-1 and would turn "•", "–", "…" and curly quotes into "·".
FONT_FILES: Mapping[str, str] = MappingProxyType(
    {"SansR": "helv", "SansB": "hebo", "SansI": "heit", "SerifR": "tiro", "SerifB": "tibo"}
)


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
