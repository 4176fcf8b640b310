"""PDF → blocks with PyMuPDF, keeping page numbers.

Reading order: lines are assigned to the left column, the right column or the full width of the page. A page
with a real right column is read in horizontal bands cut by full-width lines; inside a band the left column is
read top to bottom before the right one, so two-column text is never read across. Tables found by PyMuPDF's
table finder become one "row" block per row. Running headers/footers are margin lines that repeat across
pages; page numbers are margin lines that are only a number.

A page with no text layer but an image or drawings (a scan) is read by OCR (ingest/ocr.py) when it is enabled
and Tesseract's language data is installed; its blocks keep their page number and `Extraction.ocr_pages` names
it. Type sizes Tesseract reports are estimates, so OCR text is never taken for a heading.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.blocks import Block, Extraction
from ingest.clean import (
    BULLET_RE,
    ends_sentence,
    is_page_number,
    join_lines,
    margin_signature,
    normalise_spaces,
    repeated_signatures,
    vocabulary,
)
from ingest.mupdf import pymupdf
from ingest.ocr import HOW_TO_ENABLE, OcrOptions, find_tessdata, ocr_text_page
from kb.errors import UnreadableDocument

_MARGIN = 0.085  # share of page height treated as header/footer zone
_BOLD_FLAG = 16


@dataclass
class _Line:
    text: str
    page: int
    baseline: float
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    bold: bool
    column: int = 0  # -1 full width, 0 left, 1 right
    row: bool = False  # a table row already joined into "a | b | c"
    ocr: bool = False  # read by OCR: its size is Tesseract's estimate


@dataclass
class _Scans:
    """Pages with no text layer but an image or drawings, by what became of them."""

    read: list[int]  # OCR found text
    blank: list[int]  # OCR found none
    unread: list[int]  # OCR off, not installed, or out of time
    why_unread: str = ""


def extract_pdf(path: Path, ocr: OcrOptions | None = None) -> Extraction:
    """Open, check and extract a PDF; raise UnreadableDocument with the reason a person needs. Scanned pages are
    read by OCR under `ocr` (default: on when Tesseract is installed)."""
    started = time.monotonic()
    ocr = ocr if ocr is not None else OcrOptions()
    data = path.read_bytes()
    if not data:
        raise UnreadableDocument("empty file (0 bytes)")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise UnreadableDocument("not a PDF (no %PDF header): the file is corrupt or of another type")
    pymupdf.TOOLS.reset_mupdf_warnings()
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:
        raise UnreadableDocument(f"corrupt PDF: {_reason(exc)}") from None
    with doc:
        if doc.needs_pass or doc.is_encrypted:
            raise UnreadableDocument("password-protected PDF: it cannot be read without its password")
        # Before the page count: a cut-off file usually loses its page tree too, and "truncated" is the cause.
        repaired = bool(getattr(doc, "is_repaired", False))
        if repaired and b"%%EOF" not in data[-1024:]:
            raise UnreadableDocument("truncated PDF: the file ends before its end-of-file marker")
        if doc.page_count == 0:
            damage = _damage()
            if repaired or damage:
                cause = damage or "xref repaired"
                raise UnreadableDocument(f"corrupt PDF: no pages could be found ({cause})")
            raise UnreadableDocument("PDF has no pages")
        meta = doc.metadata or {}
        pages: list[list[_Line]] = []
        scans = _Scans([], [], [])
        for number in range(doc.page_count):
            try:
                page = doc.load_page(number)
                lines = _page_lines(page, number + 1)
                if not lines and (page.get_images() or page.get_drawings()):
                    lines = _scanned_page_lines(page, number + 1, ocr, started, scans)
            except UnreadableDocument:
                raise
            except Exception as exc:
                raise UnreadableDocument(f"damaged PDF: page {number + 1} cannot be read ({_reason(exc)})") from None
            pages.append(lines)
    damage = _damage()
    if not any(pages):
        if damage:
            raise UnreadableDocument(f"damaged PDF: no readable text on any page ({damage})")
        if scans.unread:
            unread = f"image-only PDF: no text layer on any of its {len(pages)} page(s); it needs OCR"
            raise UnreadableDocument(unread + (f" ({scans.why_unread})" if scans.why_unread else ""))
        if scans.blank:
            raise UnreadableDocument(
                f"image-only PDF: no text layer on any of its {len(pages)} page(s) and OCR found no text"
            )
        raise UnreadableDocument("PDF has no text on any page")
    blocks = _blocks(pages)
    warnings = [f"page {n} has no text layer (scanned image): needs OCR" for n in scans.unread]
    if scans.unread and scans.why_unread:
        warnings[-1] += f" ({scans.why_unread})"
    warnings += [f"page {n} has no text layer (scanned image) and OCR found no text on it" for n in scans.blank]
    if damage:
        # A damaged content stream reads as an empty page: say so rather than index half a document silently.
        scanned = {*scans.read, *scans.blank, *scans.unread}
        empty = [str(n) for n, lines in enumerate(pages, start=1) if not lines and n not in scanned]
        lost = f"; no text recovered from page(s) {', '.join(empty)}" if empty else ""
        warnings.append(f"damaged PDF: parts could not be read ({damage}){lost}")
    return Extraction(
        blocks=blocks,
        page_count=len(pages),
        title=normalise_spaces(meta.get("title") or "") or None,
        author=normalise_spaces(meta.get("author") or "") or None,
        created=_pdf_date(meta.get("creationDate") or ""),
        subject=normalise_spaces(meta.get("subject") or "") or None,
        keywords=normalise_spaces(meta.get("keywords") or "") or None,
        ocr_pages=scans.read,
        warnings=warnings,
    )


def _scanned_page_lines(page: pymupdf.Page, number: int, ocr: OcrOptions, started: float, scans: _Scans) -> list[_Line]:
    """A page with no text layer, read by OCR when it is on, installed and there is time left."""
    tessdata = find_tessdata(ocr.language) if ocr.enabled else None
    if ocr.enabled and tessdata is None:
        scans.why_unread = f"no Tesseract language data for {ocr.language!r}: {HOW_TO_ENABLE}"
    elif ocr.enabled and ocr.seconds is not None and time.monotonic() - started >= ocr.seconds:
        scans.why_unread = "OCR stopped: the extraction time budget was running out"
    if tessdata is None or scans.why_unread:
        scans.unread.append(number)
        return []
    lines = _page_lines(page, number, ocr_text_page(page, ocr, tessdata))
    (scans.read if lines else scans.blank).append(number)
    return lines


def _damage() -> str | None:
    """The first error MuPDF recorded since the last reset (it repairs or skips broken objects silently).
    MuPDF's warning log is process-wide, so concurrent extractions may see each other's problems."""
    for line in pymupdf.TOOLS.mupdf_warnings(reset=True).splitlines():
        if "error" in line.lower() or "cannot" in line.lower() or "broken" in line.lower():
            return line.strip()[:160]
    return None


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or exc.__class__.__name__
    return text.splitlines()[0][:160]


def _pdf_date(value: str) -> str | None:
    match = re.match(r"D:(\d{4})(\d{2})?(\d{2})?", value)
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    return f"{year}-{month}-{day}"


def _page_lines(page: pymupdf.Page, number: int, textpage: pymupdf.TextPage | None = None) -> list[_Line]:
    """The page's lines in reading order; from `textpage` (an OCR reading, which has no tables) when given."""
    width = page.rect.width
    table_lines, table_boxes = _tables(page, number) if textpage is None else ([], [])
    lines: list[_Line] = []
    for block in page.get_text("dict", sort=False, textpage=textpage)["blocks"]:
        if block.get("type") != 0:
            continue
        for line in block["lines"]:
            spans = [s for s in line["spans"] if s["text"].strip()]
            if not spans:
                continue
            x0, y0, x1, y1 = line["bbox"]
            if any(_inside((x0, y0, x1, y1), box) for box in table_boxes):
                continue
            text = "".join(s["text"] for s in line["spans"])
            size = max(s["size"] for s in spans)
            bold = all((s["flags"] & _BOLD_FLAG) or "bold" in s["font"].lower() for s in spans)
            baseline = spans[0]["origin"][1]
            ocr = textpage is not None
            lines.append(_Line(text, number, baseline, x0, y0, x1, y1, round(size, 1), bold and not ocr, ocr=ocr))
    lines = _merge_same_baseline(lines, width / 2)
    lines.extend(table_lines)
    _assign_columns(lines, width)
    return _reading_order(lines, page.rect.height)


