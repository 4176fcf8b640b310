"""Admin routes (behind CCIN_API_KEY): upload a PDF with its catalogue fields, delete a document, read the
query log. Uploads go through the same pipeline as `ccin ingest`."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, UploadFile
from pydantic import ValidationError

from api.deps import KB, Admin, AppSettings, BaseURL
from api.routes.documents import DocumentId, document_out
from api.schemas import DocumentOut, DocumentType, ErrorOut
from ccin.errors import InvalidQuery, UnreadableDocument
from ingest.catalogue import Catalogue, document_id_for
from ingest.chunk import ChunkParams
from ingest.pipeline import Ingestor
from kb.passage import DocumentMeta

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Admin],
                   responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut}})
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")


@router.post("/documents", response_model=DocumentOut, status_code=201,
             responses={413: {"model": ErrorOut}, 415: {"model": ErrorOut}, 422: {"model": ErrorOut}})
def upload_document(
    kb: KB,
    settings: AppSettings,
    base: BaseURL,
    file: Annotated[UploadFile, File(description="A PDF (checked by content, not by name).")],
    title: Annotated[str, Form(min_length=1, max_length=300)],
    id: Annotated[str | None, Form()] = None,
    year: Annotated[int | None, Form(ge=1900, le=2100)] = None,
    lead_council: Annotated[str | None, Form(max_length=200)] = None,
    partners: Annotated[str | None, Form(description="Comma-separated.")] = None,
    type: Annotated[DocumentType | None, Form()] = None,
    url: Annotated[str | None, Form(max_length=1000)] = None,
    source_url: Annotated[str | None, Form(max_length=1000)] = None,
) -> DocumentOut:
    limit = int(settings.max_upload_mb * 1024 * 1024)
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"file is larger than the {settings.max_upload_mb:g} MB limit")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise UnreadableDocument("the upload is not a PDF (its content has no %PDF header)")
    document_id = id or document_id_for(_stem(file.filename or title))
    if not _ID_RE.match(document_id):
        raise InvalidQuery(f"invalid document id {document_id!r}: use lower-case letters, digits, '-', '.', '_'")
    if url and not url.startswith(("http://", "https://")):
        raise InvalidQuery("url must start with http:// or https://")
    fields: dict[str, Any] = {
        "id": document_id, "title": title, "year": year, "lead_council": lead_council, "type": type,
        "partners": [p.strip() for p in (partners or "").split(",") if p.strip()], "url": url,
        "source_url": source_url, "file": f"{document_id}.pdf",
    }
    try:
        meta = DocumentMeta(**{k: v for k, v in fields.items() if v not in (None, "")})
    except ValidationError as exc:
        raise InvalidQuery(str(exc.errors()[0]["msg"])) from None
    uploads = kb.data_dir / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    path = (uploads / f"{document_id}.pdf").resolve()
    path.write_bytes(data)
    ingestor = Ingestor(kb, Catalogue({path: meta}),
                        ChunkParams(target_words=settings.chunk_target_words, max_words=settings.chunk_max_words))
    outcome = ingestor.ingest_file(path)
    if outcome.status == "failed":
        path.unlink(missing_ok=True)
        raise UnreadableDocument(outcome.reason)
    kb.save_snapshot()
    return document_out(kb, kb.document(document_id), base)


def _stem(name: str) -> str:
    from pathlib import PurePath

    return PurePath(name).stem or "upload"


@router.delete("/documents/{document_id}", status_code=204, responses={404: {"model": ErrorOut}})
def delete_document(document_id: DocumentId, kb: KB) -> None:
    kb.delete(document_id)
    kb.save_snapshot()


@router.get("/queries")
def query_log(kb: KB, limit: int = 100, zero_results: bool = False) -> dict[str, Any]:
    """Recent searches (no personal data): query, filters, mode, result count, latency."""
    limit = max(1, min(limit, 1000))
    return {"queries": kb.registry.queries(limit, zero_results_only=zero_results)}


