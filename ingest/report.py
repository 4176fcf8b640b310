"""What an ingest reports: one outcome per file, the batch's totals and speed, and the text and JSON the CLI
prints. A failed file is a line with its reason, never a traceback."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import UnreadableDocument


@dataclass
class FileOutcome:
    path: Path
    status: str  # indexed | unchanged | failed
    reason: str = ""
    document_id: str = ""
    pages: int = 0
    passages: int = 0
    warnings: list[str] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # pages whose text was read by OCR
    unit: str = "page"  # what `pages` counts: "section" for a Word document
    extract_seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)  # chunk, embed, tag, index


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def pages(self) -> int:
        return sum(o.pages for o in self.outcomes if o.status == "indexed")

    @property
    def passages(self) -> int:
        return sum(o.passages for o in self.outcomes if o.status == "indexed")

    @property
    def extract_seconds(self) -> float:
        return sum(o.extract_seconds for o in self.outcomes)

    def stage_seconds(self, stage: str) -> float:
        return sum(o.stage_seconds.get(stage, 0.0) for o in self.outcomes)

    def summary(self) -> str:
        seconds = max(self.seconds, 1e-9)
        extract = max(self.extract_seconds, 1e-9)
        line = (
            f"{self.count('indexed')} indexed, {self.count('unchanged')} unchanged, {self.count('failed')} failed"
            f"{f', {len(self.pruned)} pruned' if self.pruned else ''} · {self.pages} pages, {self.passages} passages"
            f" in {self.seconds:.1f}s ({self.pages / seconds:.1f} pages/s, {self.passages / seconds:.1f} passages/s;"
            f" extraction alone {self.pages / extract:.1f} pages/s)"
        )
        return line


_LIMITS = {
    RecursionError: "nested too deeply",
    MemoryError: "too large to hold in memory",
}


def failure_reason(exc: Exception, stage: str = "read") -> str:
    """One line saying why a file failed. A domain error says it in its own words; anything else (a bug, or
    a file that exhausts the recursion limit or memory) is named with its exception type, so the batch can
    report it and go on. KeyboardInterrupt and SystemExit are not Exceptions and are never caught here."""
    if isinstance(exc, UnreadableDocument):
        return exc.message
    detail = next((text for kind, text in _LIMITS.items() if isinstance(exc, kind)), None)
    if detail is None:
        detail = " ".join(str(exc).split())
        detail = detail if len(detail) <= 160 else detail[:159] + "…"
    named = f"({type(exc).__name__})"
    return f"could not be {stage}: {detail} {named}" if detail else f"could not be {stage} {named}"


def ocr_note(pages: list[int]) -> str:
    """ "p. 6 read by OCR", "pp. 2, 5, 6 read by OCR"; "" when no page was."""
    if not pages:
        return ""
    return f"{'p.' if len(pages) == 1 else 'pp.'} {', '.join(str(n) for n in pages)} read by OCR"


def outcome_line(outcome: FileOutcome) -> str:
    if outcome.status == "failed":
        return f"FAILED  {outcome.path}: {outcome.reason}"
    notes_list = [ocr_note(outcome.ocr_pages), *outcome.warnings] if outcome.ocr_pages else outcome.warnings
    notes = f" ({'; '.join(notes_list)})" if notes_list else ""
    counts = f"{outcome.pages} {outcome.unit}s, {outcome.passages} passages"
    return f"{outcome.status:<9} {outcome.path} → {outcome.document_id}: {counts}{notes}"


def report_json(report: IngestReport) -> str:
    return json.dumps(
        {
            "indexed": report.count("indexed"),
            "unchanged": report.count("unchanged"),
            "failed": report.count("failed"),
            "pruned": report.pruned,
            "pages": report.pages,
            "passages": report.passages,
            "seconds": round(report.seconds, 3),
            "files": [
                {
                    "path": str(o.path),
                    "status": o.status,
                    "reason": o.reason,
                    "document_id": o.document_id,
                    "pages": o.pages,
                    "passages": o.passages,
                    "warnings": o.warnings,
                    "ocr_pages": o.ocr_pages,
                    "unit": o.unit,
                }
                for o in report.outcomes
            ],
        },
        indent=2,
    )
