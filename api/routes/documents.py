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
from api.schemas import DocumentList, DocumentOut, DocumentType, PrincipleMet, error_responses
from ccin.errors import DocumentNotFound
from kb.filters import Filters
from kb.index import KnowledgeBase
from kb.passage import IndexedDocument
from kb.principles import NAMES
from kb.results import document_file_url

router = APIRouter(tags=["documents"])
FILE_MEDIA_TYPES = ("application/pdf", "text/html", "text/markdown", "text/plain", "application/octet-stream")
DocumentId = Annotated[str, PathParam(max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


def principles_met(kb: KnowledgeBase, document_id: str) -> list[PrincipleMet]:
    """For each principle: how many of the document's passages carry it, and the strongest of them."""
    table = kb.table()
    best: dict[int, tuple[float, str]] = {}
    counts: dict[int, int] = {}
    for row in (table.document_id == document_id).nonzero()[0]:
        meta = table.metas[row]
        scores = json.loads(meta.get("scores", "[]") or "[]")
        for pid in meta.get("principles", []) or []:
            counts[pid] = counts.get(pid, 0) + 1
            score = scores[pid - 1] if scores else 0.0
            if pid not in best or score > best[pid][0]:
                best[pid] = (score, table.ids[row])
    return [
        PrincipleMet(id=pid, name=NAMES[pid], passages=counts[pid], strongest_passage_id=best[pid][1])
        for pid in sorted(counts, key=lambda p: (-counts[p], p))
    ]


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
        principles_met=principles_met(kb, meta.id),
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
    chosen = [document for document in kb.registry.all() if filters.admits(document.meta)]
    if principle is not None:  # a document meets a principle when one of its passages carries it
        table = kb.table()
        meeting = set(table.document_id[table.tagged_with(principle)].tolist())
        chosen = [d for d in chosen if d.meta.id in meeting]
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
