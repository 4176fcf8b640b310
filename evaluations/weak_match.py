""" "No close match" (kb/weak_match.py): how often the weak flag is raised for queries that have an answer in the
corpus (the graded queries, every one with a relevant passage) and for queries about something else entirely
(data/off_topic.jsonl, written for this, with a development and a test half).

The floor was set from the development queries alone (the largest floor, to 0.01, that flags none of them);
the test queries and the test half of the off-topic list were not looked at before it was fixed."""

from __future__ import annotations

import json

import numpy as np

from evaluations.data import DATA, load_queries
from kb.filters import Filters
from kb.knowledge_base import KnowledgeBase
from kb.retrieve import Retriever
from kb.weak_match import WEAK_BELOW, closest

OFF_TOPIC = DATA / "off_topic.jsonl"
TOP = 10


def evaluate_weak_match(kb: KnowledgeBase) -> dict[str, object]:
    table = kb.snapshot()
    retriever = Retriever(kb.embedder)

    def score(text: str) -> float:
        rows = [hit.row for hit in retriever.candidates(table, text, Filters(), TOP, "hybrid")[:TOP]]
        return closest(table, kb.embedder.embed_query(text), rows)

    off_topic = [json.loads(line) for line in OFF_TOPIC.read_text(encoding="utf-8").splitlines() if line.strip()]
    sets = {
        "answerable_dev": [q.text for q in load_queries() if q.split == "dev"],
        "answerable_test": [q.text for q in load_queries() if q.split == "test"],
        "off_topic_dev": [q["query"] for q in off_topic if q["split"] == "dev"],
        "off_topic_test": [q["query"] for q in off_topic if q["split"] == "test"],
    }
    result: dict[str, object] = {"floor": WEAK_BELOW}
    for name, texts in sets.items():
        closeness = np.array([score(text) for text in texts])
        flagged = closeness < WEAK_BELOW
        result[name] = {
            "queries": len(texts),
            "flagged_weak": int(flagged.sum()),
            "share_flagged": round(float(flagged.mean()), 4),
            "closest_min": round(float(closeness.min()), 4),
            "closest_median": round(float(np.median(closeness)), 4),
            "closest_max": round(float(closeness.max()), 4),
        }
    return result
