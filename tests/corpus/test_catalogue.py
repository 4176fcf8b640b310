"""The shipped catalogue matches the shipped files, and every sample says it is an illustrative sample."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
import yaml

from ingest.catalogue import DOCUMENT_TYPES, Catalogue
from ingest.html import extract_html
from tests.conftest import CORPUS

CATALOGUE = CORPUS / "catalogue.yaml"
ENTRIES = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))["documents"]
SHIPPED = sorted([*(CORPUS / "pdfs").glob("*"), *(CORPUS / "pages").glob("*")])


def test_every_shipped_file_is_catalogued_and_every_catalogued_file_is_shipped() -> None:
    catalogued = sorted((CORPUS / entry["file"]).resolve() for entry in ENTRIES)

    assert catalogued == [p.resolve() for p in SHIPPED]
    assert len(SHIPPED) == 23


def test_ids_are_unique_and_types_valid() -> None:
    ids = [entry["id"] for entry in ENTRIES]

    assert len(ids) == len(set(ids))
    assert all(entry.get("type") in DOCUMENT_TYPES for entry in ENTRIES), [e.get("type") for e in ENTRIES]
    assert len(Catalogue.load(CATALOGUE)) == len(ENTRIES)


def test_pages_are_web_pages_and_pdfs_are_not() -> None:
    for entry in ENTRIES:
        assert (entry["type"] == "web-page") == entry["file"].startswith("pages/"), entry["file"]


@pytest.mark.parametrize("path", [p for p in SHIPPED if p.suffix == ".pdf"], ids=lambda p: p.stem)
def test_every_pdf_says_it_is_an_illustrative_sample_in_text_and_metadata(path: Path) -> None:
    with pymupdf.open(path) as doc:
        text = " ".join(page.get_text() for page in doc)
        metadata = doc.metadata or {}

    assert "illustrative sample" in " ".join(text.split()).lower()
    assert "illustrative sample" in metadata.get("author", "").lower()
    assert "not a CCIN publication" in metadata.get("subject", "")


@pytest.mark.parametrize("path", [p for p in SHIPPED if p.suffix == ".html"], ids=lambda p: p.stem)
def test_every_page_says_it_is_an_illustrative_sample_in_text_and_metadata(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    text = " ".join(b.text for b in extract_html(path).blocks)

    assert '<meta name="ccin-sample" content="illustrative sample, not a CCIN publication">' in source
    assert "is an illustrative sample written for the CCIN Knowledge Base project" in text
