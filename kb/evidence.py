"""Evidence packs for bid writers: the strongest passages for one principle, optionally on a topic, grouped
by project.

The pack honours every filter search has (council, year range, type, document) through the same `Filters`, so
a pack and a search with the same filters draw on the same passages. Without a topic, passages tagged with the
principle rank by their principle score; with a topic, they rank by hybrid relevance to the topic among those
passages. Either way navigation passages (contents, reading lists, acknowledgements, covers; see
kb/navigation.py) are left out, near-duplicates are shown once, each project gives at most `per_document`
passages, and the pack holds at most `limit` passages in all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from kb.errors import InvalidQuery
from kb.filters import Filters
from kb.knowledge_base import KnowledgeBase
from kb.retrieve import Retriever, collapse_near_duplicates
from kb.snapshot import Snapshot

DEFAULT_LIMIT = 36
MAX_LIMIT = 200
PER_DOCUMENT = 3
TOPIC_DEPTH = 3  # candidates fetched per passage wanted: room for the per-project cap and navigation left out


@dataclass
class EvidencePassage:
    passage_id: str
    text: str
    score: float
    meta: dict[str, Any]  # the passage's stored metadata: what a citation is made from


@dataclass
class EvidenceGroup:
    document_id: str
    title: str
    lead_council: str | None
    year: int | None
    passages: list[EvidencePassage]


def evidence(
    kb: KnowledgeBase,
    filters: Filters,
    topic: str | None,
    limit: int = DEFAULT_LIMIT,
    per_document: int = PER_DOCUMENT,
) -> list[EvidenceGroup]:
    """The pack for `filters` (whose principle must be set), best passage first, grouped by project in the
    order each project first appears."""
    if filters.principle is None:
        raise InvalidQuery("an evidence pack needs a principle")
    principle = filters.principle
    filters = replace(filters, role="body")  # whatever the caller asked, navigation is never evidence
    table = kb.snapshot()
    if topic:
        hits = Retriever(kb.embedder).search(table, topic, filters, k=limit * TOPIC_DEPTH, mode="hybrid")
        ranked: Iterable[tuple[int, float]] = ((h.row, h.score) for h in hits)
    else:
        ranked = _by_principle_score(table, filters, principle)
    groups: dict[str, EvidenceGroup] = {}
    taken = 0
    for row, score in ranked:
        if taken == limit:
            break
        meta = table.metas[row]
        group = groups.get(meta["document_id"])
        if group is not None and len(group.passages) >= per_document:
            continue
        if group is None:
            document_id = meta["document_id"]
            group = groups[document_id] = EvidenceGroup(
                document_id, meta.get("title", document_id), meta.get("lead_council"), meta.get("year"), []
            )
        group.passages.append(
            EvidencePassage(
                table.ids[row],
                table.texts[row],
                round(float(score), 4),
                meta,
            )
        )
        taken += 1
    return list(groups.values())


def _by_principle_score(table: Snapshot, filters: Filters, principle: int) -> list[tuple[int, float]]:
    """Every row the filters allow, strongest for the principle first, near-duplicates collapsed."""
    mask = filters.mask(table)
    rows = np.flatnonzero(mask) if mask is not None else np.arange(len(table))
    scores = [json.loads(table.metas[r].get("scores", "[]") or "[]")[principle - 1] for r in rows]
    ranked = sorted(zip(rows.tolist(), scores, strict=True), key=lambda x: -x[1])
    return [(h.row, h.score) for h in collapse_near_duplicates(table, ranked, k=len(ranked))]