def _merge_same_baseline(lines: list[_Line], mid: float) -> list[_Line]:
    """Pieces of one visual line (a bullet glyph and its text, spans set separately) become one line;
    never across the page's middle, where the gutter of a two-column page lies."""
    merged: list[_Line] = []
    for line in sorted(lines, key=lambda ln: (round(ln.baseline), ln.x0)):
        last = merged[-1] if merged else None
        crosses_gutter = last is not None and last.x1 <= mid + 2 and line.x0 >= mid - 2
        if (
            last is not None
            and not crosses_gutter
            and abs(last.baseline - line.baseline) < 1.5
            and 0 <= line.x0 - last.x1 < 14
        ):
            last.text = last.text.rstrip() + " " + line.text.lstrip()
            last.x1, last.y0, last.y1 = line.x1, min(last.y0, line.y0), max(last.y1, line.y1)
            last.size = max(last.size, line.size)
            last.bold = last.bold and line.bold
            continue
        merged.append(line)
    return merged


def _tables(page: pymupdf.Page, number: int) -> tuple[list[_Line], list[tuple[float, float, float, float]]]:
    """Ruled tables as one line per row. Skipped cheaply on pages without enough vector lines."""
    drawings = page.get_drawings()
    if sum(len(d.get("items", ())) for d in drawings) < 8:
        return [], []
    rows: list[_Line] = []
    boxes = []
    words: list[tuple[Any, ...]] | None = None
    # Ruled tables lie inside their rules: searching only where something is drawn finds the same tables in
    # half the time (the finder reads every character of the area it searches).
    drawn = pymupdf.Rect()
    for drawing in drawings:
        drawn |= drawing["rect"]
    for table in page.find_tables(clip=drawn + pymupdf.Rect(-2, -2, 2, 2), strategy="lines", use_layout=False).tables:
        if len(table.rows) < 2 or table.col_count < 2:
            continue
        x0, y0, x1, y1 = table.bbox
        boxes.append((x0 - 1, y0 - 1, x1 + 1, y1 + 1))
        words = page.get_text("words", sort=False) if words is None else words
        for row in table.rows:
            cells = [_cell_lines(words, cell) if cell else [] for cell in row.cells]
            text = " | ".join(normalise_spaces(join_lines(c)) for c in cells)
            rows.append(_Line(text, number, row.bbox[1], x0, row.bbox[1], x1, row.bbox[1] + 1, 0.0, False, row=True))
    return rows, boxes


