"""OCR of PDF pages that are only an image, with the real Tesseract: the words come back with their page
numbers, the ingest report names the pages read by OCR, search results over HTTP flag them, and with OCR off
(or Tesseract's data missing, or the time budget spent) the page is reported as needing OCR."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import httpx
import pymupdf
import pytest
from click.testing import CliRunner, Result

from ccin.app import knowledge_base
from ccin.cli import cli
from ingest.extract import BudgetedExtractor, ExtractionBudget, ExtractOptions, extract
from ingest.ocr import OcrOptions, find_tessdata
from ingest.pdf import extract_pdf
from kb.errors import UnreadableDocument
from tests.conftest import LiveServer, make_settings

SCANNED = (
    "Volunteers in Rochdale started a community composting scheme on the allotments.",
    "Kitchen waste from two hundred households now feeds the gardens instead of landfill.",
)
TYPED = "The typed page explains how the council supported the allotment society."
# Enough words on each page of `long_mixed_pdf` for a passage of its own at CCIN_CHUNK_TARGET_WORDS=40.
MORE_TYPED = (
    " Officers met the society's committee every month, agreed a lease that lets members plan for ten years,"
    " and paid for a water supply, a secure shed and raised beds that wheelchair users can reach."
)
MORE_SCANNED = (
    "The scheme runs three bays of compost bins, turned every fortnight by a rota of members.",
    "Finished compost goes back to the plots, and the surplus is given to the primary school garden.",
)

pytestmark = pytest.mark.skipif(find_tessdata() is None, reason="Tesseract's English data is not installed")


def _scanned_page(pdf: pymupdf.Document, lines: Sequence[str]) -> None:
    """Append a page that is only a picture of `lines`: the text is typeset on a scratch page, rendered to a
    PNG at 200 dpi and placed on a new page, so the page carries no text layer at all."""
    scratch = pymupdf.open()
    page = scratch.new_page(width=595, height=842)
    page.insert_textbox(pymupdf.Rect(60, 80, 535, 700), "\n\n".join(lines), fontsize=13, fontname="helv")
    png = page.get_pixmap(dpi=200).tobytes("png")
    target = pdf.new_page(width=595, height=842)
    target.insert_image(target.rect, stream=png)


def _typed_page(pdf: pymupdf.Document, text: str) -> None:
    pdf.new_page(width=595, height=842).insert_textbox(pymupdf.Rect(60, 80, 535, 700), text, fontsize=11)


def scanned_pdf(path: Path) -> Path:
    pdf = pymupdf.open()
    _scanned_page(pdf, SCANNED)
    pdf.save(path)
    return path


def mixed_pdf(path: Path) -> Path:
    """Page 1 typed, page 2 scanned, page 3 typed."""
    pdf = pymupdf.open()
    _typed_page(pdf, TYPED)
    _scanned_page(pdf, SCANNED)
    _typed_page(pdf, "The third page is typed again and thanks the volunteers.")
    pdf.save(path)
    return path


def long_mixed_pdf(path: Path) -> Path:
    """`mixed_pdf` with more words on each page."""
    pdf = pymupdf.open()
    _typed_page(pdf, TYPED + MORE_TYPED)
    _scanned_page(pdf, SCANNED + MORE_SCANNED)
    _typed_page(pdf, "The third page is typed again and thanks the volunteers." + MORE_TYPED)
    pdf.save(path)
    return path


def _words(text: str) -> set[str]:
    return {w.strip(".,").lower() for w in text.split()}


def test_the_test_scan_has_no_text_layer(tmp_path: Path) -> None:
    with pymupdf.open(scanned_pdf(tmp_path / "scan.pdf")) as pdf:
        assert pdf[0].get_text().strip() == ""
        assert len(pdf[0].get_images()) == 1


def test_a_page_that_is_only_an_image_of_text_is_read_by_ocr(tmp_path: Path) -> None:
    extraction = extract_pdf(scanned_pdf(tmp_path / "scan.pdf"))

    assert extraction.ocr_pages == [1]
    assert extraction.warnings == []
    assert {b.page for b in extraction.blocks} == {1}
    assert {b.kind for b in extraction.blocks} == {"paragraph"}  # OCR type sizes never make headings
    read = _words(" ".join(b.text for b in extraction.blocks))
    expected = _words(" ".join(SCANNED))
    assert len(read & expected) >= 0.9 * len(expected), sorted(expected - read)
    assert {"composting", "rochdale", "landfill"} <= read


def test_a_mixed_pdf_keeps_each_page_number(tmp_path: Path) -> None:
    extraction = extract(mixed_pdf(tmp_path / "mixed.pdf"))

    assert extraction.ocr_pages == [2]
    pages = {b.page: " ".join(x.text for x in extraction.blocks if x.page == b.page) for b in extraction.blocks}
    assert sorted(pages) == [1, 2, 3]
    assert pages[1] == TYPED
    assert "composting" in pages[2] and "landfill" in pages[2]
    assert pages[3] == "The third page is typed again and thanks the volunteers."


def test_the_worker_reads_with_ocr_too(tmp_path: Path) -> None:
    with BudgetedExtractor(ExtractionBudget(seconds=120)) as reader:
        extraction = reader.result(reader.submit(mixed_pdf(tmp_path / "mixed.pdf")))

    assert extraction.ocr_pages == [2]
    assert "composting" in " ".join(b.text for b in extraction.blocks if b.page == 2)


def test_with_ocr_off_the_page_is_reported_as_needing_ocr(tmp_path: Path) -> None:
    off = ExtractOptions(ocr=OcrOptions(enabled=False))

    extraction = extract(mixed_pdf(tmp_path / "mixed.pdf"), off)

    assert extraction.ocr_pages == []
    assert extraction.warnings == ["page 2 has no text layer (scanned image): needs OCR"]
    assert [b.page for b in extraction.blocks] == [1, 3]
    with pytest.raises(UnreadableDocument) as raised:
        extract(scanned_pdf(tmp_path / "scan.pdf"), off)
    assert raised.value.message == "image-only PDF: no text layer on any of its 1 page(s); it needs OCR"


def test_without_tesseract_data_the_warning_says_how_to_enable_ocr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "tessdata"
    empty.mkdir()
    monkeypatch.setenv("TESSDATA_PREFIX", str(empty))  # Tesseract looks nowhere else when this is set

    extraction = extract_pdf(mixed_pdf(tmp_path / "mixed.pdf"))

    assert extraction.ocr_pages == []
    assert extraction.warnings == [
        "page 2 has no text layer (scanned image): needs OCR (no Tesseract language data for 'eng': install "
        "Tesseract (Debian: apt-get install tesseract-ocr tesseract-ocr-eng) to read it)"
    ]


def test_ocr_starts_no_page_once_its_time_is_spent(tmp_path: Path) -> None:
    extraction = extract_pdf(mixed_pdf(tmp_path / "mixed.pdf"), OcrOptions(seconds=0))

    assert extraction.ocr_pages == []
    assert extraction.warnings == [
        "page 2 has no text layer (scanned image): needs OCR (OCR stopped: the extraction time budget was running out)"
    ]


def test_the_worker_gives_ocr_three_quarters_of_the_time_budget() -> None:
    assert BudgetedExtractor(ExtractionBudget(seconds=40)).options.ocr.seconds == 30
    tighter = ExtractOptions(ocr=OcrOptions(seconds=5))
    assert BudgetedExtractor(ExtractionBudget(seconds=40), tighter).options.ocr.seconds == 5
    off = ExtractOptions(ocr=OcrOptions(enabled=False))
    assert BudgetedExtractor(ExtractionBudget(seconds=40), off).options.ocr.enabled is False


def test_a_picture_without_words_is_reported_as_such(tmp_path: Path) -> None:
    from tests.pdfs import mixed_scan_pdf

    extraction = extract_pdf(mixed_scan_pdf(tmp_path / "grey.pdf"))

    assert extraction.ocr_pages == []
    assert extraction.warnings == ["page 2 has no text layer (scanned image) and OCR found no text on it"]


def _ingest(folder: Path, data: Path, **env: str) -> Result:
    return CliRunner(env=env).invoke(cli, ["--data-dir", str(data), "ingest", str(folder)], catch_exceptions=False)


def test_ingest_reports_the_ocr_pages_and_search_flags_ocr_passages_over_http(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    long_mixed_pdf(folder / "allotments.pdf")
    data = tmp_path / "data"

    result = _ingest(folder, data, CCIN_CHUNK_TARGET_WORDS="40", CCIN_CHUNK_MAX_WORDS="60")

    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("indexed "))
    assert line.startswith(f"indexed   {folder / 'allotments.pdf'} → allotments: 3 pages, ")
    assert "(p. 2 read by OCR; not in the catalogue" in line
    with LiveServer(make_settings(data, rate_limit_per_minute=0)) as server:
        found = httpx.get(f"{server.url}/search", params={"q": "composting allotments", "k": 10}, timeout=60)
        document = httpx.get(f"{server.url}/documents/allotments", timeout=60).json()
    assert found.status_code == 200
    results = found.json()["results"]
    assert {(r["citation"]["page"], r["citation"]["page_end"], r["ocr"]) for r in results} == {
        (1, 1, False),
        (2, 2, True),
        (3, 3, False),
    }
    scanned = [r for r in results if r["ocr"]]
    assert "composting" in " ".join(r["text"] for r in scanned)
    assert all(r["citation"]["url"].endswith("#page=2") for r in scanned)
    assert all(r["citation"]["label"].endswith(", p. 2") for r in scanned)
    evidence = [e for p in document["principles_met"] for e in p["evidence"]]
    assert evidence, document
    assert all(e["ocr"] is (e["page"] == 2) for e in evidence)


def test_ccin_ocr_off_gives_the_old_warning(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    mixed_pdf(folder / "allotments.pdf")
    data = tmp_path / "data"

    result = _ingest(folder, data, CCIN_OCR="off")

    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("indexed "))
    assert line.endswith("page 2 has no text layer (scanned image): needs OCR)")
    assert "read by OCR" not in line
    kb = knowledge_base(make_settings(data))
    assert not any("composting" in t for t in kb.store.rows(with_embeddings=False).texts), (
        "OCR text indexed with OCR off"
    )
    # Turning OCR on changes what is read, so the same file is read again rather than skipped as unchanged.
    again = _ingest(folder, data)
    assert "(p. 2 read by OCR;" in again.stdout
