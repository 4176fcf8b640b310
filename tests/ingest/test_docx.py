"""Word documents built by the test with python-docx: blocks in body order (headings, list items, table rows),
sections as the citation unit, core properties, every kind of unreadable .docx, and a folder ingested with the
CLI and searched over HTTP, whose citation names the section and links to no page."""

from __future__ import annotations

import datetime
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import httpx
import pytest
from click.testing import CliRunner
from docx.enum.text import WD_BREAK

from ccin.app import knowledge_base
from ccin.cli import cli
from ingest.blocks import Block
from ingest.docx import extract_docx
from ingest.extract import extract
from kb.errors import UnreadableDocument
from tests.conftest import LiveServer, make_settings


def report_docx(path: Path) -> Path:
    """A Title, an opening paragraph, two Heading 1 sections (the first with a Heading 2, bullets, a numbered
    item and a table with a merged cell) and the core properties."""
    document = docx.Document()
    document.core_properties.title = "Tool libraries in Kirklees"
    document.core_properties.author = "Kirklees Council"
    document.core_properties.created = datetime.datetime(2022, 5, 17, 9, 30)
    document.add_paragraph("Tool libraries", style="Title")
    document.add_paragraph("A short note on lending tools instead of selling them.")
    document.add_heading("What we found", level=1)
    opening = document.add_paragraph("Residents borrowed drills and ladders")
    opening.add_run().add_break(WD_BREAK.LINE)
    opening.add_run("for weekend repairs.")
    document.add_paragraph("Fewer tools bought and thrown away", style="List Bullet")
    document.add_paragraph("Neighbours met at the library desk", style="List Bullet")
    document.add_paragraph("Volunteers trained to check safety", style="List Number")
    document.add_heading("Numbers", level=2)
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["Site", "Loans", "Year"], ["Dewsbury", "410", "2021"], ["Huddersfield", "", "2022"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(2, 1).merge(table.cell(2, 2))
    table.cell(2, 1).text = "not counted"
    document.add_heading("Next steps", level=1)
    document.add_paragraph("The council will open a second tool library in Batley next spring.")
    document.save(str(path))
    return path


NOTES = (
    "Lending tools kept about three hundred items out of the bins in the first year, by the volunteers' own count.",
    "Several borrowers said they would not have attempted the repair at all without advice from the desk.",
    "The library's opening hours were set with residents who work shifts, so evenings and Sundays came first.",
    "A local hardware shop donated spare parts and now sends customers who only need a tool once.",
)


def long_report_docx(path: Path) -> Path:
    """The same document with each section long enough to be a passage of its own."""
    report_docx(path)
    document = docx.Document(str(path))
    for paragraph in document.paragraphs:
        if paragraph.text.startswith(("A short note", "Residents borrowed", "The council will open")):
            paragraph.add_run(" " + " ".join(NOTES))
        if paragraph.text == "Next steps":  # the table's section gets some prose after the table
            paragraph.insert_paragraph_before(" ".join(reversed(NOTES)))
    document.save(str(path))
    return path


def test_a_word_document_is_read_in_body_order_with_sections_as_pages(tmp_path: Path) -> None:
    extraction = extract_docx(report_docx(tmp_path / "tools.docx"))

    assert extraction.blocks == [
        Block("heading", "Tool libraries", 1, level=1),
        Block("paragraph", "A short note on lending tools instead of selling them.", 1),
        Block("heading", "What we found", 2, level=1),
        Block("paragraph", "Residents borrowed drills and ladders for weekend repairs.", 2),
        Block("item", "Fewer tools bought and thrown away", 2),
        Block("item", "Neighbours met at the library desk", 2),
        Block("item", "Volunteers trained to check safety", 2),
        Block("heading", "Numbers", 2, level=2),
        Block("row", "Site | Loans | Year", 2),
        Block("row", "Dewsbury | 410 | 2021", 2),
        Block("row", "Huddersfield | not counted", 2),
        Block("heading", "Next steps", 3, level=1),
        Block("paragraph", "The council will open a second tool library in Batley next spring.", 3),
    ]
    assert extraction.page_count == 3
    assert extraction.unit == "section"
    assert (extraction.title, extraction.author, extraction.created) == (
        "Tool libraries in Kirklees",
        "Kirklees Council",
        "2022-05-17",
    )


def test_levels_count_from_the_highest_heading_and_outline_levels_make_headings(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Before any heading.")
    document.add_heading("First part", level=2)
    document.add_heading("A detail", level=3)
    document.add_paragraph("Detail text.")
    custom = document.add_paragraph("Second part")
    outline = custom._p.get_or_add_pPr()
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    level = OxmlElement("w:outlineLvl")
    level.set(qn("w:val"), "1")  # outline level 2, as Heading 2 has
    outline.append(level)
    document.add_paragraph("Closing text.")
    document.save(str(tmp_path / "levels.docx"))

    extraction = extract(tmp_path / "levels.docx")

    assert [(b.kind, b.text, b.page, b.level) for b in extraction.blocks] == [
        ("paragraph", "Before any heading.", 1, 0),
        ("heading", "First part", 2, 1),
        ("heading", "A detail", 2, 2),
        ("paragraph", "Detail text.", 2, 0),
        ("heading", "Second part", 3, 1),
        ("paragraph", "Closing text.", 3, 0),
    ]
    assert extraction.title is None


def _encrypted_look_alike(path: Path) -> Path:
    """What Word writes for a password-protected .docx: a compound file holding an EncryptionInfo stream."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    path.write_bytes(header + "EncryptionInfo".encode("utf-16-le") + bytes(512))
    return path


def _written(data: bytes) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return make


def _zip_without_word_parts(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "an archive, not a Word document")
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_written(b""), "empty file (0 bytes)"),
        (
            _written(b"plain text renamed"),
            "not a Word document (not a .docx package): the file is corrupt or of another type",
        ),
        (_written(b"PK\x03\x04 cut short"), "corrupt Word document: not a complete zip package (cut short or damaged)"),
        (_encrypted_look_alike, "password-protected Word document: it cannot be read without its password"),
        (
            _written(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024)),
            "not a .docx file: an older Word (.doc) or other Office file; save it as .docx",
        ),
        (_zip_without_word_parts, "not a Word document: a zip archive with no Word document in it"),
    ],
    ids=["empty", "renamed-text", "truncated", "encrypted", "old-doc", "other-zip"],
)
def test_unreadable_word_documents_raise_with_the_reason(tmp_path: Path, make, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnreadableDocument) as raised:
        extract_docx(make(tmp_path / "bad.docx"))

    assert raised.value.message == reason


def test_a_word_document_with_no_text_is_refused(tmp_path: Path) -> None:
    docx.Document().save(str(tmp_path / "blank.docx"))

    with pytest.raises(UnreadableDocument) as raised:
        extract_docx(tmp_path / "blank.docx")

    assert raised.value.message == "Word document has no text"


def test_a_folder_with_word_documents_ingests_and_search_cites_sections_over_http(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    long_report_docx(folder / "tools.docx")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 cut short")
    (folder / "~$tools.docx").write_bytes(b"lock file Word leaves while the document is open")
    (folder / "notes.txt").write_text("A plain note about seed swaps at the library.", encoding="utf-8")
    data = tmp_path / "data"

    result = CliRunner().invoke(cli, ["--data-dir", str(data), "ingest", str(folder)], catch_exceptions=False)

    assert result.exit_code == 1, result.output  # one file failed
    lines = result.stdout.splitlines()
    assert (
        f"FAILED  {folder / 'broken.docx'}: corrupt Word document: not a complete zip package (cut short or damaged)"
        in lines
    )
    assert any(ln.startswith(f"indexed   {folder / 'tools.docx'} → tools: 3 sections, ") for ln in lines), lines
    assert any(ln.startswith(f"indexed   {folder / 'notes.txt'} → notes: ") for ln in lines), lines
    assert not any("~$tools" in ln for ln in lines)  # Word's lock file is not a document
    registry = {d.meta.id: d for d in knowledge_base(make_settings(data)).registry.all()}
    assert sorted(registry) == ["notes", "tools"]
    assert registry["tools"].meta.title == "Tool libraries in Kirklees"

    with LiveServer(make_settings(data, rate_limit_per_minute=0)) as server:
        found = httpx.get(f"{server.url}/search", params={"q": "second tool library in Batley"}, timeout=60)
    assert found.status_code == 200
    top = found.json()["results"][0]
    assert "Batley" in top["text"]
    citation = top["citation"]
    assert (citation["page"], citation["page_end"], citation["unit"]) == (3, 3, "section")
    assert citation["label"].endswith(", section 3 (Next steps)")
    assert " p. " not in citation["label"] and "#page=" not in citation["url"]
    assert citation["url"].endswith("/documents/tools/file")
    assert top["ocr"] is False


@pytest.mark.parametrize(
    ("page", "page_end", "heading_path", "label"),
    [
        (3, 3, ["Next steps"], "Tool libraries (Kirklees, 2022), section 3 (Next steps)"),
        (1, 1, [], "Tool libraries (Kirklees, 2022), § 1"),
        (2, 3, ["What we found"], "Tool libraries (Kirklees, 2022), §§ 2–3"),
    ],
)
def test_a_section_citation_names_the_section_never_a_page(
    page: int, page_end: int, heading_path: list[str], label: str
) -> None:
    from api.results import citation

    meta = {
        "document_id": "tools",
        "title": "Tool libraries",
        "lead_council": "Kirklees",
        "year": 2022,
        "format": "docx",
        "unit": "section",
        "page": page,
        "page_end": page_end,
        "heading_path": json.dumps(heading_path),
    }

    cited = citation(meta, None, "http://kb.example")

    assert (cited.label, cited.url, cited.unit) == (label, "http://kb.example/documents/tools/file", "section")
