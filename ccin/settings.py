"""One settings object for the whole product, read from `CCIN_*` environment variables.

Built by `load_settings()` and passed in; nothing reads the environment at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kb.errors import CCINError


class ConfigurationError(CCINError):
    """A `CCIN_*` variable with a value the product cannot use."""

    status = 500
    code = "configuration_error"


class Settings(BaseSettings):
    """Every knob the product has. The README's configuration table lists each field (a test checks)."""

    model_config = SettingsConfigDict(env_prefix="CCIN_", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Where the index lives (Chroma, keyword index, registry).")
    chroma_url: str | None = Field(
        None, description="Use a Chroma server at this URL (http://host:port) instead of the embedded store."
    )
    collection: str = Field("ccin_passages", min_length=3, description="Name of the Chroma collection.")
    api_key: str | None = Field(None, description="Key for the admin routes; admin routes answer 401/403 without it.")
    cors_origins: str = Field(
        "", description="Comma-separated origins allowed to call the API from a browser (the widget's hosts)."
    )
    rate_limit_per_minute: int = Field(
        120, ge=0, description="Requests per minute per client on /search and /evidence; 0 turns it off."
    )
    rate_limit_storage: str = Field(
        "memory://",
        description="Where the rate-limit counts live: memory:// (each worker process counts alone) or a limits "
        "storage URI such as redis://host:6379 (one count shared by all workers; needs the redis package).",
    )
    max_upload_mb: float = Field(25.0, gt=0, description="Largest PDF accepted by POST /admin/documents.")
    extract_timeout_s: float = Field(
        120.0,
        ge=0,
        description="Longest one file may take to read at ingest (in a worker process that is stopped past it); "
        "0 reads in the ingest process with no time or memory budget.",
    )
    extract_memory_mb: int = Field(2048, ge=64, description="Most memory one file may take to read at ingest.")
    ocr: Literal["auto", "off"] = Field(
        "auto",
        description="Read PDF pages that are only a scanned image with Tesseract OCR: auto (when Tesseract and its "
        "English data are installed) or off. Search results flag passages read by OCR.",
    )
    chunk_target_words: int = Field(180, ge=40, le=1000, description="Passage length the chunker aims for.")
    chunk_max_words: int = Field(300, ge=60, le=2000, description="Hard upper bound on passage length.")
    max_passages_per_document: int = Field(
        2000,
        ge=1,
        description="Passages indexed of one document at most; a longer one is indexed up to here and its ingest "
        "report says so. 2,000 is about 450 pages of report text.",
    )
    query_log: bool = Field(
        True, description="Record every search (query, filters, counts, latency; no personal data)."
    )
    embedder: Literal["auto", "onnx", "torch"] = Field(
        "auto",
        description="Embedding backend: onnx (ONNX Runtime), torch (sentence-transformers) or auto (onnx when "
        "onnxruntime is installed). Both give the same vectors, so switching needs no re-ingest.",
    )
    public_url: str | None = Field(
        None,
        description="The address people reach the service at (https://kb.example.org/kb). Every absolute link the "
        "API or the CLI prints is built from it; unset, links follow the request's own address.",
    )
    root_path: str = Field(
        "",
        description="The path prefix a reverse proxy serves the app under and strips (/kb); the same as "
        "`ccin serve --root-path`.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info",
        description="Lowest level of log line written (the app's and the web server's): debug, info, warning or error.",
    )
    log_format: Literal["text", "json"] = Field(
        "text",
        description="Log lines as text, or json: one JSON object per line (time, level, logger, message, fields).",
    )
    access_log: Literal["off", "anonymous", "full"] = Field(
        "anonymous",
        description="One line per HTTP request: anonymous (method, path without the query string, status, "
        "duration; no client address), full (adds the client address and the query string) or off.",
    )

    @field_validator("chroma_url")
    @classmethod
    def _url_has_scheme(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value or None

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        """An absolute http(s) address with no query or fragment; kept without a trailing slash, so a path can
        be appended."""
        if not value:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an absolute http:// or https:// address")
        if parts.query or parts.fragment or value.strip().endswith(("?", "#")):
            raise ValueError("must not have a query string or a fragment")
        return value.strip().rstrip("/")

    @field_validator("root_path")
    @classmethod
    def _root_path(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and (not value.startswith("/") or any(c in value for c in "?#") or "//" in value):
            raise ValueError("must be a path such as /kb (starting with /, no query string)")
        return value

    @field_validator("log_level", "log_format", "access_log", mode="before")
    @classmethod
    def _lower_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("rate_limit_storage")
    @classmethod
    def _known_storage(cls, value: str) -> str:
        """A storage `limits` cannot open (unknown scheme, driver not installed) fails here, naming the setting,
        not as a traceback when the app starts."""
        from limits.errors import ConfigurationError as LimitsConfigurationError
        from limits.storage import storage_from_string

        try:
            storage_from_string(value)
        except (LimitsConfigurationError, ValueError) as exc:
            raise ValueError(str(exc) or "unknown storage") from None
        return value

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip().rstrip("/") for origin in self.cors_origins.split(",") if origin.strip()]


def load_settings(**overrides: object) -> Settings:
    """Read the environment (plus explicit overrides); a bad value fails naming the key and the value."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            key = "CCIN_" + str(error["loc"][0]).upper() if error["loc"] else "CCIN_?"
            problems.append(f"{key}={error.get('input')!r}: {error['msg']}")
        raise ConfigurationError("bad configuration: " + "; ".join(problems)) from None
