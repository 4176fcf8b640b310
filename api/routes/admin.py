"""Admin routes (behind CCIN_API_KEY): upload a PDF or a Word .docx document with its catalogue fields,
delete a document, read the query log. Uploads go through the same pipeline as `ccin ingest`."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path, PurePath
from typing import Annotated, Any, get_args

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from pydantic import ValidationError, WithJsonSchema

from api.deps import KB, Admin, BaseURL, DocumentId, Options
from api.schemas import DocumentOut, DocumentType, QueryLogOut, error_responses
from api.views import document_out
from ingest.catalogue import Catalogue, checked_url, document_id_for
from ingest.pipeline import Ingestor
from kb.errors import InvalidQuery, UnreadableDocument, UnsupportedFileType
from kb.knowledge_base import KnowledgeBase
from kb.passage import DocumentMeta

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Admin], responses=error_responses(401, 403))
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
# ingest.catalogue.checked_url's rule as a pattern, so the form's schema says what it accepts: http(s), a host
# name (no user part), an optional port, then no white space, quotes or angle brackets.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_ADDRESS = rf"{_LABEL}(?:\.{_LABEL})*(?::[0-9]+)?(?:[/?#][^\s\"'<>`]*)?$"
_URL_PATTERN = rf"^[Hh][Tt][Tt][Pp][Ss]?://{_ADDRESS}"
_SOURCE_URL_PATTERN = rf"^(?:[Hh][Tt][Tt][Pp][Ss]?://)?{_ADDRESS}"


def _sent_as(schema: dict[str, Any]) -> WithJsonSchema:
    """An optional form field's schema as a client sends it: present with a value, or left out. Without this
    the schema would offer `null`, which multipart can only carry as the text "null" (a bad year or type)."""
    return WithJsonSchema(schema)


_UPLOAD_FIELDS = frozenset({"file", "title", "id", "year", "lead_council", "partners", "type", "url", "source_url"})


async def each_field_once(request: Request) -> None:
    """A form field sent twice is refused: FastAPI would keep the last value silently, so the document would be
    stored with a title (or year, or address) its sender may not have meant (found by the API fuzz test)."""
    form = await request.form()  # parsed once; FastAPI reads the same parsed form for the fields
    repeated = sorted({key for key in form if key in _UPLOAD_FIELDS and len(form.getlist(key)) > 1})
    if repeated:
        raise InvalidQuery(f"each form field may be sent once: {', '.join(repeated)} came more than once")


@router.post(
    "/documents",
    response_model=DocumentOut,
    status_code=201,
    responses=error_responses(400, 409, 413, 415, 422),
    dependencies=[Depends(each_field_once)],
)
def upload_document(
    kb: KB,
    options: Options,
    base: BaseURL,
    file: Annotated[UploadFile, File(description="A PDF or a Word .docx document (checked by content, not by name).")],
    title: Annotated[str, Form(min_length=1, max_length=300)],
    id: Annotated[
        str | None,
        Form(description="The document's id (default: from the file's name); answered 422 if it breaks the pattern."),
        _sent_as({"type": "string", "pattern": _ID_RE.pattern}),
    ] = None,
    year: Annotated[
        int | None, Form(ge=1900, le=2100), _sent_as({"type": "integer", "minimum": 1900, "maximum": 2100})
    ] = None,
    lead_council: Annotated[str | None, Form(max_length=200), _sent_as({"type": "string", "maxLength": 200})] = None,
    partners: Annotated[str | None, Form(description="Comma-separated."), _sent_as({"type": "string"})] = None,
    type: Annotated[
        DocumentType | None, Form(), _sent_as({"type": "string", "enum": list(get_args(DocumentType))})
    ] = None,
    url: Annotated[
        str | None,
        Form(max_length=1000, description="An http(s) address."),
        _sent_as({"type": "string", "maxLength": 1000, "pattern": _URL_PATTERN}),
    ] = None,
    source_url: Annotated[
        str | None,
        Form(max_length=1000, description="An http(s) address; without a scheme, https is assumed."),
        _sent_as({"type": "string", "maxLength": 1000, "pattern": _SOURCE_URL_PATTERN}),
    ] = None,
) -> DocumentOut:
    limit = int(options.max_upload_mb * 1024 * 1024)
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"file is larger than the {options.max_upload_mb:g} MB limit")
    suffix = _upload_suffix(data)
    document_id = id or _default_id(file.filename, title)
    if not _ID_RE.match(document_id):
        raise InvalidQuery(f"invalid document id {document_id!r}: use lower-case letters, digits, '-', '.', '_'")
    # The same rules as a catalogue's: an address a page will link to must be http(s).
    url = _checked("url", url)
    source_url = _checked("source_url", source_url, assume_https=True)
    fields: dict[str, Any] = {
        "id": document_id,
        "title": title,
        "year": year,
        "lead_council": lead_council,
        "type": type,
        "partners": [p.strip() for p in (partners or "").split(",") if p.strip()],
        "url": url,
        "source_url": source_url,
        "file": f"{document_id}{suffix}",
    }
    try:
        meta = DocumentMeta(**{k: v for k, v in fields.items() if v not in (None, "")})
    except ValidationError as exc:
        raise InvalidQuery(str(exc.errors()[0]["msg"])) from None
    path = _upload_path(kb, document_id, suffix)
    existing = kb.find_document(document_id)
    if existing is not None and Path(existing.source) not in _upload_paths(kb, document_id):
        raise HTTPException(
            409,
            f"document id {document_id!r} is already used by a document that was not uploaded here; choose another id",
        )
    previous = path.read_bytes() if path.is_file() else None
    # A PDF replaced by a Word document (or the other way round): its upload is set aside while the new one is
    # read, since the pipeline refuses an id whose source file still exists elsewhere.
    aside = [
        (p, p.with_name(p.name + ".replaced")) for p in _upload_paths(kb, document_id) if p != path and p.is_file()
    ]
    for other, kept in aside:
        other.replace(kept)
    path.write_bytes(data)
    ingestor = Ingestor(kb, Catalogue({path: meta}), options.chunk, options.extraction_budget, options.extract_options)
    outcome = ingestor.ingest_file(path)
    if outcome.status == "failed":
        # Put back what was there: a failed replacement must not take the current upload's source with it.
        if previous is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(previous)
        for other, kept in aside:
            kept.replace(other)
        raise UnreadableDocument(outcome.reason)
    for other, kept in aside:
        kept.unlink(missing_ok=True)
        kb.file_path_for(document_id, other.suffix).unlink(missing_ok=True)  # the index's copy of it too
    kb.save_snapshot()
    return document_out(kb, kb.document(document_id), base)


def _default_id(filename: str | None, title: str) -> str:
    """From the uploaded file's own name (never a directory part a client sent), else from the title."""
    stem = PurePath((filename or "").replace("\\", "/")).stem or title
    return document_id_for(Path(stem.replace("/", " ") + ".pdf"))


