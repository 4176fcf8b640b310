"""What a search returns over HTTP: cited passages, with citation links and labels (the API and
`ccin search --json` serialise these same models, made from kb's `SearchPage`)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from kb.facets import Facets
from kb.knowledge_base import SearchPage
from kb.principles import NAMES
from kb.snapshot import Snapshot
from kb.snippet import make_snippet

PDF_TYPES_WITHOUT_PAGES = ("web-page",)


class PrincipleOut(BaseModel):
    id: int
    name: str
    score: float


class CitationOut(BaseModel):
    document_id: str
    title: str
    lead_council: str | None = None
    year: int | None = None
    type: str | None = None
    page: int
    page_end: int
    url: str
    label: str
    unit: str | None = Field(
        None,
        description="What page and page_end count: page (a PDF), section (a Word document, which has no fixed "
        "pages), or null (a web page, Markdown or text file, cited without a place).",
    )
    inferred_fields: list[str] = Field(
        default_factory=list,
        description='Document fields inferred from the file, not catalogued: of "title", "year", "lead_council".',
    )


class RelatedPassageOut(BaseModel):
    """Another passage of the same document, shown beneath a grouped result."""

    passage_id: str
    page: int
    page_end: int
    snippet: str
    score: float


class PassageOut(BaseModel):
    passage_id: str
    text: str
    snippet: str
    score: float
    principles: list[PrincipleOut]
    citation: CitationOut
    heading_path: list[str] = Field(default_factory=list)
    ocr: bool = Field(False, description="True when some of the text was read by OCR from a scanned page.")
    role: str = Field(
        "body",
        description="What the passage is: body, case_study, recommendation, introduction, or the navigation it is: "
        "contents, references, acknowledgements, cover.",
    )
    also_in: list[CitationOut] = Field(default_factory=list, description="Other sources of a near-duplicate passage.")
    also_in_document: list[RelatedPassageOut] = Field(
        default_factory=list,
        description="With group=document: up to two more passages of this document, best first, none scoring higher.",
    )


class SearchResponse(BaseModel):
    query: str
    took_ms: float
    mode: str
    filters: dict[str, Any] = Field(default_factory=dict)
    group: str = Field("passage", description="passage: one result per passage; document: one per document.")
    sort: str = Field("relevance", description="relevance, or newest (year descending, then relevance).")
    total: int = Field(0, description="Results the query has under these filters (after collapse and grouping).")
    offset: int = Field(0, description="Index of the first result shown within the `total`.")
    facets: Facets = Field(default_factory=Facets, description="Counts of the `total` results by value.")
    interpreted: dict[str, Any] = Field(
        default_factory=dict,
        description="Filters read from the query's own words (years, a council, a document type), already applied "
        "and also listed in `filters`; search again with interpret=false to search without them.",
    )
    ranked_query: str = Field("", description="The text that was ranked: the query less what `interpreted` took.")
    weak: bool = Field(
        False, description="True when no result is close to the query: these are the nearest passages, not answers."
    )
    notices: list[str] = Field(
        default_factory=list, description="Things to tell the reader, such as a council filter that matches none."
    )
    results: list[PassageOut]


def document_file_url(document_id: str, base_url: str = "") -> str:
    return f"{base_url.rstrip('/')}/documents/{document_id}/file"


def citation(meta: dict[str, Any], catalogue_url: str | None, base_url: str = "") -> CitationOut:
    """Catalogue URL when there is one, else the API's own copy; `#page=N` and "p. N" only for PDFs, "§ N" for
    a Word document's sections, no place for a web page, Markdown or text file. Passages indexed before the
    citation unit was recorded fall back to the file format, then to the document type and the URL's extension."""
    page, page_end = int(meta.get("page", 1)), int(meta.get("page_end", meta.get("page", 1)))
    url = catalogue_url or document_file_url(str(meta["document_id"]), base_url)
    unit = meta.get("unit")
    if unit is None and meta.get("format"):
        unit = "page" if meta["format"] == "pdf" else None
    elif unit is None:
        web = meta.get("type") in PDF_TYPES_WITHOUT_PAGES or url.lower().endswith((".html", ".htm"))
        unit = None if web else "page"
    paged = unit == "page"
    if paged and "#" not in url:
        url = f"{url}#page={page}"
    title = str(meta.get("title", meta["document_id"]))
    who = ", ".join(str(x) for x in (meta.get("lead_council"), meta.get("year")) if x)
    label = f"{title} ({who})" if who else title
    if paged:
        label += f", p. {page}" if page_end == page else f", pp. {page}–{page_end}"
    elif unit == "section":
        label += _section_label(page, page_end, json.loads(meta.get("heading_path", "[]") or "[]"))
    return CitationOut(
        document_id=str(meta["document_id"]),
        title=title,
        lead_council=meta.get("lead_council"),
        year=meta.get("year"),
        type=meta.get("type"),
        page=page,
        page_end=page_end,
        url=url,
        label=label,
        unit=unit,
        inferred_fields=list(meta.get("inferred_fields") or []),
    )


