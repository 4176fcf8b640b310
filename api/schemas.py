"""Request and response schemas of the HTTP API, named by role."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from api.results import CitationOut, PassageOut, PrincipleOut, RelatedPassageOut, SearchResponse
from kb.evidence import DEFAULT_LIMIT, MAX_LIMIT
from kb.facets import FacetCount, Facets
from kb.filters import Filters

__all__ = [
    "FILTER_422",
    "CitationOut",
    "DeclaredVersusFoundItem",
    "DeclaredVersusFoundOut",
    "DocumentList",
    "DocumentOut",
    "ErrorBody",
    "ErrorOut",
    "EvidenceGroup",
    "EvidenceItem",
    "EvidenceQuery",
    "EvidenceResponse",
    "FacetCount",
    "Facets",
    "FilterParams",
    "HealthOut",
    "PassageOut",
    "PrincipleEvidence",
    "PrincipleMet",
    "PrincipleOut",
    "PrincipleRef",
    "PrincipleSummary",
    "QueryLogEntry",
    "QueryLogOut",
    "ReadyOut",
    "RelatedPassageOut",
    "SearchQuery",
    "SearchResponse",
    "UnavailableOut",
    "clean_text",
    "error_responses",
]

MAX_QUERY_CHARS = 500
MAX_OFFSET = 10_000
Role = Literal[  # kb.filters.ROLE_CHOICES (a test keeps them equal)
    "body",
    "navigation",
    "any",
    "case_study",
    "recommendation",
    "introduction",
    "contents",
    "references",
    "acknowledgements",
    "cover",
]
YEAR_RANGE_RULE = "year_from must not be after year_to: an inverted range is answered 422."
# Some character clean_text keeps: not white space, a C0/C1 control or a common format character.
QUERY_PATTERN = "[^\\s\\x00-\\x1f\\x7f-\\x9f\\u00ad\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u206f\\ufeff]"
DocumentType = Literal["policy-lab", "policy-prototype", "toolkit", "report", "case-study", "members-pack", "web-page"]


def clean_text(value: str) -> str:
    """Free text as the index sees it: control, format (zero-width, bidi) and other unprintable characters
    become spaces and runs of white space collapse. They carry no meaning for search, and some of them
    (NUL, C0 controls) cannot be written into XML at all, so a Word export would fail on them."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())


class FilterParams(BaseModel):
    """The filters search and evidence packs share: both narrow the passages the same way."""

    principle: int | None = Field(None, ge=1, le=10, description="Only passages tagged with this principle (1–10).")
    council: str | None = Field(
        None, max_length=200, description="Lead or partner council (case-insensitive substring)."
    )
    year_from: int | None = Field(
        None, ge=1900, le=2100, description=f"Only documents from this year on. {YEAR_RANGE_RULE}"
    )
    year_to: int | None = Field(
        None, ge=1900, le=2100, description=f"Only documents up to this year. {YEAR_RANGE_RULE}"
    )
    type: DocumentType | None = None
    document: str | None = Field(None, max_length=200, description="Only this document id.")

    @field_validator("council", "document")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    def filters(self) -> Filters:
        """The kb filters (which reject an inverted year range themselves)."""
        return Filters(
            principle=self.principle,
            council=self.council,
            year_from=self.year_from,
            year_to=self.year_to,
            type=self.type,
            document_id=self.document,
        )


class SearchQuery(FilterParams):
    """Validated search parameters (shared by GET /search and `ccin search`). `role` belongs to search alone:
    evidence packs share the other filters but never quote navigation."""

    q: str = Field(
        ...,
        max_length=MAX_QUERY_CHARS,
        description="What to search for: at least one character that is not white space, a control or a format "
        "character (those are ignored, so a query of nothing else is answered 422).",
        # The validator below is the rule; the pattern lets a client see most of it (JSON Schema has no
        # Unicode categories, so unassigned and private-use characters are beyond it).
        json_schema_extra={"pattern": QUERY_PATTERN},
    )
    k: int = Field(10, ge=1, le=100, description="How many results (the page size).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many results to skip (0 is the first page).")
    mode: Literal["hybrid", "bm25", "dense"] = "hybrid"
    role: Role = Field(
        "body",
        description="body: leave navigation (contents pages, reading lists, acknowledgements, covers) out; "
        "navigation: only those; case_study, recommendation or introduction (foreword, introduction, "
        "opening page): only that kind of content; or one navigation kind by name; any: every passage.",
    )
    group: Literal["passage", "document"] = Field(
        "passage", description="document: one result per document, with up to two more of its passages."
    )
    sort: Literal["relevance", "newest"] = Field("relevance", description="newest: year descending, then relevance.")
    interpret: bool = Field(
        True,
        description='Read years ("2023", "since 2020"), a council in the index and a document type named in '
        'the plural ("toolkits") from the query as filters, reported in `interpreted`; a filter given as a '
        "parameter wins. false: search the words as typed.",
    )

    def filters(self) -> Filters:
        return replace(super().filters(), role=self.role)

    @field_validator("q")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        cleaned = clean_text(value)
        if not cleaned:
            raise ValueError("query must not be empty")
        return cleaned


class PrincipleEvidence(BaseModel):
    """A passage that shows a principle in a document, with where to find it."""

    passage_id: str
    score: float = Field(description="The passage tagger's score for this principle (0–1).")
    page: int
    page_end: int
    text: str = Field(description="The passage, shortened to about 300 characters.")
    citation: CitationOut
    ocr: bool = Field(False, description="True when some of the text was read by OCR from a scanned page.")


class PrincipleRef(BaseModel):
    id: int
    name: str


