"""PDF extraction on PDFs built by the tests (tests/pdfs.py) and on the shipped corpus: reading order,
cleaning,
headings, lists, tables, metadata, passages with exact text and pages, and every kind of unreadable PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.blocks import Block
from ingest.chunk import ChunkParams, chunk
from ingest.ocr import OcrOptions
from ingest.pdf import extract_pdf
from kb.errors import UnreadableDocument
from tests.conftest import CORPUS
from tests.pdfs import (
    REPORT_AUTHOR,
    REPORT_HEADER,
    REPORT_TITLE,
    corrupt_pdf,
    empty_file,
    encrypted_pdf,
    image_only_pdf,
    mixed_scan_pdf,
    report_pdf,
    truncated_pdf,
    zero_page_pdf,
)

REPORT_BLOCKS = [
    Block("heading", REPORT_TITLE, 1, level=1),
    Block("heading", "Why councils share power", 1, level=2),
    Block(
        "paragraph",
        "Councils across the network test new ways of working with residents. Each pilot was shaped through "
        "co-production with tenants, and community-led groups chose the priorities for the year.",
        1,
    ),
    Block(
        "paragraph",
        "This community work is led by volunteers who meet every month in the library to review progress.",
        1,
    ),
    Block("heading", "What the pilots did", 1, level=3),
    Block("item", "• Opened a repair cafe in the market hall.", 1),
    Block("item", "• Trained twelve residents as energy champions who visit neighbours at home.", 1),
    Block("item", "• Set up a food club run by its members.", 1),
    Block("heading", "Two columns of findings", 2, level=2),
    Block(
        "paragraph",
        "Left column first line about the cafe that carries on down the left side and ends here.",
        2,
    ),
    Block("paragraph", "A second left paragraph stays on the left as well.", 2),
    Block("paragraph", "Right column starts only after the whole left column is read by the extractor.", 2),
    Block("paragraph", "The last right paragraph closes the page.", 2),
    Block("heading", "Results table", 3, level=2),
    Block("row", "Pilot | Council | Year", 3),
    Block("row", "Repair cafe | Oldham | 2019", 3),
    Block("row", "Food club | Preston | 2020", 3),
    Block("paragraph", "The table shows two pilots and their lead councils.", 3),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return report_pdf(tmp_path_factory.mktemp("pdf") / "report.pdf")


def test_report_blocks_in_reading_order_with_headings_items_rows_and_clean_text(report: Path) -> None:
    """Every block, exactly: headers, footers and page numbers gone, hyphenation undone where it was a
    line break ("resid-/ents") and kept where it was a compound ("co-/production", "community-/led"),
    wrapped lines rejoined, the bold body-size line a heading, bullets as items, the table as rows, and the
    two-column page read down the left column before the right one."""
    extraction = extract_pdf(report)

    assert extraction.blocks == REPORT_BLOCKS
    assert extraction.page_count == 3
    assert extraction.ocr_pages == []
    assert extraction.warnings == []


def test_running_headers_and_page_numbers_are_not_in_any_block(report: Path) -> None:
    text = "\n".join(b.text for b in extract_pdf(report).blocks)

    assert REPORT_HEADER not in text
    assert "Illustrative sample" not in text
    assert "Page 1 of 3" not in text and "of 3" not in text


def test_pdf_metadata_is_read(report: Path) -> None:
    extraction = extract_pdf(report)

    assert (extraction.title, extraction.author, extraction.created) == (
        REPORT_TITLE,
        REPORT_AUTHOR,
        "2019-03-15",
    )


def test_report_passages_exact_text_pages_headings_and_offsets(report: Path) -> None:
    text, passages = chunk("report", "v1", extract_pdf(report).blocks, ChunkParams(40, 80, 10))

    assert [(p.text, p.page, p.page_end, p.heading_path) for p in passages] == [
        (
            f"{REPORT_TITLE}\n\nWhy councils share power\n\n{REPORT_BLOCKS[2].text}\n\n{REPORT_BLOCKS[3].text}",
            1,
            1,
            [REPORT_TITLE, "Why councils share power"],
        ),
        (
            "What the pilots did\n\n• Opened a repair cafe in the market hall.\n"
            "• Trained twelve residents as energy champions who visit neighbours at home.\n"
            "• Set up a food club run by its members.",
            1,
            1,
            [REPORT_TITLE, "Why councils share power", "What the pilots did"],
        ),
        (
            "Two columns of findings\n\n"
            "Left column first line about the cafe that carries on down the left side and ends here.\n\n"
            "A second left paragraph stays on the left as well.\n\n"
            "Right column starts only after the whole left column is read by the extractor.",
            2,
            2,
            [REPORT_TITLE, "Two columns of findings"],
        ),
        (
            "The last right paragraph closes the page.\n\nResults table\n\n"
            "Pilot | Council | Year\nRepair cafe | Oldham | 2019\nFood club | Preston | 2020\n\n"
            "The table shows two pilots and their lead councils.",
            2,
            3,
            [REPORT_TITLE, "Two columns of findings"],
        ),
    ]
    assert all(text[p.char_start : p.char_end] == p.text for p in passages)
    assert [p.ordinal for p in passages] == [0, 1, 2, 3]
    assert all(p.document_id == "report" for p in passages)


def test_scanned_page_in_a_good_pdf_is_reported_as_needing_ocr_when_ocr_is_off(tmp_path: Path) -> None:
    extraction = extract_pdf(mixed_scan_pdf(tmp_path / "mixed.pdf"), OcrOptions(enabled=False))

    assert extraction.ocr_pages == []
    assert extraction.warnings == ["page 2 has no text layer (scanned image): needs OCR"]
    assert [(b.text, b.page) for b in extraction.blocks] == [
        ("The first page has a text layer.", 1),
        ("The third page has a text layer again.", 3),
    ]


def test_corpus_mondragon_page_6_is_a_scanned_image_needing_ocr_when_ocr_is_off() -> None:
    extraction = extract_pdf(CORPUS / "pdfs" / "study-visit-mondragon.pdf", OcrOptions(enabled=False))

    assert extraction.ocr_pages == []
    assert extraction.warnings == ["page 6 has no text layer (scanned image): needs OCR"]
    assert not any(b.page == 6 for b in extraction.blocks)
    assert any(b.page == 5 for b in extraction.blocks) and any(b.page == 7 for b in extraction.blocks)


def test_corpus_mondragon_page_6_is_read_by_ocr() -> None:
    extraction = extract_pdf(CORPUS / "pdfs" / "study-visit-mondragon.pdf")

    assert extraction.ocr_pages == [6]
    assert extraction.warnings == []
    page_6 = " ".join(b.text for b in extraction.blocks if b.page == 6)
    assert "Coach from Bilbao to Arrasate-Mondragon" in page_6
    assert "Round table: lessons for UK local government" in page_6
    assert any(b.page == 5 for b in extraction.blocks) and any(b.page == 7 for b in extraction.blocks)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda d: empty_file(d / "empty.pdf"), "empty file (0 bytes)"),
        (lambda d: corrupt_pdf(d / "corrupt.pdf"), "corrupt PDF: Failed to open stream"),
        (
            lambda d: truncated_pdf(d / "truncated.pdf", report_pdf(d / "whole.pdf")),
            "truncated PDF: the file ends before its end-of-file marker",
        ),
        (
            lambda d: encrypted_pdf(d / "locked.pdf"),
            "password-protected PDF: it cannot be read without its password",
        ),
        (lambda d: zero_page_pdf(d / "zero.pdf"), "PDF has no pages"),
        (
            lambda d: image_only_pdf(d / "scan.pdf"),
            "image-only PDF: no text layer on any of its 1 page(s) and OCR found no text",
        ),
    ],
    ids=["empty", "corrupt", "truncated", "encrypted", "zero-pages", "image-only"],
)
def test_unreadable_pdfs_raise_with_the_reason(tmp_path: Path, make, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnreadableDocument) as raised:
        extract_pdf(make(tmp_path))

    assert raised.value.message == reason
    assert raised.value.status == 422


def test_not_a_pdf_at_all_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "letter.pdf"
    path.write_bytes(b"PK\x03\x04 this is a zip archive renamed to .pdf")

    with pytest.raises(UnreadableDocument) as raised:
        extract_pdf(path)

    assert raised.value.message == "not a PDF (no %PDF header): the file is corrupt or of another type"
