"""Evidence packs for bid writers: the strongest passages for one principle, optionally on a topic, grouped
by project.

Without a topic, passages tagged with the principle rank by their principle score. With a topic, they rank by
hybrid relevance to the topic among passages tagged with the principle. Either way at most `per_document`
passages per project and `documents` projects, near-duplicates shown once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from kb.filters import Filters
from kb.index import KnowledgeBase
from kb.results import CitationOut, citation
from kb.retrieve import Retriever, collapse


@dataclass
class EvidencePassage:
    passage_id: str
    text: str
    score: float
    citation: CitationOut


@dataclass
class EvidenceGroup:
    document_id: str
    title: str
    lead_council: str | None
    year: int | None
    passages: list[EvidencePassage]


def evidence(
    kb: KnowledgeBase,
    principle: int,
    topic: str | None,
    base_url: str = "",
    documents: int = 12,
    per_document: int = 3,
) -> list[EvidenceGroup]:
    table = kb.table()
    filters = Filters(principle=principle)
    if topic:
        depth = documents * per_document * 3
        hits = Retriever(kb.embedder).search(table, topic, filters, k=depth, mode="hybrid")
        ranked = [(h.row, h.score) for h in hits]
    else:
        mask = filters.mask(table)
        rows = np.flatnonzero(mask) if mask is not None else np.arange(len(table))
        scores = [json.loads(table.metas[r].get("scores", "[]") or "[]")[principle - 1] for r in rows]
        ranked = collapse_ranked(table, sorted(zip(rows.tolist(), scores, strict=True), key=lambda x: -x[1]))
    urls = kb.document_urls()
    groups: dict[str, EvidenceGroup] = {}
    for row, score in ranked:
        meta = table.metas[row]
        document_id = meta["document_id"]
        group = groups.get(document_id)
        if group is None:
            if len(groups) == documents:
                continue
            group = groups[document_id] = EvidenceGroup(
                document_id, meta.get("title", document_id), meta.get("lead_council"), meta.get("year"), []
            )
        if len(group.passages) < per_document:
            group.passages.append(
                EvidencePassage(
                    table.ids[row],
                    table.texts[row],
                    round(float(score), 4),
                    citation(meta, urls.get(document_id), base_url),
                )
            )
    return list(groups.values())


def collapse_ranked(table, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:  # type: ignore[no-untyped-def]
    return [(h.row, h.score) for h in collapse(table, ranked, k=len(ranked))]