class PrincipleMet(BaseModel):
    """A principle the document meets, as the network would declare it for the project."""

    id: int
    name: str
    score: float = Field(description="How likely the network is to declare this principle for the project (0–1).")
    evidenced: bool = Field(description="At least one passage is tagged with the principle (strict passage tagger).")
    passages: int = Field(description="How many of the document's passages are tagged with the principle.")
    strongest_passage_id: str
    evidence: list[PrincipleEvidence] = Field(
        default_factory=list, description="The 1–3 passages that show the principle best, strongest first."
    )


class DocumentOut(BaseModel):
    id: str
    title: str
    year: int | None = None
    lead_council: str | None = None
    partners: list[str] = Field(default_factory=list)
    type: str | None = None
    url: str
    source_url: str | None = None
    pages: int = Field(
        description="How many pages (a PDF) or sections (a Word document); 1 for a web page or text file."
    )
    unit: str | None = Field(
        None, description="What `pages` counts: page (a PDF), section (a Word document) or null (no places to count)."
    )
    passage_count: int
    principles_met: list[PrincipleMet]
    principles_declared: list[PrincipleRef] | None = Field(
        None, description="The principles the catalogue says the network declared for this project, if it says."
    )
    near_duplicate_of: list[str] = Field(default_factory=list)
    inferred_metadata: bool = Field(False, description="Not in the catalogue: the metadata was inferred.")
    inferred_fields: list[str] = Field(
        default_factory=list,
        description='The fields inferred from the file, not catalogued: of "title", "year", "lead_council".',
    )


class DeclaredVersusFoundItem(BaseModel):
    """A document whose text disagrees with the principles declared for it."""

    document_id: str
    title: str
    declared: list[PrincipleRef]
    met: list[PrincipleRef] = Field(description="What the document model finds the project meets.")
    declared_without_evidence: list[PrincipleRef] = Field(description="Declared, but no passage is tagged with it.")
    evidenced_not_declared: list[PrincipleRef] = Field(description="Not declared, but a passage shows it strongly.")


class DeclaredVersusFoundOut(BaseModel):
    checked: int = Field(description="Documents whose catalogue entry declares principles.")
    documents: list[DeclaredVersusFoundItem]


class DocumentList(BaseModel):
    documents: list[DocumentOut]
    total: int
    offset: int
    limit: int


class PrincipleSummary(BaseModel):
    id: int
    name: str
    description: str
    passage_count: int = Field(description="Passages tagged with the principle.")
    document_count: int = Field(description="Documents with at least one passage tagged with it.")
    documents_met: int = Field(description="Documents that meet it (their `principles_met` lists it).")


class EvidenceItem(BaseModel):
    passage_id: str
    text: str
    score: float
    citation: CitationOut
    ocr: bool = Field(False, description="True when some of the text was read by OCR from a scanned page.")


class EvidenceGroup(BaseModel):
    document_id: str
    title: str
    lead_council: str | None = None
    year: int | None = None
    passages: list[EvidenceItem]


class EvidenceQuery(FilterParams):
    """Validated evidence-pack parameters: a principle (required here), an optional topic, the filters search has,
    a limit and a format."""

    principle: int = Field(..., ge=1, le=10, description="Principle id, 1–10.")  # type: ignore[assignment]
    q: str | None = Field(None, max_length=MAX_QUERY_CHARS, description="Optional topic.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many passages in all (3 per project).")
    format: Literal["json", "md", "csv", "docx"] = "json"

    @field_validator("q")
    @classmethod
    def _topic(cls, value: str | None) -> str | None:
        return clean_text(value) or None if value is not None else None


class EvidenceResponse(BaseModel):
    principle: PrincipleSummary
    query: str | None
    filters: dict[str, Any] = Field(
        default_factory=dict, description="The filters that made the pack, as /search reports them (only those set)."
    )
    groups: list[EvidenceGroup]


class HealthOut(BaseModel):
    status: Literal["ok"]


class ReadyOut(BaseModel):
    status: Literal["ready", "empty"] = Field(description="empty: the service is up but no document is indexed yet.")
    documents: int
    passages: int
    generation: int


class UnavailableOut(BaseModel):
    status: Literal["unavailable"]
    reason: str


class QueryLogEntry(BaseModel):
    """One logged search. Deliberately nothing about who asked (no address, no agent)."""

    at: float = Field(description="Unix time of the search.")
    query: str
    filters: dict[str, Any]
    mode: str
    result_count: int
    took_ms: float


class QueryLogOut(BaseModel):
    queries: list[QueryLogEntry]


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] = Field(default_factory=list)


class ErrorOut(BaseModel):
    error: ErrorBody


_ERROR_DESCRIPTIONS = {
    400: "The body is not valid multipart/form-data.",
    401: "No API key was given.",
    403: "The API key is not valid.",
    404: "No such document.",
    409: "The document id is taken by a document that was not uploaded.",
    413: "The upload is larger than the limit.",
    415: "The upload is not a PDF.",
    422: "A parameter is missing or invalid; the message names it.",
    429: "Too many requests from this client; retry after the number of seconds in Retry-After.",
}


FILTER_422 = (
    "A parameter is missing or invalid (the message names it), or year_from is after year_to "
    "(error code invalid_query)."
)


def error_responses(*statuses: int, descriptions: dict[int, str] | None = None) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route can answer, all in the one ErrorOut shape; `descriptions`
    replaces the general wording where a route has more to say (FILTER_422 for the routes with a year range)."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        description = (descriptions or {}).get(status, _ERROR_DESCRIPTIONS[status])
        entry: dict[str, Any] = {"model": ErrorOut, "description": description}
        if status == 429:
            retry = {"description": "Seconds to wait.", "schema": {"type": "integer"}}
            entry["headers"] = {"Retry-After": retry}
        responses[status] = entry
    return responses
