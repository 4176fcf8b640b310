"""Where the settings meet the parts: the knowledge base and the HTTP app, built from one `Settings`.

The settings are read here, at the top, and passed down as plain values; kb, ingest and api never read them.
"""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from api.app import create_app
from api.options import ServiceOptions
from ccin.settings import ConfigurationError, Settings, load_settings
from ingest.chunk import ChunkParams
from ingest.extract import ExtractionBudget, ExtractOptions
from ingest.ocr import OcrOptions
from kb.embed import packaged_embedder, resolve_backend
from kb.knowledge_base import KnowledgeBase


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


def chunk_params(settings: Settings) -> ChunkParams:
    return ChunkParams(target_words=settings.chunk_target_words, max_words=settings.chunk_max_words)


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
    )


def service_app(settings: Settings) -> FastAPI:
    return create_app(knowledge_base(settings), service_options(settings))


def app_from_environment() -> FastAPI:
    """Entry point for `uvicorn --factory` (and so for several workers over one index)."""
    return service_app(load_settings())
