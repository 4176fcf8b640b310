"""What the HTTP service needs besides the knowledge base. The top layer (ccin/app.py) fills it from the
settings, so the API never reads the environment or knows the settings' names."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.chunk import ChunkParams
from ingest.extract import ExtractionBudget, ExtractOptions


@dataclass(frozen=True)
class ServiceOptions:
    api_key: str | None = None  # admin routes answer 401/403 without it
    cors_origins: tuple[str, ...] = ()  # origins whose pages may call the API (the widget's hosts)
    rate_limit_per_minute: int = 120  # per client on /search and /evidence; 0 turns it off
    rate_limit_storage: str = "memory://"  # a `limits` storage URI; redis://… shares the count between workers
    max_upload_mb: float = 25.0  # largest file POST /admin/documents accepts
    chunk: ChunkParams = field(default_factory=ChunkParams)  # how uploaded documents are split
    extraction_budget: ExtractionBudget | None = None  # how uploads are read (None: in the server process)
    extract_options: ExtractOptions = field(default_factory=ExtractOptions)  # OCR of scanned pages on or off
    public_url: str | None = None  # absolute links start here (no trailing slash); None: the request's address