def _upload_suffix(data: bytes) -> str:
    """The suffix the upload is stored under, by its content: .pdf for a %PDF header, .docx for a zip package
    holding a Word document."""
    if data.lstrip()[:5].startswith(b"%PDF"):
        return ".pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return ".docx"
        except (zipfile.BadZipFile, OSError, ValueError):
            pass
    raise UnsupportedFileType(
        "the upload is not a PDF (its content has no %PDF header) nor a Word .docx document (a zip package "
        "holding word/document.xml)"
    )


def _upload_path(kb: KnowledgeBase, document_id: str, suffix: str = ".pdf") -> Path:
    uploads = kb.data_dir / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    return (uploads / f"{document_id}{suffix}").resolve()


def _upload_paths(kb: KnowledgeBase, document_id: str) -> list[Path]:
    return [_upload_path(kb, document_id, suffix) for suffix in (".pdf", ".docx")]


@router.delete("/documents/{document_id}", status_code=204, responses=error_responses(404, 422))
def delete_document(document_id: DocumentId, kb: KB) -> None:
    document = kb.document(document_id)
    kb.delete(document_id)
    kb.save_snapshot()
    if Path(document.source) in _upload_paths(kb, document_id):
        Path(document.source).unlink(missing_ok=True)  # a deleted upload leaves no copy behind


@router.get("/queries", response_model=QueryLogOut, responses=error_responses(422))
def query_log(
    kb: KB,
    limit: Annotated[int, Query(ge=1, le=1000, description="How many, newest first.")] = 100,
    zero_results: Annotated[bool, Query(description="Only searches that found nothing.")] = False,
) -> QueryLogOut:
    """Recent searches (no personal data): query, filters, mode, result count, latency."""
    return QueryLogOut.model_validate({"queries": kb.recent_queries(limit, zero_results_only=zero_results)})


def _checked(field: str, value: str | None, assume_https: bool = False) -> str | None:
    if not value:
        return None
    try:
        return checked_url(value, assume_https=assume_https)
    except ValueError as exc:
        raise InvalidQuery(f"{field}: {exc}") from None
