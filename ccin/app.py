"""Where the settings meet the parts: the knowledge base and the HTTP app, built from one `Settings`.

The settings are read here, at the top, and passed down as plain values; kb, ingest and api never read them.
"""

from __future__ import annotations

import gc
from functools import partial

from fastapi import FastAPI

from api.app import create_app
from api.options import ServiceOptions
from ccin.logs import AccessLog
from ccin.settings import ConfigurationError, Settings, load_settings
from ingest.chunk import ChunkParams
from ingest.extract import ExtractionBudget, ExtractOptions
from ingest.ocr import OcrOptions
from kb.embed import packaged_embedder, resolve_backend
from kb.errors import CCINError
from kb.knowledge_base import KnowledgeBase


class NoIndex(CCINError):
    """A command that reads the index was pointed at a data directory that holds none."""

    status = 404
    code = "no_index"


def no_index_message(settings: Settings) -> str:
    return (
        f"no index in {settings.data_dir.resolve()}: build one with `ccin ingest <folder>`, or set CCIN_DATA_DIR "
        "(or --data-dir) to the directory that holds one"
    )


def knowledge_base(settings: Settings) -> KnowledgeBase:
    try:
        backend = resolve_backend(settings.embedder)
    except ValueError as exc:
        raise ConfigurationError(f"bad configuration: CCIN_EMBEDDER={settings.embedder!r}: {exc}") from None
    return KnowledgeBase(
        settings.data_dir,
        collection=settings.collection,
        chroma_url=settings.chroma_url,
        query_log=settings.query_log,
        embedder_factory=partial(packaged_embedder, backend),
    )


def existing_knowledge_base(settings: Settings) -> KnowledgeBase:
    """The knowledge base for a command that only reads it: a data directory with no index is an error (exit 2
    in the CLI), and nothing is created on disk looking for it."""
    if not KnowledgeBase.exists(settings.data_dir):
        raise NoIndex(no_index_message(settings))
    return knowledge_base(settings)


def chunk_params(settings: Settings) -> ChunkParams:
    return ChunkParams(
        target_words=settings.chunk_target_words,
        max_words=settings.chunk_max_words,
        max_passages=settings.max_passages_per_document,
    )


def extraction_budget(settings: Settings) -> ExtractionBudget | None:
    if settings.extract_timeout_s == 0:
        return None
    return ExtractionBudget(settings.extract_timeout_s, settings.extract_memory_mb)


def extract_options(settings: Settings) -> ExtractOptions:
    return ExtractOptions(ocr=OcrOptions(enabled=settings.ocr == "auto"))


def service_options(settings: Settings) -> ServiceOptions:
    return ServiceOptions(
        api_key=settings.api_key,
        cors_origins=tuple(settings.cors_origin_list),
        rate_limit_per_minute=settings.rate_limit_per_minute,
        rate_limit_storage=settings.rate_limit_storage,
        max_upload_mb=settings.max_upload_mb,
        chunk=chunk_params(settings),
        extraction_budget=extraction_budget(settings),
        extract_options=extract_options(settings),
        public_url=settings.public_url,
    )


def one_blas_thread_per_request() -> None:
    """Matrix products in this process use one BLAS thread. A server answers several requests at once on few
    cores: a product split over two threads waits for a scheduler slice whenever the other core is busy
    (measured on 10,000 passages: p95 4.2 ms with two threads against 0.56 ms with one on a loaded machine)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def fewer_garbage_collections() -> None:
    """Collect cyclic garbage every 20,000 allocations instead of every 700. A search allocates thousands of
    short-lived objects (candidates, cards, snippets) and each collection of the older generations walks the
    whole heap (the passage table, the caches), holding the GIL while the other requests wait: at concurrency 8
    on one worker (the sample corpus, two cores) p95 went from 83-88 ms to 53-54 ms and requests/s from
    180-223 to 220-236. Reference counting still frees almost everything at once; only cycles wait longer."""
    gc.set_threshold(20_000, 50, 100)


def service_app(settings: Settings) -> FastAPI:
    one_blas_thread_per_request()
    fewer_garbage_collections()
    app = create_app(knowledge_base(settings), service_options(settings))
    if settings.access_log != "off":
        app.add_middleware(AccessLog, mode=settings.access_log)  # outermost: it times the whole request
    return app


def app_from_environment() -> FastAPI:
    """Entry point for `uvicorn --factory` (and so for several workers over one index)."""
    return service_app(load_settings())
