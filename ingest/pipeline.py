"""Files in, indexed passages out: discover → check version → extract → chunk → embed → tag → commit.

Each document is committed on its own (kb/knowledge_base.py), so a batch killed part-way keeps every document it
finished and the next run picks up the rest. A file that cannot be read is reported with its reason and
skipped; the batch goes on. Extraction and chunking are guarded per file against any Exception (a file nested
deep enough to exhaust the recursion limit, or big enough to exhaust memory, included), so one bad file is one
"FAILED" line, never a traceback that stops the files after it; with a budget (ingest/extract.py) a file that
would take too long or too much memory to read is stopped and reported too.

Three stages run at once: a worker process reads the next files, a thread embeds the newest document split into
passages, and the calling thread tags and commits the document before it. A document is checked against the
index (unchanged? its id taken by another file?) only after any document with its id still in flight is committed.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from threading import Event

import numpy as np

from ingest.blocks import Extraction
from ingest.catalogue import INFERENCE_VERSION, Catalogue, infer_meta, inferred_warning
from ingest.chunk import ChunkParams, chunk
from ingest.discovery import Found, discover
from ingest.document_principles import MODEL_FILE, document_tagger_for
from ingest.extract import BudgetedExtractor, ExtractionBudget, ExtractOptions, InProcessExtractor, extractor_for
from ingest.report import FileOutcome, IngestReport, failure_reason
from ingest.tagger import HEAD_FILE, tagger_for
from kb.analysis import TOKENIZER_VERSION, embedding_text
from kb.embed import Embedder
from kb.errors import UnreadableDocument
from kb.knowledge_base import KnowledgeBase
from kb.passage import DocumentMeta, Passage
from kb.roles import ROLE_RULE

PIPELINE_VERSION = "2"  # 2: document-level principles stored with each document
TAG_BATCH = 256  # passages tagged at a time (pipeline memory does not grow with the document)
# Files handed to the reader ahead of the one being indexed. With one file ahead, a slow read (a scanned page
# through OCR) still stalled indexing once the file before it was embedded: 1.1 s of the sample corpus's
# 20.5 s; three ahead keep the worker reading while a long file embeds. Each holds one extraction in memory.
READ_AHEAD = 3
# Passages embedded at a time (about 1.3 s on two cores): how long a stopped batch waits for its embedding thread.
# The sample corpus's documents are all shorter, so each is embedded as one piece.
EMBED_SLICE = 64


@dataclass
class _Pending:
    """A file whose extraction has started and whose indexing has not."""

    path: Path
    version: str
    catalogued: DocumentMeta | None
    extraction: Future[Extraction]


@dataclass
class _Split:
    """A document split into passages whose vectors are being computed on the embedding thread, while the
    document before it is tagged and committed on this one."""

    path: Path
    meta: DocumentMeta
    version: str
    extraction: Extraction
    passages: list[Passage]
    warnings: list[str]
    stages: dict[str, float]
    vectors: Future[tuple[np.ndarray, float]]


class _EmbeddingThread:
    """Embeds documents on one thread, in order, each with all the encoder's own threads (ONNX Runtime runs a
    document's passages side by side, one per core). The encoders release the GIL while they compute, so tagging
    and committing the previous document runs beside them, on cores the encoder leaves idle. (On two cores it
    leaves none: the sample corpus took 19.60 s against 19.70 s without this thread, mean of four alternating
    runs; the run is CPU-bound.)

    A document is embedded `EMBED_SLICE` passages at a time, so a batch stopped by an error or Ctrl-C stops its
    in-flight embedding within one slice instead of waiting for the rest of a long document. `embedder` is called
    on this thread: `warm` loads a model not yet loaded while the first file is being read."""

    def __init__(self, embedder: Callable[[], Embedder]) -> None:
        self._embedder = embedder
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ccin-embed")
        self._stop = Event()
        self._warming: Future[Embedder] | None = None

    def warm(self) -> None:
        """Load the model now, if not yet loaded, in the background (once there is a file to embed)."""
        if self._warming is None:
            self._warming = self._pool.submit(self._embedder)

    def __enter__(self) -> _EmbeddingThread:
        return self

    def __exit__(self, error: type[BaseException] | None, *_: object) -> None:
        if error is not None:
            self._stop.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, texts: list[str]) -> Future[tuple[np.ndarray, float]]:
        """The texts' vectors and the encoder's own time (not the time queued behind the document before)."""
        return self._pool.submit(self._embed, texts)

    def _embed(self, texts: list[str]) -> tuple[np.ndarray, float]:
        started = time.perf_counter()
        slices = []
        for start in range(0, len(texts), EMBED_SLICE):
            if self._stop.is_set():
                raise CancelledError()
            slices.append(self._embedder().embed_passages(texts[start : start + EMBED_SLICE]))
        return np.vstack(slices), time.perf_counter() - started


class Ingestor:
    """Indexes files into a knowledge base. With a `budget`, files are read in a worker process under it (and
    the next file is read while the current one is embedded); without one, in this process, unbounded.
    `options` say how files are read (OCR of scanned pages on or off)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        catalogue: Catalogue,
        params: ChunkParams,
        budget: ExtractionBudget | None = None,
        options: ExtractOptions | None = None,
    ) -> None:
        self.kb = kb
        self.catalogue = catalogue
        self.params = params
        self.budget = budget
        self.options = options or ExtractOptions()

    def settings_fingerprint(self) -> str:
        """Everything besides the file and its metadata that changes the passages: a change re-ingests. The
        tokenizer is part of it, since the tagger's word head reads stems; so is the passage-role rule, whose label
        is stored with each passage."""
        reading = self.options.fingerprint()  # OCR on or off changes the text read
        return f"{PIPELINE_VERSION}|{self.params}|{TOKENIZER_VERSION}|{_models_digest()}|role{ROLE_RULE}|{reading}"

    def ingest_file(self, path: Path) -> FileOutcome:
        """Ingest one file (the admin upload route's way in)."""
        with self._reader() as reader, _EmbeddingThread(lambda: self.kb.embedder) as embedding:
            return self._complete(self._split(self._start(path, reader), reader, embedding))

    def _reader(self) -> BudgetedExtractor | InProcessExtractor:
        return BudgetedExtractor(self.budget, self.options) if self.budget else InProcessExtractor(self.options)

    def _start(self, path: Path, reader: BudgetedExtractor | InProcessExtractor) -> _Pending | FileOutcome:
        """Read the file's bytes and version; an unchanged or unreadable file is decided here, anything else
        starts extracting (in the worker, while the previous file is still being indexed)."""
        try:
            extractor_for(path)
            data = path.read_bytes()
        except UnreadableDocument as exc:
            return FileOutcome(path, "failed", exc.message)
        except OSError as exc:
            return FileOutcome(path, "failed", f"cannot read file: {exc.strerror or exc}")
        catalogued = self.catalogue.get(path)
        meta_key = catalogued.model_dump_json() if catalogued else f"inferred{INFERENCE_VERSION}"
        version = hashlib.sha256(data + meta_key.encode() + self.settings_fingerprint().encode()).hexdigest()[:16]
        current = self.kb.find_document(catalogued.id) if catalogued else self.kb.find_document_from(path)
        if current is not None and current.version == version:
            return FileOutcome(path, "unchanged", document_id=current.meta.id, pages=current.pages)
        return _Pending(path, version, catalogued, reader.submit(path))

    def _split(
        self,
        pending: _Pending | FileOutcome,
        reader: BudgetedExtractor | InProcessExtractor,
        embedding: _EmbeddingThread,
        settle: Callable[[str], None] = lambda document_id: None,
    ) -> _Split | FileOutcome:
        """Wait for the file's extraction, split it into passages and start embedding them. `settle(id)` commits
        any document with the same id still in flight first, so the checks below see it."""
        if isinstance(pending, FileOutcome):
            return pending
        path, version = pending.path, pending.version
        try:
            extraction = reader.result(pending.extraction)
            meta = pending.catalogued or infer_meta(path, extraction)
        except Exception as exc:  # one bad file never stops the batch
            return FileOutcome(path, "failed", failure_reason(exc))
        warnings = [] if pending.catalogued else [inferred_warning(meta)]
        settle(meta.id)
        current = self.kb.find_document(meta.id)
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
        if len(passages) > self.params.max_passages:
            warnings.append(passage_limit_warning(len(passages), self.params.max_passages))
            passages = passages[: self.params.max_passages]
        passages = _mark_ocr(passages, extraction.ocr_pages)
        stages = {"chunk": time.perf_counter() - started}
        texts = [embedding_text(meta.title, p.heading_path, p.text) for p in passages]
        vectors = embedding.submit(texts)
        return _Split(path, meta, version, extraction, passages, warnings + extraction.warnings, stages, vectors)

    def _complete(self, split: _Split | FileOutcome) -> FileOutcome:
        """Tag and commit a split document once its vectors are ready."""
        if isinstance(split, FileOutcome):
            return split
        embeddings, split.stages["embed"] = split.vectors.result()
        extraction = split.extraction
        pages = extraction.page_count
        self._commit(split.meta, split.version, pages, split.path, split.passages, embeddings, split.stages)
        return FileOutcome(
            split.path,
            "indexed",
            document_id=split.meta.id,
            pages=pages,
            passages=len(split.passages),
            warnings=split.warnings,
            ocr_pages=extraction.ocr_pages,
            unit=extraction.unit,
            extract_seconds=extraction.seconds,  # the reader's own time, not the time queued behind files read ahead
            stage_seconds=split.stages,
        )

    def _commit(
        self,
        meta: DocumentMeta,
        version: str,
        pages: int,
        path: Path,
        passages: list[Passage],
        embeddings: np.ndarray,
        stages: dict[str, float],
    ) -> None:
        started = time.perf_counter()
        embedder = self.kb.embedder
        tagger = tagger_for(embedder)
        # In batches: the tagger's word head holds a dense row of its whole vocabulary per passage (about
        # 110 KB each), 650 MB at once for the 5,813 passages of a 5 MB report; a batch is bounded.
        tagged = [
            passage
            for start in range(0, len(passages), TAG_BATCH)
            for passage in tagger.tag(passages[start : start + TAG_BATCH], embeddings[start : start + TAG_BATCH])
        ]
        principles = document_tagger_for(embedder).principles(tagged, embeddings)
        stages["tag"] = time.perf_counter() - started
        started = time.perf_counter()
        stored = self.kb.file_path_for(meta.id, path.suffix)
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
        progress: Callable[[list[Found]], Iterable[Found]] = lambda found: found,
    ) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        self.kb.collect_garbage()

        def record(outcome: FileOutcome) -> None:
            report.outcomes.append(outcome)
            if on_outcome:
                on_outcome(outcome)

        # The worker reads the files queued in `reading`; the embedding thread embeds the newest document in
        # `embedding_now` while this thread tags and commits the one before it. Outcomes keep file order.
        reading: deque[_Pending | FileOutcome] = deque()
        embedding_now: deque[_Split | FileOutcome] = deque()

        def settle(document_id: str) -> None:
            while any(isinstance(item, _Split) and item.meta.id == document_id for item in embedding_now):
                record(self._complete(embedding_now.popleft()))

        with self._reader() as reader, _EmbeddingThread(lambda: self.kb.embedder) as embedding:

            def advance() -> None:
                embedding_now.append(self._split(reading.popleft(), reader, embedding, settle))
                while len(embedding_now) > 1:
                    record(self._complete(embedding_now.popleft()))

            for found in progress(discover(paths)):
                problem = FileOutcome(found.path, "failed", found.problem) if found.problem else None
                reading.append(problem or self._start(found.path, reader))
                if isinstance(reading[-1], _Pending):
                    embedding.warm()
                if len(reading) > READ_AHEAD:
                    advance()
            while reading:
                advance()
            while embedding_now:
                record(self._complete(embedding_now.popleft()))
        if prune:
            report.pruned = self.prune(paths)
        if report.count("indexed") or report.pruned or not self.kb.snapshot_is_current_on_disk():
            self.kb.save_snapshot()
        report.seconds = time.perf_counter() - started
        return report

    def prune(self, paths: list[Path]) -> list[str]:
        """Delete documents whose source file under one of `paths` no longer exists."""
        roots = [p.resolve() for p in paths]
        removed = []
        for document in self.kb.documents():
            source = Path(document.source) if document.source else None
            if source is None or source.exists():
                continue
            if any(root == source or root in source.parents for root in roots):
                self.kb.delete(document.meta.id)
                removed.append(document.meta.id)
        return removed


def _mark_ocr(passages: list[Passage], ocr_pages: list[int]) -> list[Passage]:
    """Flag the passages with text from a page read by OCR (search results show it: OCR can misread words)."""
    pages = set(ocr_pages)
    if not pages:
        return passages
    return [
        p.model_copy(update={"ocr": True}) if pages.intersection(range(p.page, p.page_end + 1)) else p for p in passages
    ]


def passage_limit_warning(made: int, limit: int) -> str:
    return (
        f"indexed the first {limit:,} of {made:,} passages: the rest of the document is not searchable "
        "(raise CCIN_MAX_PASSAGES_PER_DOCUMENT to index all of it)"
    )


def _models_digest() -> str:
    """A digest of the tagger and document models, read again only when a model file changes (every file's
    version includes it, and an unchanged file should be skipped without reading megabytes of model)."""
    stamps = tuple((path, *_stamp(path)) for path in (HEAD_FILE, MODEL_FILE))
    return _digest_of(stamps)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _digest_of(stamps: tuple[tuple[Path, int, int], ...]) -> str:
    models = b"".join(path.read_bytes() if path.is_file() else b"" for path, _, _ in stamps)
    return hashlib.sha256(models).hexdigest()[:12]
