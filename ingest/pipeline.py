"""Files in, indexed passages out: discover → check version → extract → chunk → embed → tag → commit.

Each document is committed on its own (kb/knowledge_base.py), so a batch killed part-way keeps every document it
finished and the next run picks up the rest. A file that cannot be read is reported with its reason and
skipped; the batch goes on. Extraction and chunking are guarded per file against any Exception (a file nested
deep enough to exhaust the recursion limit, or big enough to exhaust memory, included), so one bad file is one
"FAILED" line, never a traceback that stops the files after it.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.blocks import Extraction
from ingest.catalogue import Catalogue, infer_meta
from ingest.chunk import ChunkParams, chunk
from ingest.document_principles import MODEL_FILE, document_tagger_for
from ingest.html import extract_html
from ingest.markdown import extract_markdown
from ingest.pdf import extract_pdf
from ingest.tagger import HEAD_FILE, tagger_for
from ingest.text import extract_text
from kb.analysis import TOKENIZER_VERSION, embedding_text
from kb.errors import CatalogueError, UnreadableDocument, UnsupportedFileType
from kb.knowledge_base import KnowledgeBase
from kb.passage import DocumentMeta, Passage

PIPELINE_VERSION = "2"  # 2: document-level principles stored with each document
EXTRACTORS: dict[str, Callable[[Path], Extraction]] = {
    ".pdf": extract_pdf,
    ".html": extract_html,
    ".htm": extract_html,
    ".md": extract_markdown,
    ".markdown": extract_markdown,
    ".txt": extract_text,
}
IGNORE_FILE = ".ccinignore"
CATALOGUE_NAMES = ("catalogue.yaml", "catalogue.yml")


@dataclass
class FileOutcome:
    path: Path
    status: str  # indexed | unchanged | failed
    reason: str = ""
    document_id: str = ""
    pages: int = 0
    passages: int = 0
    warnings: list[str] = field(default_factory=list)
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


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus every file under named folders except hidden ones and `.ccinignore` matches."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            patterns = _ignore_patterns(path)
            for file in sorted(path.rglob("*")):
                relative = file.relative_to(path).as_posix()
                if not file.is_file() or any(part.startswith((".", "__")) for part in file.relative_to(path).parts):
                    continue
                if file.name in CATALOGUE_NAMES or any(fnmatch.fnmatch(relative, p) for p in patterns):
                    continue
                found.append(file)
        else:
            found.append(path)
    return list(dict.fromkeys(p.resolve() for p in found))


def _ignore_patterns(folder: Path) -> list[str]:
    ignore = folder / IGNORE_FILE
    if not ignore.is_file():
        return []
    lines = [ln.strip() for ln in ignore.read_text(encoding="utf-8").splitlines()]
    return [ln.rstrip("/") + ("/*" if ln.endswith("/") else "") for ln in lines if ln and not ln.startswith("#")]


def find_catalogue(paths: Iterable[Path]) -> Path | None:
    for path in paths:
        for name in CATALOGUE_NAMES:
            if path.is_dir() and (path / name).is_file():
                return path / name
    return None


class Ingestor:
    def __init__(self, kb: KnowledgeBase, catalogue: Catalogue, params: ChunkParams) -> None:
        self.kb = kb
        self.catalogue = catalogue
        self.params = params

    def settings_fingerprint(self) -> str:
        """Everything besides the file and its metadata that changes the passages: a change re-ingests. The
        tokenizer is part of it, since the tagger's word head reads stems."""
        models = b"".join(path.read_bytes() if path.is_file() else b"" for path in (HEAD_FILE, MODEL_FILE))
        return f"{PIPELINE_VERSION}|{self.params}|{TOKENIZER_VERSION}|{hashlib.sha256(models).hexdigest()[:12]}"

    def ingest_file(self, path: Path) -> FileOutcome:
        started = time.perf_counter()
        suffix = path.suffix.lower()
        try:
            if suffix not in EXTRACTORS:
                raise UnsupportedFileType(
                    f"unsupported file type {suffix or '(no extension)'!r}: use PDF, HTML, Markdown or plain text"
                )
            data = path.read_bytes()
        except UnreadableDocument as exc:
            return FileOutcome(path, "failed", exc.message)
        except OSError as exc:
            return FileOutcome(path, "failed", f"cannot read file: {exc.strerror or exc}")
        catalogued = self.catalogue.get(path)
        meta_key = catalogued.model_dump_json() if catalogued else "inferred"
        version = hashlib.sha256(data + meta_key.encode() + self.settings_fingerprint().encode()).hexdigest()[:16]
        warnings = [] if catalogued else ["not in the catalogue: title and year inferred"]
        existing_id = catalogued.id if catalogued else None
        if existing_id:
            current = self.kb.registry.get(existing_id)
            if current is not None and current.version == version:
                return FileOutcome(path, "unchanged", document_id=existing_id, pages=current.pages)
        try:
            extraction = EXTRACTORS[suffix](path)
            meta = catalogued or infer_meta(path, extraction)
        except Exception as exc:  # one bad file never stops the batch
            return FileOutcome(path, "failed", failure_reason(exc))
        extract_seconds = time.perf_counter() - started
        current = self.kb.registry.get(meta.id)
        if current is not None and current.version == version:
            return FileOutcome(path, "unchanged", document_id=meta.id, pages=current.pages)
        if current is not None and current.source and Path(current.source) != path and Path(current.source).exists():
            return FileOutcome(path, "failed", f"document id {meta.id!r} is already used by {current.source}")
        started = time.perf_counter()
        try:
            _, passages = chunk(meta.id, version, extraction.blocks, self.params)
        except Exception as exc:  # as for extraction
            return FileOutcome(path, "failed", failure_reason(exc, stage="split into passages"))
        if not passages:
            return FileOutcome(path, "failed", "no text found after cleaning")
        stages = {"chunk": time.perf_counter() - started}
        self.index(meta, version, extraction.page_count, path, passages, stages)
        warnings.extend(extraction.warnings)
        return FileOutcome(
            path,
            "indexed",
            document_id=meta.id,
            pages=extraction.page_count,
            passages=len(passages),
            warnings=warnings,
            extract_seconds=extract_seconds,
            stage_seconds=stages,
        )

    def index(
        self,
        meta: DocumentMeta,
        version: str,
        pages: int,
        path: Path,
        passages: list[Passage],
        stages: dict[str, float] | None = None,
    ) -> None:
        stages = stages if stages is not None else {}
        embedder = self.kb.embedder
        texts = [embedding_text(meta.title, p.heading_path, p.text) for p in passages]
        started = time.perf_counter()
        embeddings = embedder.embed_passages(texts)
        stages["embed"] = time.perf_counter() - started
        tagged = tagger_for(embedder).tag(passages, embeddings)
        principles = document_tagger_for(embedder).principles(tagged, embeddings)
        stages["tag"] = time.perf_counter() - started - stages["embed"]
        started = time.perf_counter()
        stored = self.kb.files_dir / f"{meta.id}{path.suffix.lower()}"
        stored.parent.mkdir(parents=True, exist_ok=True)
        temporary = stored.with_name(stored.name + ".part")
        shutil.copyfile(path, temporary)
        temporary.replace(stored)
        self.kb.commit(meta, version, pages, str(stored), str(path), tagged, embeddings, principles)
        stages["index"] = time.perf_counter() - started

    def run(
        self,
        paths: list[Path],
        prune: bool = False,
        on_outcome: Callable[[FileOutcome], None] | None = None,
        progress: Callable[[Iterable[Path]], Iterable[Path]] = lambda files: files,
    ) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        self.kb.collect_garbage()
        for file in progress(discover(paths)):
            outcome = self.ingest_file(file)
            report.outcomes.append(outcome)
            if on_outcome:
                on_outcome(outcome)
        if prune:
            report.pruned = self.prune(paths)
        if (
            report.count("indexed") or report.pruned or self.kb.snapshot().generation != self.kb.registry.generation()
        ) or not (self.kb.snapshot_dir / "manifest.json").is_file():
            self.kb.save_snapshot()
        report.seconds = time.perf_counter() - started
        return report

    def prune(self, paths: list[Path]) -> list[str]:
        """Delete documents whose source file under one of `paths` no longer exists."""
        roots = [p.resolve() for p in paths]
        removed = []
        for document in self.kb.registry.all():
            source = Path(document.source) if document.source else None
            if source is None or source.exists():
                continue
            if any(root == source or root in source.parents for root in roots):
                self.kb.delete(document.meta.id)
                removed.append(document.meta.id)
        return removed


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


def load_catalogue(explicit: Path | None, paths: list[Path]) -> Catalogue:
    path = explicit or find_catalogue(paths)
    if path is None:
        return Catalogue.empty()
    if not path.is_file():
        raise CatalogueError(f"catalogue not found: {path}")
    return Catalogue.load(path)


def outcome_line(outcome: FileOutcome) -> str:
    if outcome.status == "failed":
        return f"FAILED  {outcome.path}: {outcome.reason}"
    notes = f" ({'; '.join(outcome.warnings)})" if outcome.warnings else ""
    counts = f"{outcome.pages} pages, {outcome.passages} passages"
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
                }
                for o in report.outcomes
            ],
        },
        indent=2,
    )
