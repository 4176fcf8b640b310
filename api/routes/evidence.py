"""GET /evidence: an evidence pack for one principle (optionally on a topic): JSON, Markdown, CSV or Word."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api import exports
from api.deps import KB, BaseURL, RateLimited
from api.routes.principles import principle_summaries
from api.schemas import EvidenceGroup, EvidenceItem, EvidenceResponse, clean_text, error_responses
from kb.evidence import evidence

router = APIRouter(tags=["evidence"])
MEDIA = {
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

EXPORTERS: dict[str, Callable[[EvidenceResponse], str | bytes]] = {
    "md": exports.to_markdown,
    "csv": exports.to_csv,
    "docx": exports.to_docx,
}


@router.get(
    "/evidence",
    response_model=EvidenceResponse,
    dependencies=[RateLimited],
    responses={200: {"content": {m: {} for m in MEDIA.values()}}, **error_responses(422, 429)},
)
def get_evidence(
    kb: KB,
    base: BaseURL,
    principle: Annotated[int, Query(ge=1, le=10, description="Principle id, 1–10.")],
    q: Annotated[str | None, Query(max_length=500, description="Optional topic.")] = None,
    format: Literal["json", "md", "csv", "docx"] = "json",
) -> EvidenceResponse | Response:
    topic = clean_text(q) if q else None
    summary = next(p for p in principle_summaries(kb) if p.id == principle)
    groups = [
        EvidenceGroup(
            document_id=g.document_id,
            title=g.title,
            lead_council=g.lead_council,
            year=g.year,
            passages=[
                EvidenceItem(passage_id=p.passage_id, text=p.text, score=p.score, citation=p.citation)
                for p in g.passages
            ],
        )
        for g in evidence(kb, principle, topic or None, base)
    ]
    pack = EvidenceResponse(principle=summary, query=topic or None, groups=groups)
    if format == "json":
        return pack
    body: str | bytes = EXPORTERS[format](pack)
    disposition = f'attachment; filename="{exports.filename(pack, format)}"'
    return Response(body, media_type=MEDIA[format], headers={"Content-Disposition": disposition})
