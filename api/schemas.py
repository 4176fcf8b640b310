"""Request and response schemas of the HTTP API, named by role."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from kb.filters import Filters
from kb.results import CitationOut, PassageOut, PrincipleOut, SearchResponse

__all__ = [
    "CitationOut",
    "DocumentList",
    "DocumentOut",
    "ErrorBody",
    "ErrorOut",
    "EvidenceGroup",
    "EvidenceItem",
    "EvidenceResponse",
    "HealthOut",
    "PassageOut",
    "PrincipleMet",
    "PrincipleOut",
    "PrincipleSummary",
    "QueryLogEntry",
    "QueryLogOut",
    "ReadyOut",
    "SearchQuery",
    "SearchResponse",
    "UnavailableOut",
    "clean_text",
    "error_responses",
]

MAX_QUERY_CHARS = 500
DocumentType = Literal["policy-lab", "policy-prototype", "toolkit", "report", "case-study", "members-pack", "web-page"]


def clean_text(value: str) -> str:
    """Free text as the index sees it: control, format (zero-width, bidi) and other unprintable characters
    become spaces and runs of white space collapse. They carry no meaning for search, and some of them
    (NUL, C0 controls) cannot be written into XML at all, so a Word export would fail on them."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())


class SearchQuery(BaseModel):
    """Validated search parameters (shared by GET /search and `ccin search`)."""

    q: str = Field(..., description="What to search for.", max_length=MAX_QUERY_CHARS)
    k: int = Field(10, ge=1, le=100, description="How many results.")
    principle: int | None = Field(None, ge=1, le=10, description="Only passages tagged with this principle (1–10).")
    council: str | None = Field(
        None, max_length=200, description="Lead or partner council (case-insensitive substring)."
    )
    year_from: int | None = Field(None, ge=1900, le=2100)
    year_to: int | None = Field(None, ge=1900, le=2100)
    type: DocumentType | None = None
    document: str | None = Field(None, max_length=200, description="Only this document id.")
    mode: Literal["hybrid", "bm25", "dense"] = "hybrid"

    @field_validator("q")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        cleaned = clean_text(value)
        if not cleaned:
            raise ValueError("query must not be empty")
        return cleaned

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


class PrincipleMet(BaseModel):
    id: int
    name: str
    passages: int
    strongest_passage_id: str


class DocumentOut(BaseModel):
    id: str
    title: str
    year: int | None = None
    lead_council: str | None = None
    partners: list[str] = Field(default_factory=list)
    type: str | None = None
    url: str
    source_url: str | None = None
    pages: int
    passage_count: int
    principles_met: list[PrincipleMet]
    near_duplicate_of: list[str] = Field(default_factory=list)
    inferred_metadata: bool = False


class DocumentList(BaseModel):
    documents: list[DocumentOut]
    total: int
    offset: int
    limit: int


class PrincipleSummary(BaseModel):
    id: int
    name: str
    description: str
    passage_count: int
    document_count: int


class EvidenceItem(BaseModel):
    passage_id: str
    text: str
    score: float
    citation: CitationOut


class EvidenceGroup(BaseModel):
    document_id: str
    title: str
    lead_council: str | None = None
    year: int | None = None
    passages: list[EvidenceItem]


class EvidenceResponse(BaseModel):
    principle: PrincipleSummary
    query: str | None
    groups: list[EvidenceGroup]


class HealthOut(BaseModel):
    status: Literal["ok"]


class ReadyOut(BaseModel):
    status: Literal["ready"]
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
    401: "No API key was given.",
    403: "The API key is not valid.",
    404: "No such document.",
    409: "The document id is taken by a document that was not uploaded.",
    413: "The upload is larger than the limit.",
    415: "The upload is not a PDF.",
    422: "A parameter is missing or invalid; the message names it.",
    429: "Too many requests from this client; retry after the number of seconds in Retry-After.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route can answer, all in the one ErrorOut shape."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {"model": ErrorOut, "description": _ERROR_DESCRIPTIONS[status]}
        if status == 429:
            retry = {"description": "Seconds to wait.", "schema": {"type": "integer"}}
            entry["headers"] = {"Retry-After": retry}
        responses[status] = entry
    return responses
