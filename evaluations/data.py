"""The labelled data: graded queries (queries.jsonl) and hand-labelled passages (tagging.jsonl), with their
fixed development/test splits."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
WRITTEN_PASSAGES = DATA / "tagging_training.jsonl"


@dataclass(frozen=True)
class Judgment:
    """`source`: "author" (written with the query) or "pool" (a passage some mode returned in its top 10,
    judged afterwards by an assessor who was not told which mode returned it; see QUERIES.md)."""

    document_id: str
    grade: int
    evidence: str | None
    source: str = "author"

    def matches(self, document_id: str, normalised_text: str) -> bool:
        if document_id != self.document_id:
            return False
        return self.evidence is None or normalise(self.evidence) in normalised_text


@dataclass(frozen=True)
class Query:
    id: str
    text: str
    category: str
    split: str
    judgments: tuple[Judgment, ...]

    def author_only(self) -> Query:
        """The query with its author's judgments alone, as it was before pooling."""
        kept = tuple(j for j in self.judgments if j.source == "author")
        return Query(self.id, self.text, self.category, self.split, kept)


@dataclass(frozen=True)
class LabelledPassage:
    id: str
    document_id: str
    text: str
    labels: frozenset[int]
    split: str


def normalise(text: str) -> str:
    """Lower-case words and numbers only, so table pipes, hyphenation and punctuation never decide relevance."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def load_queries(path: Path = DATA / "queries.jsonl") -> list[Query]:
    queries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        judgments = tuple(
            Judgment(j["document_id"], int(j["grade"]), j.get("evidence") or None, j.get("source", "author"))
            for j in raw["judgments"]
        )
        queries.append(Query(raw["id"], raw["query"], raw["category"], raw["split"], judgments))
    return queries


def load_passages(path: Path = DATA / "tagging.jsonl") -> list[LabelledPassage]:
    """The labelled evaluation passages (dev and test), or with `path=WRITTEN_PASSAGES` the passages written
    only to train on (split "train"; see data/README.md)."""
    passages = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        passages.append(
            LabelledPassage(raw["id"], raw["document_id"], raw["text"], frozenset(raw["labels"]), raw["split"])
        )
    return passages
