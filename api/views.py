"""Response bodies made from kb's domain objects that a route and the CLI both serve: a search, a document
with the principles it meets and their evidence, the principle summaries, and declared-versus-found."""

from __future__ import annotations

import json
from pathlib import Path

from api.results import SearchResponse, citation, document_file_url, search_response
from api.schemas import (
    DeclaredVersusFoundItem,
    DeclaredVersusFoundOut,
    DocumentOut,
    PrincipleEvidence,
    PrincipleMet,
    PrincipleRef,
    PrincipleSummary,
    SearchQuery,
)
from kb.declared import disagreements
from kb.knowledge_base import KnowledgeBase
from kb.passage import CITATION_UNITS, DocumentMeta, IndexedDocument
from kb.principles import NAMES, load_principles
from kb.snapshot import Snapshot

EVIDENCE_CHARS = 300


def principles_met(kb: KnowledgeBase, document: IndexedDocument, base: str) -> list[PrincipleMet]:
    """The principles the document meets (`KnowledgeBase.document_principles`), passage-evidenced ones first,
    each with the passages that show it best."""
    table = kb.snapshot()
    rows = (table.document_id == document.meta.id).nonzero()[0]
    row_of = {table.ids[row]: int(row) for row in rows}
    url = kb.document_urls().get(document.meta.id)
    found = kb.document_principles(document)
    met = sorted(
        (p for p in found if p.met and p.passage_ids and p.passage_ids[0] in row_of),
        key=lambda p: (-p.tagged_passages, -p.best_passage_score, p.id),
    )
    return [
        PrincipleMet(
            id=p.id,
            name=NAMES[p.id],
            score=p.score,
            evidenced=p.tagged_passages > 0,
            passages=p.tagged_passages,
            strongest_passage_id=p.passage_ids[0],
            evidence=[_evidence(table, row_of[pid], p.id, url, base) for pid in p.passage_ids if pid in row_of],
        )
        for p in met
    ]


def _evidence(table: Snapshot, row: int, principle: int, url: str | None, base: str) -> PrincipleEvidence:
    meta = table.metas[row]
    scores = json.loads(meta.get("scores", "[]") or "[]")
    text = table.texts[row]
    return PrincipleEvidence(
        passage_id=table.ids[row],
        score=round(float(scores[principle - 1]), 4) if scores else 0.0,
        page=int(meta.get("page", 1)),
        page_end=int(meta.get("page_end", meta.get("page", 1))),
        text=text if len(text) <= EVIDENCE_CHARS else text[: text.rfind(" ", 0, EVIDENCE_CHARS)] + " …",
        citation=citation(meta, url, base),
        ocr=bool(meta.get("ocr", False)),
    )


def declared(meta: DocumentMeta) -> list[PrincipleRef] | None:
    if meta.principles_declared is None:
        return None
    return [PrincipleRef(id=pid, name=NAMES[pid]) for pid in meta.principles_declared]


def document_out(kb: KnowledgeBase, document: IndexedDocument, base: str) -> DocumentOut:
    meta = document.meta
    return DocumentOut(
        id=meta.id,
        title=meta.title,
        year=meta.year,
        lead_council=meta.lead_council,
        partners=meta.partners,
        type=meta.type,
        url=meta.url or document_file_url(meta.id, base),
        source_url=meta.source_url,
        pages=document.pages,
        unit=CITATION_UNITS.get(Path(document.path).suffix.lower().lstrip(".")),  # as its passages are cited
        passage_count=document.passage_count,
        principles_met=principles_met(kb, document, base),
        principles_declared=declared(meta),
        near_duplicate_of=document.near_duplicate_of,
        inferred_metadata=meta.inferred,
        inferred_fields=meta.inferred_fields,
    )


def principle_summaries(kb: KnowledgeBase) -> list[PrincipleSummary]:
    stats = kb.principle_stats()
    return [
        PrincipleSummary(
            id=p.id,
            name=p.name,
            description=p.description,
            passage_count=stats[p.id].passage_count,
            document_count=stats[p.id].document_count,
            documents_met=stats[p.id].documents_met,
        )
        for p in load_principles()
    ]


def declared_versus_found(kb: KnowledgeBase) -> DeclaredVersusFoundOut:
    checked, disagreeing = disagreements(kb.documents())

    def refs(ids: list[int]) -> list[PrincipleRef]:
        return [PrincipleRef(id=pid, name=NAMES[pid]) for pid in ids]

    return DeclaredVersusFoundOut(
        checked=checked,
        documents=[
            DeclaredVersusFoundItem(
                document_id=c.document_id,
                title=c.title,
                declared=refs(c.declared),
                met=refs(c.met),
                declared_without_evidence=refs(c.declared_without_evidence),
                evidenced_not_declared=refs(c.evidenced_not_declared),
            )
            for c in disagreeing
        ],
    )


def answer_search(kb: KnowledgeBase, params: SearchQuery, base_url: str = "") -> SearchResponse:
    """GET /search and `ccin search` alike: an unknown document is a mistake to report (404), not a search with
    no results; then the page, as the HTTP body."""
    if params.document is not None:
        kb.document(params.document)
    found = kb.search(
        params.q,
        params.filters(),
        params.k,
        params.mode,
        offset=params.offset,
        group=params.group,
        sort=params.sort,
        read=params.interpret,
    )
    return search_response(found, kb.document_urls() if found.cards else {}, base_url)
