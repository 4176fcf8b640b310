"""The typed records that flow from ingestion into the index: documents and passages."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator


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
    inferred: bool = False  # not from the catalogue
    # Which fields were inferred from the file (ingest/catalogue.py infer_meta): of "title", "year", "lead_council".
    inferred_fields: list[str] = Field(default_factory=list)
    principles_declared: list[int] | None = None  # what the catalogue says the network declared, if it says

    @model_validator(mode="before")
    @classmethod
    def _inferred_before_fields(cls, data: Any) -> Any:
        """A registry written before `inferred_fields`: inference then gave the title and the year only."""
        if isinstance(data, dict) and data.get("inferred") and "inferred_fields" not in data:
            data = {**data, "inferred_fields": ["title"] + (["year"] if data.get("year") is not None else [])}
        return data

    @field_validator("principles_declared")
    @classmethod
    def _principle_ids(cls, value: list[int] | None) -> list[int] | None:
        if value is None:
            return None
        if any(not 1 <= pid <= 10 for pid in value):
            raise ValueError("principles_declared lists principle numbers from 1 to 10")
        return sorted(set(value))


# What a passage's page numbers count, by file format: a PDF's pages, or a Word document's sections (it has no
# fixed pages; ingest/docx.py numbers sections). Other formats are cited without a place.
CITATION_UNITS = {"pdf": "page", "docx": "section"}


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
    ocr: bool = False  # some of its text was read by OCR from a scanned page

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


class DocumentPrinciple(BaseModel):
    """One principle for one document: the document-level score and verdict (ingest/document_principles.py),
    how many passages the passage tagger tagged with it, and the passages that show it best."""

    id: int
    score: float
    met: bool
    tagged_passages: int = 0
    best_passage_score: float = 0.0
    strongly_evidenced: bool = False  # the best passage scores at least halfway from the tag threshold to 1
    passage_ids: list[str] = Field(default_factory=list)


class IndexedDocument(BaseModel):
    """A document as the registry keeps it: metadata, version and counts."""

    meta: DocumentMeta
    version: str
    pages: int
    passage_count: int
    path: str
    source: str = ""
    near_duplicate_of: list[str] = Field(default_factory=list)
    principles: list[DocumentPrinciple] = Field(default_factory=list)  # all ten, in id order
