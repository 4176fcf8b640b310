"""The shape every extractor produces: a document as ordered blocks of clean text, each knowing its pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "item", "row"]
CitationUnit = Literal["page", "section"]  # what a block's `page` counts: PDF pages, or a Word file's sections


@dataclass
class Block:
    """One unit of cleaned text: a heading, a paragraph, a list item or a table row ("cell | cell | cell")."""

    kind: BlockKind
    text: str
    page: int
    page_end: int = 0
    level: int = 0  # heading level, 1 = top

    def __post_init__(self) -> None:
        if self.page_end < self.page:
            self.page_end = self.page


@dataclass
class Extraction:
    """What an extractor found in one file, before chunking. `ocr_pages` are the pages whose text was read by OCR;
    `unit` says what `page` numbers count (a Word file has no fixed pages, so its blocks count sections)."""

    blocks: list[Block]
    page_count: int
    title: str | None = None
    author: str | None = None
    created: str | None = None
    subject: str | None = None  # document metadata, where the format has it (PDF)
    keywords: str | None = None
    ocr_pages: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unit: CitationUnit = "page"
    seconds: float = 0.0  # time spent reading the file, in the reader itself (set by ingest.extract.extract)
