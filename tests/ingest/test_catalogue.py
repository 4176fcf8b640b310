"""Catalogue loading (addresses checked: http(s) only) and metadata inference for files the catalogue does not
list."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.blocks import Block, Extraction
from ingest.catalogue import Catalogue, document_id_for, infer_meta, title_from_filename
from kb.errors import CatalogueError
from tests.conftest import CORPUS


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
        (
            """documents:\n  - file: a.pdf\n  - file: b.pdf\n    url: '=HYPERLINK("http://evil.example","x")'\n""",
            """entry 2 has a bad 'url': only http(s) addresses are allowed, not '=HYPERLINK("http://evil.example","x")'""",
        ),
        (
            "documents:\n  - file: a.pdf\n    url: javascript:alert(1)\n",
            "entry 1 has a bad 'url': only http(s) addresses are allowed, not 'javascript:alert(1)'",
        ),
        (
            "documents:\n  - file: a.pdf\n    url: example.org/a.pdf\n",
            "entry 1 has a bad 'url': only http(s) addresses are allowed, not 'example.org/a.pdf'",
        ),
        (
            "documents:\n  - file: a.pdf\n    source_url: javascript:alert(1)\n",
            "entry 1 has a bad 'source_url': only http(s) addresses are allowed, not 'javascript:alert(1)'",
        ),
        (
            "documents:\n  - file: a.pdf\n    source_url: ftp://example.org/a.pdf\n",
            "entry 1 has a bad 'source_url': only http(s) addresses are allowed, not 'ftp://example.org/a.pdf'",
        ),
        (
            """documents:\n  - file: a.pdf\n    source_url: '=HYPERLINK("http://evil.example","x")'\n""",
            """entry 1 has a bad 'source_url': not a valid web address: '=HYPERLINK("http://evil.example","x")'""",
        ),
        (
            "documents:\n  - file: a.pdf\n    url: https://user@evil.example/a.pdf\n",
            "entry 1 has a bad 'url': not a valid web address: 'https://user@evil.example/a.pdf'",
        ),
        (  # a port that is not a number (found by the API fuzz test: the form's pattern refused it, this did not)
            "documents:\n  - file: a.pdf\n    url: 'HTtP://9.2.uh.v.Iq.w:55*'\n",
            "entry 1 has a bad 'url': not a valid web address: 'HTtP://9.2.uh.v.Iq.w:55*'",
        ),
        (
            "documents:\n  - file: a.pdf\n    url: 42\n",
            "entry 1 has a bad 'url': expected an http(s) address, not 42",
        ),
    ],
)
def test_bad_catalogues_fail_naming_the_file_and_the_entry(tmp_path: Path, body: str, message: str) -> None:
    path = _write(tmp_path, body)

    with pytest.raises(CatalogueError) as raised:
        Catalogue.load(path)

    assert raised.value.message == f"{path}: {message}"


def test_addresses_are_http_and_a_source_url_without_a_scheme_is_taken_as_https(tmp_path: Path) -> None:
    body = (
        "documents:\n"
        "  - file: a.pdf\n    url: https://example.org/a.pdf\n    source_url: bit.ly/CCIN-x\n"
        "  - file: b.pdf\n    url: http://Example.org:8080/b.pdf?x=1#top\n    source_url: HTTPS://councils.coop/p\n"
        "  - file: c.pdf\n    url: ''\n    source_url: www.example.org:8080/c\n"
    )
    catalogue = Catalogue.load(_write(tmp_path, body))

    assert [(m.url, m.source_url) for m in (catalogue.get(tmp_path / f) for f in ("a.pdf", "b.pdf", "c.pdf")) if m] == [
        ("https://example.org/a.pdf", "https://bit.ly/CCIN-x"),
        ("http://Example.org:8080/b.pdf?x=1#top", "HTTPS://councils.coop/p"),
        (None, "https://www.example.org:8080/c"),
    ]


def test_the_shipped_catalogue_links_its_sources_over_https() -> None:
    catalogue = Catalogue.load(CORPUS / "catalogue.yaml")
    metas = [catalogue.get(f) for f in catalogue.files()]

    assert metas and all(m and m.source_url and m.source_url.startswith("https://") for m in metas)


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