def _cell_lines(words: list[tuple[Any, ...]], cell: tuple[float, float, float, float]) -> list[str]:
    """The text lines of one table cell, from the page's words (read once per page: asking PyMuPDF for each
    cell's text box rescans every character on the page, which made tables most of the extraction time).
    A word belongs to the cell holding its centre; words keep their (block, line, word) reading order."""
    inside = sorted((w[5], w[6], w[7], w[4]) for w in words if _inside((w[0], w[1], w[2], w[3]), cell))
    lines: dict[tuple[int, int], list[str]] = {}
    for block, line, _, word in inside:
        lines.setdefault((block, line), []).append(word)
    return [" ".join(line) for line in lines.values()]


def _inside(inner: tuple[float, float, float, float], outer: tuple[float, float, float, float]) -> bool:
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]


def _assign_columns(lines: list[_Line], width: float) -> None:
    mid = width / 2
    for line in lines:
        if line.x1 <= mid + 2:
            line.column = 0
        elif line.x0 >= mid - 2:
            line.column = 1
        else:
            line.column = -1


def _reading_order(lines: list[_Line], height: float) -> list[_Line]:
    body = [ln for ln in lines if _MARGIN * height < ln.y0 and ln.y1 < (1 - _MARGIN) * height]
    two_column = sum(1 for ln in body if ln.column == 1) >= 3 and sum(1 for ln in body if ln.column == 0) >= 3
    ordered = sorted(lines, key=lambda ln: (round(ln.baseline, 1), ln.x0))
    if not two_column:
        return ordered
    result: list[_Line] = []
    band: list[_Line] = []
    for line in ordered:
        if line.column == -1:
            result.extend(_band(band))
            band = []
            result.append(line)
        else:
            band.append(line)
    result.extend(_band(band))
    return result


def _band(lines: list[_Line]) -> list[_Line]:
    return [ln for ln in lines if ln.column == 0] + [ln for ln in lines if ln.column == 1]


