"""Catalogue loading and metadata inference for files the catalogue does not list."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccin.errors import CatalogueError
from ingest.blocks import Block, Extraction
from ingest.catalogue import Catalogue, document_id_for, infer_meta, title_from_filename


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_entries_are_keyed_by_resolved_file_with_defaults(tmp_path: Path) -> None:
    catalogue = Catalogue.load(_write(tmp_path, "documents:\n  - file: pdfs/Food_Plan 2021.pdf\n    year: 2021\n"))

    meta = catalogue.get(tmp_path / "pdfs" / ".." / "pdfs" / "Food_Plan 2021.pdf")
    assert meta is not None
    assert (meta.id, meta.title, meta.year, meta.inferred) == (
        "food-plan-2021",
        "Food plan 2021",
        2021,
        False,
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("documents: 3\n", "expected a top-level 'documents:' list"),
        ("documents:\n  - title: x\n", "entry 1 has no 'file'"),
        ("documents:\n  - file: a.pdf\n    type: leaflet\n", "entry 1 has unknown type 'leaflet'"),
        ("documents:\n  - file: a.pdf\n    id: same\n  - file: b.pdf\n    id: same\n", "duplicate id 'same'"),
        (
            "documents:\n  - file: a.pdf\n    year: soon\n",
            "entry 1: Input should be a valid integer, unable to parse string as an integer",
        ),
    ],
)
def test_bad_catalogues_fail_naming_the_file_and_the_entry(tmp_path: Path, body: str, message: str) -> None:
    path = _write(tmp_path, body)

    with pytest.raises(CatalogueError) as raised:
        Catalogue.load(path)

    assert raised.value.message == f"{path}: {message}"


def test_inference_prefers_pdf_title_and_creation_year() -> None:
    extraction = Extraction(
        [Block("heading", "First Heading", 1), Block("paragraph", "In 2015 and 2016.", 1)],
        1,
        title="Metadata Title",
        created="2019-03-15",
    )

    meta = infer_meta(Path("/x/My Report.pdf"), extraction)

    assert (meta.id, meta.title, meta.year, meta.inferred) == ("my-report", "Metadata Title", 2019, True)


def test_inference_falls_back_to_first_heading_and_cover_year() -> None:
    extraction = Extraction(
        [
            Block("paragraph", "Published 2018, revised 2020.", 1),
            Block("heading", "The Plan", 1),
            Block("paragraph", "Back in 2011 and 2011.", 2),
        ],
        2,
    )

    meta = infer_meta(Path("/x/plan.txt"), extraction)

    assert (meta.title, meta.year) == ("The Plan", 2020)


def test_inference_with_nothing_but_a_file_name() -> None:
    meta = infer_meta(Path("/x/--.md"), Extraction([Block("paragraph", "No years here.", 1)], 1))

    assert (meta.id, meta.title, meta.year) == ("document", "--.md", None)
    assert document_id_for(Path("Ünïcode Name!.pdf")) == "n-code-name"
    assert title_from_filename(Path("net_zero-plan.pdf")) == "Net zero plan"
