"""Word (.docx) → blocks with python-docx, reading the body in order: paragraphs and tables as they come.

- Headings: the Title style, the "Heading N" styles, and any paragraph whose own or style's outline level marks
  it as one. Levels are counted from the document's highest heading, so a document that starts at Heading 2
  still has level-1 headings; a Title is level 1.
- List items (a "List …" style, or numbering on the paragraph or its style) are "item" blocks; each table row is
  one "row" block, its cells joined as "cell | cell" (a merged cell once).
- The core properties give the title, author and creation date.

A Word file has no fixed pages (they depend on the printer and the fonts), so passages cannot be cited by
page. Sections stand in for pages: block "page" numbers count sections, and a new section starts at each
top-level heading that follows some text (a Title directly followed by the first heading opens one section,
not two). The extraction's `unit` is "section", so citations say "§ 3", never "p. 3".
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.blocks import Block, Extraction
from ingest.clean import normalise_spaces
from kb.errors import UnreadableDocument

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: an encrypted .docx, or an old .doc
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_HEADING_STYLE = re.compile(r"heading\s*([1-9])", re.IGNORECASE)
_BODY_OUTLINE_LEVEL = 9  # Word's outline level for body text


def extract_docx(path: Path) -> Extraction:
    """Open, check and extract a Word document; raise UnreadableDocument with the reason a person needs."""
    document = _open(path.read_bytes())
    raw: list[tuple[str, str, int]] = []  # (kind, text, heading level: 0 title, 1.. Heading N)
    for part in document.iter_inner_content():
        if isinstance(part, Paragraph):
            raw.extend(_paragraph(part))
        else:
            raw.extend(("row", row, 0) for row in _rows(part))
    if not raw:
        raise UnreadableDocument("Word document has no text")
    blocks = _sectioned(raw)
    core = document.core_properties
    title_style = next((text for kind, text, level in raw if kind == "heading" and level == 0), None)
    created = core.created
    return Extraction(
        blocks=blocks,
        page_count=max(b.page for b in blocks),
        title=normalise_spaces(core.title or "") or title_style,
        author=normalise_spaces(core.author or "") or None,
        created=created.date().isoformat() if created else None,
        unit="section",
    )


def _open(data: bytes) -> Any:
    if not data:
        raise UnreadableDocument("empty file (0 bytes)")
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTION_STREAM in data:
            raise UnreadableDocument("password-protected Word document: it cannot be read without its password")
        raise UnreadableDocument("not a .docx file: an older Word (.doc) or other Office file; save it as .docx")
    if not data.startswith(b"PK\x03\x04"):
        raise UnreadableDocument("not a Word document (not a .docx package): the file is corrupt or of another type")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableDocument("corrupt Word document: not a complete zip package (cut short or damaged)") from None
    if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
        raise UnreadableDocument("not a Word document: a zip archive with no Word document in it")
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:
        detail = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc  # KeyError quotes its message
        reason = (str(detail).strip() or type(exc).__name__).splitlines()[0][:160]
        raise UnreadableDocument(f"corrupt Word document: {reason}") from None


def _paragraph(paragraph: Paragraph) -> list[tuple[str, str, int]]:
    text = _flat(paragraph.text)
    if not text:
        return []
    level = _heading_level(paragraph)
    if level is not None:
        return [("heading", text, level)]
    if _is_list_item(paragraph):
        return [("item", text, 0)]
    return [("paragraph", text, 0)]


def _styles(paragraph: Paragraph) -> list[Any]:
    """The paragraph's style and the styles it is based on, nearest first."""
    chain: list[Any] = []
    style = paragraph.style
    while style is not None and len(chain) < 10:
        chain.append(style)
        style = style.base_style
    return chain


def _heading_level(paragraph: Paragraph) -> int | None:
    """0 for the Title style, N for "Heading N" or outline level N-1; None for body text."""
    styles = _styles(paragraph)
    name = (styles[0].name or "") if styles else ""
    if name.lower() == "title":
        return 0
    match = _HEADING_STYLE.fullmatch(name.strip())
    if match:
        return int(match.group(1))
    for properties in [paragraph._p.pPr, *(s.element.pPr for s in styles)]:
        outline = properties.find(qn("w:outlineLvl")) if properties is not None else None
        if outline is not None:
            value = int(outline.get(qn("w:val"), _BODY_OUTLINE_LEVEL))
            return value + 1 if value < _BODY_OUTLINE_LEVEL else None
    return None


def _is_list_item(paragraph: Paragraph) -> bool:
    styles = _styles(paragraph)
    if styles and (styles[0].name or "").lower().startswith("list"):
        return True
    return any(
        p is not None and p.find(qn("w:numPr")) is not None
        for p in [paragraph._p.pPr, *(s.element.pPr for s in styles)]
    )


def _rows(table: Table) -> list[str]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is listed once per grid column it spans
                continue
            seen.add(id(cell._tc))
            cells.append(_flat(cell.text))
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


def _flat(text: str) -> str:
    """One line: python-docx gives line breaks and a cell's paragraphs as newlines, tabs as tabs."""
    return normalise_spaces(" ".join(text.split()))


def _sectioned(raw: list[tuple[str, str, int]]) -> list[Block]:
    """Blocks with heading levels counted from the top heading and `page` set to the section number."""
    heading_levels = [level for kind, _, level in raw if kind == "heading" and level > 0]
    top = min(heading_levels, default=1)
    blocks: list[Block] = []
    section, has_text = 1, False
    for kind, text, level in raw:
        if kind == "heading":
            level = 1 if level == 0 else max(level - top + 1, 1)
            if level == 1 and has_text:
                section, has_text = section + 1, False
        else:
            has_text = True
        blocks.append(Block(kind, text, section, level=level if kind == "heading" else 0))  # type: ignore[arg-type]
    return blocks
