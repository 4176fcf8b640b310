"""The evaluation index: the whole sample corpus ingested once into evaluations/results/scratch/, reused while
the corpus, the catalogue and the pipeline signature are unchanged (re-ingest is a no-op then)."""

from __future__ import annotations

import os
from pathlib import Path

from ccin.app import knowledge_base
from ccin.settings import load_settings
from ingest.chunk import ChunkParams
from ingest.discovery import load_catalogue
from ingest.pipeline import Ingestor
from ingest.report import IngestReport
from kb.knowledge_base import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SCRATCH = Path(__file__).resolve().parent / "results" / "scratch"


def corpus_index(params: ChunkParams | None = None, name: str = "index") -> tuple[KnowledgeBase, IngestReport]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    params = params or ChunkParams()
    settings = load_settings(data_dir=SCRATCH / name, query_log=False)
    kb = knowledge_base(settings)
    report = Ingestor(kb, load_catalogue(None, [CORPUS]), params).run([CORPUS], prune=True)
    return kb, report
