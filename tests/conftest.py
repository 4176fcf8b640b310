"""Shared fixtures: the real packaged model, a real index built from real PDFs, the real app over HTTP, and a
real Chroma server. Everything runs offline on loopback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import httpx
import pytest
import uvicorn

from api.results import SearchResponse, search_response
from ccin.app import knowledge_base, service_app
from ccin.settings import Settings, load_settings
from ingest.catalogue import Catalogue
from ingest.chunk import ChunkParams
from ingest.pipeline import Ingestor
from kb.embed import SentenceTransformerEmbedder, packaged_embedder
from kb.knowledge_base import KnowledgeBase
from tests.servers import free_port, wait_until_ready

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SAMPLE_IDS = (
    "net-zero",
    "sustainable-food",
    "beyond-asset-transfer",
    "social-value-toolkit",
    "growing-inclusive-cooperative-economy",
    "study-visit-mondragon",
    "tackling-vawg",
)
SEED_PACKS = ("001_e33d7f85c6ea2c8b.txt", "004_d017fc122f128cc7.txt")


# A test that uses one of these fixtures carries its marker, so `make test-fast` leaves it out even where the
# test's own file does not say so.
MARKED_BY_FIXTURE = {"chroma_server": "server", "browser": "browser"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture in set(MARKED_BY_FIXTURE) & set(getattr(item, "fixturenames", ())):
            item.add_marker(MARKED_BY_FIXTURE[fixture])


@pytest.fixture(scope="session")
def embedder() -> SentenceTransformerEmbedder:
    """The real packaged model, loaded once for the whole session."""
    return packaged_embedder()


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    return load_settings(data_dir=data_dir, **overrides)


def ingest_into(settings: Settings, paths: list[Path], catalogue: Catalogue | None = None) -> KnowledgeBase:
    kb = knowledge_base(settings)
    Ingestor(kb, catalogue or Catalogue.load(CORPUS / "catalogue.yaml"), ChunkParams()).run(paths)
    return kb


def sample_paths() -> list[Path]:
    catalogue = Catalogue.load(CORPUS / "catalogue.yaml")
    by_id = {catalogue.get(f).id: f for f in catalogue.files()}  # type: ignore[union-attr]
    return [by_id[i] for i in SAMPLE_IDS] + [SEEDS / name for name in SEED_PACKS]


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Path:
    """A real index (embedded Chroma) of seven sample documents and the two seed members' packs, built once.
    Tests that write must copy it (see `writable_index`)."""
    data_dir = tmp_path_factory.mktemp("sample-index") / "data"
    ingest_into(make_settings(data_dir), sample_paths())
    return data_dir


@pytest.fixture()
def writable_index(sample_index: Path, tmp_path: Path) -> Path:
    """A private copy of the sample index for a test that changes it."""
    target = tmp_path / "data"
    shutil.copytree(sample_index, target)
    return target


@pytest.fixture(scope="session")
def kb(sample_index: Path) -> KnowledgeBase:
    return knowledge_base(make_settings(sample_index))


class LiveServer:
    """The real app served by uvicorn in a background thread on a free loopback port."""

    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(service_app(settings), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        wait_until_ready(lambda: self.server.started, 120, alive=self.thread.is_alive, what="the app", interval=0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(sample_index: Path) -> Iterator[LiveServer]:
    """The real app over HTTP on the sample index (read-only use), CORS allowing one origin, admin key 'test-key'."""
    settings = make_settings(
        sample_index, api_key="test-key", cors_origins="http://allowed.example", rate_limit_per_minute=0
    )
    with LiveServer(settings) as server:
        yield server


@pytest.fixture()
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Chroma server (`chroma run`, shipped with chromadb) on a free loopback port."""
    path = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    process = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(
            f"{url}/api/v2/heartbeat", 60, alive=lambda: process.poll() is None, what="chroma run", interval=0.2
        )
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def search(kb: KnowledgeBase, *args: Any, base_url: str = "", **kwargs: Any) -> SearchResponse:
    """`kb.search` as the API serves it: the HTTP body, with citations."""
    return search_response(kb.search(*args, **kwargs), kb.document_urls(), base_url)
