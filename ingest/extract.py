"""Extraction with a time and memory budget: each file is read in a worker process that is killed past its
budget, so no file can stall or exhaust an ingest. The worker is spawned (a fresh interpreter holding only the
extractors, not the model) and reused for the next file; one that is killed or dies is replaced.

The worker also lets ingest overlap: the next file is read while the current one is embedded (see
`Ingestor.run`).
"""

from __future__ import annotations

import multiprocessing
import resource
from collections.abc import Callable
from concurrent.futures import Future, TimeoutError
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from pebble import ProcessExpired, ProcessPool

from ingest.blocks import Extraction
from ingest.html import extract_html
from ingest.markdown import extract_markdown
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
}


@dataclass(frozen=True)
class ExtractionBudget:
    seconds: float = 120.0  # wall-clock time to read one file
    memory_mb: int = 2048  # memory one file may take beyond what the worker holds before reading it


def extractor_for(path: Path) -> Callable[[Path], Extraction]:
    extractor = EXTRACTORS.get(path.suffix.lower())
    if extractor is None:
        raise UnsupportedFileType(
            f"unsupported file type {path.suffix.lower() or '(no extension)'!r}: use PDF, HTML, Markdown or plain text"
        )
    return extractor


def extract(path: Path) -> Extraction:
    """Read one file in this process, unbounded (what the worker runs)."""
    return extractor_for(path)(path)


class BudgetedExtractor:
    """Reads files in a worker process under an `ExtractionBudget`; use as a context manager."""

    def __init__(self, budget: ExtractionBudget) -> None:
        self.budget = budget
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
        return self._pool.schedule(extract, args=(path,), timeout=self.budget.seconds)

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

    def __enter__(self) -> InProcessExtractor:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def submit(self, path: Path) -> Future[Extraction]:
        future: Future[Extraction] = Future()
        try:
            future.set_result(extract(path))
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