def _section_label(section: int, section_end: int, heading_path: list[str]) -> str:
    """The label's place for a Word document: ", section 3 (Findings)" for one section whose heading is known,
    else ", § 3" or ", §§ 3–4". A section starts at a top-level heading (ingest/docx.py), so the path's first
    heading is the section's."""
    if section_end != section:
        return f", §§ {section}–{section_end}"
    return f", section {section} ({heading_path[0]})" if heading_path else f", § {section}"


def passage_principles(meta: dict[str, Any]) -> list[PrincipleOut]:
    scores = json.loads(meta.get("scores", "[]") or "[]")
    tagged = meta.get("principles", []) or []

    def score(principle: int) -> float:
        return round(float(scores[principle - 1]), 4) if scores else 0.0

    return [
        PrincipleOut(id=int(p), name=NAMES[int(p)], score=score(int(p)))
        for p in sorted(tagged, key=lambda p: -(scores[int(p) - 1] if scores else 0))
    ]


def passage_out(
    table: Snapshot,
    row: int,
    score: float,
    query: str,
    urls: dict[str, str | None],
    base_url: str,
    duplicates: list[int] | None = None,
    also_in_document: list[RelatedPassageOut] | None = None,
) -> PassageOut:
    meta = table.metas[row]
    document_id = meta["document_id"]
    seen = {document_id}
    also_in = []
    for other in duplicates or []:
        other_meta = table.metas[other]
        if other_meta["document_id"] in seen:
            continue
        seen.add(other_meta["document_id"])
        also_in.append(citation(other_meta, urls.get(other_meta["document_id"]), base_url))
    return PassageOut(
        passage_id=table.ids[row],
        text=table.texts[row],
        snippet=make_snippet(table.texts[row], query),
        score=round(float(score), 6),
        principles=passage_principles(meta),
        citation=citation(meta, urls.get(document_id), base_url),
        heading_path=json.loads(meta.get("heading_path", "[]")),
        ocr=bool(meta.get("ocr", False)),
        role=str(table.role[row]),
        also_in=also_in,
        also_in_document=also_in_document or [],
    )


def related_out(table: Snapshot, row: int, score: float, query: str) -> RelatedPassageOut:
    meta = table.metas[row]
    page = int(meta.get("page", 1))
    return RelatedPassageOut(
        passage_id=table.ids[row],
        page=page,
        page_end=int(meta.get("page_end", page)),
        snippet=make_snippet(table.texts[row], query),
        score=round(float(score), 6),
    )


def search_response(page: SearchPage, urls: dict[str, str | None], base_url: str = "") -> SearchResponse:
    """The HTTP body for a page of search results; `urls` are the catalogue URLs by document id."""
    table, query = page.snapshot, page.query
    results = [
        passage_out(
            table,
            card.hit.row,
            card.hit.score,
            query,
            urls,
            base_url,
            card.hit.duplicates,
            [related_out(table, h.row, h.score, query) for h in card.more],
        )
        for card in page.cards
    ]
    return SearchResponse(
        query=query,
        took_ms=page.took_ms,
        mode=page.mode,
        filters=page.filters.as_dict(),
        group=page.group,
        sort=page.sort,
        total=page.total,
        offset=page.offset,
        facets=page.facets,
        interpreted=page.interpreted,
        ranked_query=page.ranked_query or query,
        weak=page.weak,
        notices=page.notices,
        results=results,
    )