def _blocks(pages: list[list[_Line]]) -> list[Block]:
    height_guess = max((ln.y1 for page in pages for ln in page), default=842.0)
    pages = _drop_margins(pages, height_guess)
    sizes: Counter[float] = Counter()
    for page in pages:
        for ln in page:
            if not ln.row and not ln.ocr:
                sizes[ln.size] += len(ln.text)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    heading_sizes = sorted({ln.size for p in pages for ln in p if not ln.ocr and ln.size >= body + 1.5}, reverse=True)
    level_of = {size: i + 1 for i, size in enumerate(heading_sizes)}
    bold_level = len(heading_sizes) + 1
    vocab = vocabulary(ln.text for page in pages for ln in page)

    blocks: list[Block] = []
    for page in pages:
        blocks.extend(_page_blocks(page, body, level_of, bold_level, vocab))
    return _merge_across_pages(blocks, vocab)


def _drop_margins(pages: list[list[_Line]], height: float) -> list[list[_Line]]:
    def in_margin(ln: _Line) -> bool:
        return ln.y1 <= _MARGIN * height + 4 or ln.y0 >= (1 - _MARGIN) * height - 4

    repeated = repeated_signatures([[ln.text for ln in page if in_margin(ln)] for page in pages])
    kept = []
    for page in pages:
        kept.append(
            [
                ln
                for ln in page
                if not (in_margin(ln) and (margin_signature(ln.text) in repeated or is_page_number(ln.text)))
            ]
        )
    return kept


def _heading_level(ln: _Line, body: float, level_of: dict[float, int], bold_level: int) -> int:
    if ln.row or ln.ocr:
        return 0
    if ln.size in level_of:
        return level_of[ln.size]
    words = len(ln.text.split())
    if ln.bold and abs(ln.size - body) < 1.5 and words <= 14 and not ln.text.rstrip().endswith((".", ",", ";")):
        return bold_level
    return 0


def _page_blocks(
    page: list[_Line], body: float, level_of: dict[float, int], bold_level: int, vocab: Counter[str]
) -> list[Block]:
    blocks: list[Block] = []
    current: list[_Line] = []
    kind = "paragraph"
    level = 0

    def flush() -> None:
        nonlocal current
        if current:
            text = join_lines([ln.text for ln in current], vocab)
            if kind == "item":
                text = BULLET_RE.sub(lambda m: m.group(0).strip() + " ", text, count=1)
            if text:
                blocks.append(Block(kind, text, current[0].page, level=level))  # type: ignore[arg-type]
        current = []

    previous: _Line | None = None
    for ln in page:
        line_level = _heading_level(ln, body, level_of, bold_level)
        if ln.row:
            flush()
            blocks.append(Block("row", ln.text, ln.page))
            previous = None
            continue
        if line_level:
            same_heading = kind == "heading" and level == line_level and previous is not None and _close(previous, ln)
            if not same_heading:
                flush()
                kind, level = "heading", line_level
            current.append(ln)
            previous = ln
            continue
        starts_item = bool(BULLET_RE.match(ln.text))
        # A list item's continuation lines hang indented; a line back at the bullet's margin ends the item.
        item_ended = kind == "item" and ln.x0 < current[0].x0 + 3
        new_block = kind == "heading" or starts_item or item_ended or previous is None or not _close(previous, ln)
        if new_block:
            flush()
            kind, level = ("item" if starts_item else "paragraph"), 0
        current.append(ln)
        previous = ln
    flush()
    return blocks


def _close(previous: _Line, ln: _Line) -> bool:
    """Same paragraph: same column and the vertical gap is no more than about half a line."""
    if previous.column != ln.column and -1 not in (previous.column, ln.column):
        return False
    line_height = max(previous.y1 - previous.y0, 1.0)
    gap = ln.y0 - previous.y1
    return -line_height < gap <= 0.45 * line_height


def _merge_across_pages(blocks: list[Block], vocab: Counter[str]) -> list[Block]:
    """A paragraph cut by a column or page break continues when it has no final stop and the next block
    starts in lower case (or the cut fell inside a hyphenated word)."""
    merged: list[Block] = []
    for block in blocks:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.kind in ("paragraph", "item")
            and block.kind == "paragraph"
            and block.page in (last.page_end, last.page_end + 1)
            and not ends_sentence(last.text)
            and (block.text[:1].islower() or last.text.endswith("-"))
        ):
            last.text = join_lines([last.text, block.text], vocab)
            last.page_end = block.page
            continue
        merged.append(block)
    return merged
