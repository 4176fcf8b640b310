"""Choosing the passage size by measurement: the corpus ingested at several target sizes, each scored with
the same retrieval evaluation on the development queries only."""

from __future__ import annotations

from evaluations.corpus_index import corpus_index
from evaluations.data import load_queries
from evaluations.retrieval import BM25, Dense, Hybrid
from ingest.chunk import ChunkParams

SIZES = ((120, 200), (180, 300), (250, 400))


def evaluate_chunking() -> dict[str, object]:
    dev = [q for q in load_queries() if q.split == "dev"]
    results: dict[str, object] = {}
    for target, maximum in SIZES:
        kb, _ = corpus_index(ChunkParams(target_words=target, max_words=maximum), name=f"chunk-{target}")
        results[f"target {target} / max {maximum}"] = {
            "passages": len(kb.snapshot()),
            "dev nDCG@10": {m.name: round(m.score(dev).ndcg10, 4) for m in (BM25(kb), Dense(kb), Hybrid(kb))},
        }
    return results
