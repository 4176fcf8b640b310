"""Extraction with a time and memory budget: each file is read in a worker process that is killed past its
budget, so no file can stall or exhaust an ingest. The worker is spawned (a fresh interpreter holding only the
extractors, not the model) and reused for the next file; one that is killed or dies is replaced.

How files are read (OCR on or off) travels to the worker as `ExtractOptions`; with a budget, OCR is told to
stop starting pages once most of the time budget is spent, so a long scan ends with the pages it read and a
warning naming the rest, not killed with nothing.

The worker also lets ingest overlap: the next file is read while the current one is embedded (see
`Ingestor.run`).
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from collections.abc import Callable
from concurrent.futures import Future, TimeoutError
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

from pebble import ProcessExpired, ProcessPool

from ingest.blocks import Extraction
from ingest.docx import extract_docx
from ingest.html import extract_html
from ingest.markdown import extract_markdown
from ingest.ocr import OcrOptions, find_tessdata
from ingest.pdf import extract_pdf
from ingest.text import extract_text
from kb.errors import UnreadableDocument, UnsupportedFileType

EXTRACTORS: dict[str, Callable[[Path], Extraction]] = {
    ".pdf": extract_pdf,
    ".html": extract_html,
    ".htm": extract_html,
    ".md": extract_markdown,
    ".markdown": extract_markdown,
    ".txt": extract_text,
    ".docx": extract_docx,
}
SUPPORTED = "PDF, Word (.docx), HTML, Markdown or plain text"
_OCR_SHARE_OF_BUDGET = 0.75  # OCR starts no page after this share of the time budget; the rest is for the other pages


@dataclass(frozen=True)
class ExtractionBudget:
    seconds: float = 120.0  # wall-clock time to read one file
    memory_mb: int = 2048  # memory one file may take beyond what the worker holds before reading it


@dataclass(frozen=True)
class ExtractOptions:
    """How files are read, beyond the reader their type needs (from the settings, passed to the worker)."""

    ocr: OcrOptions = field(default_factory=OcrOptions)

    def fingerprint(self) -> str:
        """What of these options changes the text read: OCR counts only when it can run."""
        ocr = self.ocr
        if not ocr.enabled or find_tessdata(ocr.language) is None:
            return "ocr=none"
        return f"ocr={ocr.language}@{ocr.dpi}"


def extractor_for(path: Path) -> Callable[[Path], Extraction]:
    extractor = EXTRACTORS.get(path.suffix.lower())
    if extractor is None:
        raise UnsupportedFileType(f"unsupported file type {path.suffix.lower() or '(no extension)'!r}: use {SUPPORTED}")
    return extractor


def extract(path: Path, options: ExtractOptions | None = None) -> Extraction:
    """Read one file in this process, unbounded (what the worker runs). The PDF reader takes the OCR options;
    the others read the file alone."""
    extractor = extractor_for(path)
    started = time.perf_counter()
    extraction = extract_pdf(path, (options or ExtractOptions()).ocr) if extractor is extract_pdf else extractor(path)
    return replace(extraction, seconds=time.perf_counter() - started)


class BudgetedExtractor:
    """Reads files in a worker process under an `ExtractionBudget`; use as a context manager."""

    def __init__(self, budget: ExtractionBudget, options: ExtractOptions | None = None) -> None:
        self.budget = budget
        options = options or ExtractOptions()
        ocr_seconds = budget.seconds * _OCR_SHARE_OF_BUDGET
        if options.ocr.seconds is not None:
            ocr_seconds = min(ocr_seconds, options.ocr.seconds)
        self.options = replace(options, ocr=replace(options.ocr, seconds=ocr_seconds))
        self._pool: ProcessPool | None = None

    def __enter__(self) -> BudgetedExtractor:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join()
            self._pool = None

    def submit(self, path: Path) -> Future[Extraction]:
        """Start reading `path` in the worker; `result` waits for it."""
        if self._pool is None:
            self._pool = ProcessPool(
                max_workers=1,
                initializer=_limit_memory,
                initargs=(self.budget.memory_mb,),
                context=multiprocessing.get_context("spawn"),
            )
        return self._pool.schedule(extract, args=(path, self.options), timeout=self.budget.seconds)

    def result(self, future: Future[Extraction]) -> Extraction:
        """The extraction, or UnreadableDocument saying which budget the file went over."""
        try:
            return future.result()
        except TimeoutError:
            raise UnreadableDocument(
                f"took longer than {self.budget.seconds:g} s to read (the extraction time budget); skipped"
            ) from None
        except MemoryError:
            raise UnreadableDocument(
                f"needed more than {self.budget.memory_mb} MB to read (the extraction memory budget); skipped"
            ) from None
        except (ProcessExpired, BrokenProcessPool) as exc:
            self.close()  # the next file gets a new worker
            code = getattr(exc, "exitcode", None)
            raise UnreadableDocument(f"the reader stopped unexpectedly (exit code {code}); skipped") from None


class InProcessExtractor:
    """The same interface, reading in this process with no budget (tests, and `CCIN_EXTRACT_TIMEOUT_S=0`)."""

    def __init__(self, options: ExtractOptions | None = None) -> None:
        self.options = options or ExtractOptions()

    def __enter__(self) -> InProcessExtractor:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def submit(self, path: Path) -> Future[Extraction]:
        future: Future[Extraction] = Future()
        try:
            future.set_result(extract(path, self.options))
        except Exception as exc:  # handed to `result`, as the worker's would be
            future.set_exception(exc)
        return future

    def result(self, future: Future[Extraction]) -> Extraction:
        return future.result()


def _limit_memory(memory_mb: int) -> None:
    """Cap the worker's address space at what it holds now plus the budget, so an allocation past the budget
    raises MemoryError in the worker instead of taking the machine's memory."""
    with open("/proc/self/status", encoding="ascii") as status:
        held_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    limit = held_kb * 1024 + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
