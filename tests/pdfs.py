"""A small factory of real test PDFs (and other test files), laid out line by line with PyMuPDF.

Every line of text is placed by hand, so a test knows exactly what the page says, where it is and how it is
wrapped: the extracted passages can then be asserted word for word. The bad files (corrupt, truncated,
encrypted, page-less, image-only, empty, non-UTF-8, unsupported) are built here too, so the ingestion tests
exercise the real failure paths instead of pretending.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from evaluations.hostile_files import zero_page_pdf as zero_page_pdf  # the one writer of an empty page tree

WIDTH, HEIGHT = pymupdf.paper_size("a4")  # 595 x 842
LEFT = 60.0
RIGHT = WIDTH - 60.0
TOP = 100.0
BODY = 10.0
LEADING = 13.0
PARAGRAPH_GAP = 12.0


@dataclass
class PageWriter:
    """Writes one page top to bottom; each method places whole lines at the cursor."""

    page: pymupdf.Page
    y: float = TOP

    def line(self, text: str, size: float = BODY, bold: bool = False, x: float = LEFT) -> None:
        self.page.insert_text((x, self.y), text, fontname="SansB" if bold else "SansR", fontsize=size)
        self.y += max(LEADING, size * 1.3)

    def heading(self, text: str, size: float = 16.0, bold: bool = True) -> None:
        self.y += 6
        self.line(text, size=size, bold=bold)
        self.y += 4

    def paragraph(self, lines: Sequence[str], x: float = LEFT) -> None:
        """Pre-wrapped lines, exactly as given (hyphens at line ends included), then a paragraph gap."""
        for text in lines:
            self.line(text, x=x)
        self.y += PARAGRAPH_GAP

    def bullets(self, items: Sequence[Sequence[str]]) -> None:
        """Each item is a list of lines: a bullet on the first, the rest hanging under the text."""
        for lines in items:
            self.page.insert_text((LEFT, self.y), "•", fontname="SansR", fontsize=BODY)
            for text in lines:
                self.line(text, x=LEFT + 14)
            self.y += 4
        self.y += PARAGRAPH_GAP

    def columns(self, left: Sequence[Sequence[str]], right: Sequence[Sequence[str]]) -> None:
        """Two columns of paragraphs (lists of lines) side by side, each column read on its own."""
        gutter = WIDTH / 2
        top, bottoms = self.y, []
        for paragraphs, x in ((left, LEFT), (right, gutter + 12)):
            self.y = top
            for lines in paragraphs:
                self.paragraph(lines, x=x)
            bottoms.append(self.y)
        self.y = max(bottoms)

    def table(self, rows: Sequence[Sequence[str]], widths: Sequence[float] | None = None) -> None:
        """A ruled table: every cell boxed by vector lines, one line of text per cell."""
        count = len(rows[0])
        widths = list(widths or [(RIGHT - LEFT) / count] * count)
        row_height = 20.0
        top = self.y
        shape = self.page.new_shape()
        for r, row in enumerate(rows):
            x = LEFT
            for c, cell in enumerate(row):
                shape.draw_rect(pymupdf.Rect(x, top + r * row_height, x + widths[c], top + (r + 1) * row_height))
                self.page.insert_text(
                    (x + 4, top + r * row_height + 14),
                    cell,
                    fontname="SansB" if r == 0 else "SansR",
                    fontsize=9,
                )
                x += widths[c]
        shape.finish(color=(0, 0, 0), width=0.8)
        shape.commit()
        self.y = top + len(rows) * row_height + PARAGRAPH_GAP + LEADING

    def image(self, rect: pymupdf.Rect | None = None) -> None:
        """A picture with no text in it (a 'scanned' area)."""
        self.page.insert_image(rect or pymupdf.Rect(LEFT, self.y, RIGHT, self.y + 300), stream=grey_png())
        self.y += 310


@dataclass
class PdfBuilder:
    """A document of A4 pages, optionally with a running header and a 'Page N of M' footer on every page."""

    header: str | None = None
    footer: bool = False
    metadata: dict[str, str] = field(default_factory=dict)
    doc: pymupdf.Document = field(default_factory=pymupdf.open)

    def page(self) -> PageWriter:
        page = self.doc.new_page(width=WIDTH, height=HEIGHT)
        # Embedded rather than base-14, whose Latin-1 path would turn "•" into "·".
        for alias, name in (("SansR", "helv"), ("SansB", "hebo")):
            page.insert_font(fontname=alias, fontbuffer=pymupdf.Font(name).buffer)
        return PageWriter(page)

    def _furniture(self) -> None:
        total = self.doc.page_count
        for number in range(1, total + 1):
            page = self.doc[number - 1]
            if self.header:
                page.insert_text((LEFT, 40), self.header, fontname="SansR", fontsize=8)
            if self.footer:
                page.insert_text(
                    (WIDTH / 2 - 20, HEIGHT - 30), f"Page {number} of {total}", fontname="SansR", fontsize=8
                )

    def tobytes(self, **save_options: object) -> bytes:
        self._furniture()
        if self.metadata:
            self.doc.set_metadata(self.metadata)
        data: bytes = self.doc.tobytes(**save_options)
        self.doc.close()
        return data

    def save(self, path: Path, **save_options: object) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.tobytes(**save_options))
        return path


def grey_png(width: int = 120, height: int = 160) -> bytes:
    pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, width, height), False)
    pixmap.clear_with(180)
    return bytes(pixmap.tobytes("png"))


# ---- good documents -------------------------------------------------------------------------------------

REPORT_TITLE = "Testing Cooperative Places"
REPORT_AUTHOR = "Test Council"
REPORT_HEADER = "Testing Cooperative Places · Illustrative sample"


def report_pdf(path: Path, title: str = REPORT_TITLE, created: str = "D:20190315120000") -> Path:
    """Three pages with a running header and page-number footer.

    Page 1: a size-20 title, a size-14 section heading, a paragraph hard-wrapped with two end-of-line
    hyphenations (one a real compound), a bold body-size sub-heading and a bullet list.
    Page 2: a two-column stretch under a heading. Page 3: a ruled table under a heading, then a paragraph.
    """
    pdf = PdfBuilder(
        header=REPORT_HEADER,
        footer=True,
        metadata={"title": title, "author": REPORT_AUTHOR, "creationDate": created},
    )
    one = pdf.page()
    one.heading(title, size=20)
    one.heading("Why councils share power", size=14)
    one.paragraph(
        [
            "Councils across the network test new ways of working with resid-",
            "ents. Each pilot was shaped through co-",
            "production with tenants, and community-",
            "led groups chose the priorities for the year.",
        ]
    )
    one.paragraph(
        [
            "This community work is led by volunteers who meet every month",
            "in the library to review progress.",
        ]
    )
    one.heading("What the pilots did", size=BODY, bold=True)
    one.bullets(
        [
            ["Opened a repair cafe in the market hall."],
            ["Trained twelve residents as energy champions who visit", "neighbours at home."],
            ["Set up a food club run by its members."],
        ]
    )
    two = pdf.page()
    two.heading("Two columns of findings", size=14)
    two.columns(
        [
            ["Left column first line about the cafe", "that carries on down the left side", "and ends here."],
            ["A second left paragraph stays on", "the left as well."],
        ],
        [
            ["Right column starts only after", "the whole left column is read", "by the extractor."],
            ["The last right paragraph closes", "the page."],
        ],
    )
    three = pdf.page()
    three.heading("Results table", size=14)
    three.table([["Pilot", "Council", "Year"], ["Repair cafe", "Oldham", "2019"], ["Food club", "Preston", "2020"]])
    three.paragraph(["The table shows two pilots and their lead councils."])
    return pdf.save(path)


def simple_pdf(path: Path, paragraphs: Sequence[str], title: str | None = None, pages: int = 1) -> Path:
    """A plain document: each page holds the given one-line paragraphs (prefixed by the page number)."""
    pdf = PdfBuilder(metadata={"title": title} if title else {})
    for number in range(1, pages + 1):
        writer = pdf.page()
        for text in paragraphs:
            writer.paragraph([f"{text} (page {number})."])
    return pdf.save(path)


def mixed_scan_pdf(path: Path) -> Path:
    """Two text pages around a page that is only a picture (a scanned page needing OCR)."""
    pdf = PdfBuilder()
    pdf.page().paragraph(["The first page has a text layer."])
    pdf.page().image()
    pdf.page().paragraph(["The third page has a text layer again."])
    return pdf.save(path)


# ---- bad files -----------------------------------------------------------------------------------------


def image_only_pdf(path: Path) -> Path:
    pdf = PdfBuilder()
    pdf.page().image()
    return pdf.save(path)


def encrypted_pdf(path: Path) -> Path:
    pdf = PdfBuilder()
    pdf.page().paragraph(["A secret paragraph nobody can read without the password."])
    return pdf.save(
        path,
        encryption=pymupdf.PDF_ENCRYPT_AES_256,  # type: ignore[attr-defined]
        user_pw="user-secret",
        owner_pw="owner-secret",
    )


def truncated_pdf(path: Path, source: Path) -> Path:
    """The first 40% of a good PDF: its end, cross-reference table and trailer are gone."""
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.4)])
    return path


def corrupt_pdf(path: Path) -> Path:
    """A %PDF header followed by noise: no objects, no cross-reference table."""
    noise = random.Random(7).randbytes(4000)
    path.write_bytes(b"%PDF-1.7\n" + noise)
    return path


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def latin1_text(path: Path) -> Path:
    """Text saved as Latin-1: the pound sign is byte 0xa3, which is not valid UTF-8."""
    path.write_bytes("Budget of £14bn for the network.\n".encode("latin-1"))
    return path


def malformed_variants(source: Path, directory: Path, count: int = 30, seed: int = 20240601) -> list[Path]:
    """Damaged copies of a good PDF: alternately truncated at a random point and bit-flipped at random
    bytes."""
    rng = random.Random(seed)
    data = source.read_bytes()
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        damaged = bytearray(data)
        if number % 2 == 0:
            damaged = damaged[: rng.randrange(16, len(data) - 1)]
        else:
            for _ in range(rng.randrange(1, 40)):
                position = rng.randrange(len(damaged))
                damaged[position] ^= 1 << rng.randrange(8)
        path = directory / f"variant-{number:02d}.pdf"
        path.write_bytes(bytes(damaged))
        paths.append(path)
    return paths
