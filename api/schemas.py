"""Request and response schemas of the HTTP API, named by role."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from ccin.errors import InvalidQuery
from kb.filters import Filters
from kb.results import CitationOut, PassageOut, PrincipleOut, SearchResponse

__all__ = [
    "CitationOut", "DocumentList", "DocumentOut", "ErrorBody", "ErrorOut", "EvidenceGroup", "EvidenceItem",
    "EvidenceResponse", "PassageOut", "PrincipleMet", "PrincipleOut", "PrincipleSummary", "SearchQuery",
    "SearchResponse",
]

MAX_QUERY_CHARS = 500
DocumentType = Literal["policy-lab", "policy-prototype", "toolkit", "report", "case-study", "members-pack", "web-page"]


class SearchQuery(BaseModel):
    """Validated search parameters (shared by GET /search and `ccin search`)."""

    q: str = Field(..., description="What to search for.", max_length=MAX_QUERY_CHARS)
    k: int = Field(10, ge=1, le=100, description="How many results.")
    principle: int | None = Field(None, ge=1, le=10, description="Only passages tagged with this principle (1–10).")
    council: str | None = Field(None, max_length=200, description="Lead or partner council (case-insensitive substring).")
    year_from: int | None = Field(None, ge=1900, le=2100)
    year_to: int | None = Field(None, ge=1900, le=2100)
    type: DocumentType | None = None
    document: str | None = Field(None, max_length=200, description="Only this document id.")
    mode: Literal["hybrid", "bm25", "dense"] = "hybrid"

    @field_validator("q")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        cleaned = "".join(ch if ch.isprintable() else " " for ch in value)
        cleaned = " ".join(cleaned.split())
        if not cleaned:
            raise ValueError("query must not be empty")
        return cleaned

    @field_validator("council", "document")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    def filters(self) -> Filters:
        if self.year_from is not None and self.year_to is not None and self.year_from > self.year_to:
            raise InvalidQuery(f"year_from ({self.year_from}) is after year_to ({self.year_to})")
        return Filters(principle=self.principle, council=self.council, year_from=self.year_from,
                       year_to=self.year_to, type=self.type, document_id=self.document)


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


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] = Field(default_factory=list)


class ErrorOut(BaseModel):
    error: ErrorBody
