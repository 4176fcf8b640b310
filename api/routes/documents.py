"""Documents: list with filters and paging, one document with the principles it meets, and its file."""

from __future__ import annotations

import mimetypes
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from api.deps import KB, BaseURL, DocumentId
from api.schemas import (
    FILTER_422,
    YEAR_RANGE_RULE,
    DocumentList,
    DocumentOut,
    DocumentType,
    error_responses,
)
from api.views import document_out
from kb.errors import DocumentNotFound
from kb.filters import Filters

router = APIRouter(tags=["documents"])
FILE_MEDIA_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text/html",
    "text/markdown",
    "text/plain",
    "application/octet-stream",
)


@router.get("/documents", response_model=DocumentList, responses=error_responses(422, descriptions={422: FILTER_422}))
def list_documents(
    kb: KB,
    base: BaseURL,
    council: Annotated[str | None, Query(max_length=200)] = None,
    year_from: Annotated[
        int | None, Query(ge=1900, le=2100, description=f"Only documents from this year on. {YEAR_RANGE_RULE}")
    ] = None,
    year_to: Annotated[
        int | None, Query(ge=1900, le=2100, description=f"Only documents up to this year. {YEAR_RANGE_RULE}")
    ] = None,
    type: DocumentType | None = None,
    principle: Annotated[int | None, Query(ge=1, le=10)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> DocumentList:
    filters = Filters(principle=principle, council=council, year_from=year_from, year_to=year_to, type=type)
    chosen = [document for document in kb.documents() if filters.accepts_document(document.meta)]
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
    path = kb.stored_file(document)
    if path is None:
        raise DocumentNotFound(f"the file of document {document_id!r} is no longer stored")
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    headers = {
        "Content-Disposition": f'inline; filename="{document_id}{path.suffix}"',
        "X-Content-Type-Options": "nosniff",
    }
    if media == "text/html":
        headers["Content-Security-Policy"] = "sandbox; default-src 'none'; style-src 'unsafe-inline'"
    return FileResponse(path, media_type=media, headers=headers)
