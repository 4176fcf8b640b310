"""The typed records that flow from ingestion into the index: documents and passages."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DocumentMeta(BaseModel):
    """What the catalogue (or inference) says about a document."""

    id: str
    title: str
    year: int | None = None
    lead_council: str | None = None
    partners: list[str] = Field(default_factory=list)
    type: str | None = None
    url: str | None = None
    source_url: str | None = None
    file: str | None = None
    inferred: bool = False


class Passage(BaseModel):
    """A contiguous span of a document's cleaned text, with where it came from."""

    id: str
    document_id: str
    ordinal: int
    text: str
    page: int
    page_end: int
    heading_path: list[str] = Field(default_factory=list)
    char_start: int
    char_end: int

    @property
    def word_count(self) -> int:
        return len(self.text.split())


class PrincipleScore(BaseModel):
    id: int
    score: float
    evidence: str = ""


class TaggedPassage(Passage):
    """A passage with its principle scores (all ten) and the principles it is tagged with."""

    scores: list[PrincipleScore] = Field(default_factory=list)
    principles: list[int] = Field(default_factory=list)


class IndexedDocument(BaseModel):
    """A document as the registry keeps it: metadata, version and counts."""

    meta: DocumentMeta
    version: str
    pages: int
    passage_count: int
    path: str
    source: str = ""
    near_duplicate_of: list[str] = Field(default_factory=list)
