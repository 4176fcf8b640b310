"""Documents: list with filters and paging, one document with the principles it meets, and its file."""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import FileResponse

from api.deps import KB, BaseURL
from api.schemas import (
    DocumentList,
    DocumentOut,
    DocumentType,
    PrincipleEvidence,
    PrincipleMet,
    PrincipleRef,
    error_responses,
)
from kb.errors import DocumentNotFound
from kb.filters import Filters
from kb.knowledge_base import KnowledgeBase
from kb.passage import DocumentMeta, IndexedDocument
from kb.principles import NAMES
from kb.results import citation, document_file_url
from kb.snapshot import Snapshot

router = APIRouter(tags=["documents"])
FILE_MEDIA_TYPES = ("application/pdf", "text/html", "text/markdown", "text/plain", "application/octet-stream")
EVIDENCE_CHARS = 300
DocumentId = Annotated[str, PathParam(max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


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
        passage_count=document.passage_count,
        principles_met=principles_met(kb, document, base),
        principles_declared=declared(meta),
        near_duplicate_of=document.near_duplicate_of,
        inferred_metadata=meta.inferred,
    )


@router.get("/documents", response_model=DocumentList, responses=error_responses(422))
def list_documents(
    kb: KB,
    base: BaseURL,
    council: Annotated[str | None, Query(max_length=200)] = None,
    year_from: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    year_to: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    type: DocumentType | None = None,
    principle: Annotated[int | None, Query(ge=1, le=10)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> DocumentList:
    filters = Filters(principle=principle, council=council, year_from=year_from, year_to=year_to, type=type)
    chosen = [document for document in kb.registry.all() if filters.accepts_document(document.meta)]
    if principle is not None:  # the same verdict GET /documents/{id} shows
        chosen = [d for d in chosen if principle in kb.principles_met(d)]
    chosen.sort(key=lambda d: (-(d.meta.year or 0), d.meta.title))
    # Only the page returned is built: each document's "principles met" reads all of its passages.
    page = [document_out(kb, d, base) for d in chosen[offset : offset + limit]]
    return DocumentList(documents=page, total=len(chosen), offset=offset, limit=limit)


@router.get("/documents/{document_id}", response_model=DocumentOut, responses=error_responses(404, 422))
def get_document(document_id: DocumentId, kb: KB, base: BaseURL) -> DocumentOut:
    return document_out(kb, kb.document(document_id), base)


@router.get(
    "/documents/{document_id}/file",
    response_class=FileResponse,
    responses={
        200: {
            "description": "The stored file: PDF, HTML, Markdown or plain text, as ingested.",
            "content": {media: {} for media in FILE_MEDIA_TYPES},
        },
        **error_responses(404, 422),
    },
)
def get_document_file(document_id: DocumentId, kb: KB) -> FileResponse:
    """The stored copy of the document, looked up by id (never by a client-supplied path)."""
    document = kb.document(document_id)
    path = Path(document.path).resolve()
    if not path.is_file() or kb.files_dir.resolve() not in path.parents:
        raise DocumentNotFound(f"the file of document {document_id!r} is no longer stored")
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    headers = {
        "Content-Disposition": f'inline; filename="{document_id}{path.suffix}"',
        "X-Content-Type-Options": "nosniff",
    }
    if media == "text/html":
        headers["Content-Security-Policy"] = "sandbox; default-src 'none'; style-src 'unsafe-inline'"
    return FileResponse(path, media_type=media, headers=headers)
