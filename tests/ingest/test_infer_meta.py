"""Metadata for files the catalogue does not list: lead council, year and title from the PDF's metadata and
cover, each inferred field named, through the registry and over HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from ingest.blocks import Block, Extraction
from ingest.catalogue import Catalogue, infer_meta, inferred_warning, is_junk_title
from ingest.chunk import ChunkParams
from ingest.councils import CouncilMatcher, infer_lead_council
from ingest.pdf import extract_pdf
from ingest.pipeline import Ingestor
from kb.passage import DocumentMeta
from kb.registry import DocumentRegistry
from tests.conftest import LiveServer, make_settings
from tests.pdfs import PdfBuilder

BODY = [
    "Neighbourhood groups ran a tool library from a shared shop front for a year, lending",
    "drills, ladders and garden tools to anyone with a library card and keeping a small",
    "repair bench open on Saturdays so that broken things came back into use.",
]


def uncatalogued_pdf(
    path: Path,
    cover: list[str],
    metadata: dict[str, str] | None = None,
    body_pages: list[list[str]] | None = None,
) -> Path:
    """A report whose first page is a cover (a big title line, then `cover` lines) followed by body pages."""
    builder = PdfBuilder(metadata=metadata or {})
    page = builder.page()
    page.heading(cover[0], size=24)
    for line in cover[1:]:
        page.line(line, size=14)
    for lines in body_pages or [BODY, BODY]:
        body = builder.page()
        body.heading("What happened", size=14)
        body.paragraph(lines)
    return builder.save(path)


def wigan_pdf(path: Path) -> Path:
    return uncatalogued_pdf(
        path,
        ["Lending Tools Together", "Wigan Council · 2023"],
        {"author": "Wigan Council", "title": "Lending Tools Together"},
    )


def test_author_and_cover_give_the_canonical_council_and_the_year(tmp_path: Path) -> None:
    path = wigan_pdf(tmp_path / "tool-library.pdf")

    meta = infer_meta(path, extract_pdf(path))

    assert (meta.id, meta.title, meta.year, meta.lead_council) == (
        "tool-library",
        "Lending Tools Together",
        2023,
        "Wigan Council",
    )
    assert meta.inferred is True
    assert meta.inferred_fields == ["title", "year", "lead_council"]
    assert inferred_warning(meta) == "not in the catalogue: title, year and lead council inferred"


def test_an_alias_in_the_keywords_names_the_catalogues_council(tmp_path: Path) -> None:
    path = uncatalogued_pdf(
        tmp_path / "a.pdf", ["Shared Kitchens", "Spring report"], {"keywords": "food; Metropolitan Borough of Oldham"}
    )

    assert infer_meta(path, extract_pdf(path)).lead_council == "Oldham Council"


def test_a_pdf_naming_no_council_has_none(tmp_path: Path) -> None:
    path = uncatalogued_pdf(tmp_path / "none.pdf", ["Lending Tools Together", "Spring 2022"], {"author": "J. Smith"})

    meta = infer_meta(path, extract_pdf(path))

    assert meta.lead_council is None
    assert meta.inferred_fields == ["title", "year"]


def test_a_council_named_only_in_the_body_is_not_the_lead(tmp_path: Path) -> None:
    body = [*BODY, "The idea came from a visit to Wigan Council, whose libraries lend more than books."]
    path = uncatalogued_pdf(tmp_path / "body.pdf", ["Lending Tools Together", "Spring 2022"], body_pages=[BODY, body])

    extraction = extract_pdf(path)

    assert "Wigan Council" in " ".join(b.text for b in extraction.blocks)  # the mention is there, on page 3
    assert infer_meta(path, extraction).lead_council is None


def test_a_junk_metadata_title_gives_way_to_the_cover(tmp_path: Path) -> None:
    path = uncatalogued_pdf(
        tmp_path / "junk.pdf",
        ["Lending Tools Together", "Wigan Council · 2023"],
        {"title": "Microsoft Word - report final v2.docx"},
    )

    assert infer_meta(path, extract_pdf(path)).title == "Lending Tools Together"
    for junk in ("Untitled", "Document1", "CCIN_report_final_v2", "report.pdf", "PowerPoint Presentation", "--"):
        assert is_junk_title(junk), junk
    for title in ("Net Zero", "Cooperatives", "Growing an Inclusive Cooperative Economy"):
        assert not is_junk_title(title), title


def _cover(*lines: str) -> Extraction:
    return Extraction([Block("heading", "A Title", 1, level=1), *(Block("paragraph", t, 1) for t in lines)], 1)


def test_cues_on_the_cover_decide_between_several_councils() -> None:
    matcher = CouncilMatcher.from_file()
    lead = infer_lead_council(_cover("Lead: Cardiff Council With: Oldham Council, Stevenage Borough Council"), matcher)
    joint = infer_lead_council(_cover("Burntwood Town Council, North Herts District Council and Torbay Council"))
    partners_only = infer_lead_council(_cover("Partners: Oldham Council, Wigan Council"))
    foreword = infer_lead_council(_cover("Foreword by Cllr A. Person, Leader of Swindon Borough Council"))
    many = infer_lead_council(
        _cover("Oldham Council, Wigan Council, Kirklees Council, Brent Council, Torbay Council, Hull City Council")
    )
    place_led = infer_lead_council(_cover("Led by Plymouth, with help from its neighbours"))
    place_alone = infer_lead_council(_cover("Lessons from Plymouth"))

    assert (lead, joint, partners_only, foreword, many) == (
        "Cardiff Council",
        "Burntwood Town Council",
        None,
        None,
        None,
    )
    assert (place_led, place_alone) == ("Plymouth City Council", None)


def test_the_network_is_the_lead_only_when_no_council_is() -> None:
    network = "Co-operative Councils' Innovation Network"
    assert infer_lead_council(_cover("Lead: Co-operative Councils’ Innovation Network")) == network
    assert infer_lead_council(_cover("Co-operative Councils Innovation Network", "Oldham Council")) == "Oldham Council"
    assert infer_lead_council(_cover("A guide shared across the Co-operative Councils Innovation Network")) is None
    assert infer_lead_council(_cover("CCIN Knowledge Base")) is None


def test_a_registry_written_before_inferred_fields_still_loads() -> None:
    old = DocumentMeta.model_validate_json('{"id": "x", "title": "X", "year": 2020, "inferred": true}')
    catalogued = DocumentMeta.model_validate_json('{"id": "y", "title": "Y", "year": 2020}')

    assert old.inferred_fields == ["title", "year"]
    assert catalogued.inferred_fields == []


def test_inferred_fields_survive_a_restart_and_reach_the_api(writable_index: Path, tmp_path: Path) -> None:
    from ccin.app import knowledge_base

    settings = make_settings(writable_index, rate_limit_per_minute=0)
    path = wigan_pdf(tmp_path / "incoming" / "tool-library.pdf")
    report = Ingestor(knowledge_base(settings), Catalogue.empty(), ChunkParams()).run([path])
    assert [o.status for o in report.outcomes] == ["indexed"]
    assert report.outcomes[0].warnings[0] == "not in the catalogue: title, year and lead council inferred"

    # A fresh registry reading the same file: what a restarted service sees.
    stored = DocumentRegistry(writable_index / "registry.sqlite3").get("tool-library")
    assert stored is not None
    assert stored.meta.inferred_fields == ["title", "year", "lead_council"]

    with LiveServer(settings) as server, httpx.Client(base_url=server.url, timeout=60) as http:
        listed = http.get("/documents", params={"council": "Wigan Council"})
        assert listed.status_code == 200, listed.text
        documents = {d["id"]: d for d in listed.json()["documents"]}
        assert documents["tool-library"]["lead_council"] == "Wigan Council"
        assert documents["tool-library"]["inferred_fields"] == ["title", "year", "lead_council"]
        catalogued = [d for d in documents.values() if d["id"] != "tool-library"]
        assert all(d["inferred_fields"] == [] and not d["inferred_metadata"] for d in catalogued)

        one = http.get("/documents/tool-library").json()
        assert (one["inferred_metadata"], one["inferred_fields"], one["year"]) == (
            True,
            ["title", "year", "lead_council"],
            2023,
        )

        found = http.get("/search", params={"q": "tool library repair bench", "council": "Wigan Council"}).json()
        citations = [r["citation"] for r in found["results"] if r["citation"]["document_id"] == "tool-library"]
        assert citations and citations[0]["inferred_fields"] == ["title", "year", "lead_council"]
        assert citations[0]["lead_council"] == "Wigan Council"


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ("Oldham", "Oldham Council"),
        ("Oldham MBC", "Oldham Council"),
        ("Plymouth City Council", "Plymouth City Council"),
    ],
)
def test_the_author_field_may_name_a_council_by_its_place(author: str, expected: str) -> None:
    assert infer_lead_council(Extraction([Block("paragraph", "Nothing here.", 1)], 1, author=author)) == expected
