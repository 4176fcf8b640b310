"""GET /evidence: an evidence pack for one principle (optionally on a topic, under the search filters): JSON,
Markdown, CSV or Word."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api import exports
from api.deps import KB, BaseURL, RateLimited
from api.results import citation
from api.schemas import FILTER_422, EvidenceGroup, EvidenceItem, EvidenceQuery, EvidenceResponse, error_responses
from api.views import principle_summaries
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
    responses={
        200: {"content": {m: {} for m in MEDIA.values()}},
        **error_responses(404, 422, 429, descriptions={422: FILTER_422}),
    },
)
def get_evidence(params: Annotated[EvidenceQuery, Query()], kb: KB, base: BaseURL) -> EvidenceResponse | Response:
    """The strongest passages for a principle (on a topic, if given) under the same filters as /search, grouped
    by project; navigation passages (contents, reading lists) are never included."""
    filters = params.filters()
    if params.document is not None:
        kb.document(params.document)  # an unknown id is a mistake to report, as /search does
    urls = kb.document_urls()
    summary = next(p for p in principle_summaries(kb) if p.id == params.principle)
    groups = [
        EvidenceGroup(
            document_id=g.document_id,
            title=g.title,
            lead_council=g.lead_council,
            year=g.year,
            passages=[
                EvidenceItem(
                    passage_id=p.passage_id,
                    text=p.text,
                    score=p.score,
                    citation=citation(p.meta, urls.get(g.document_id), base),
                    ocr=bool(p.meta.get("ocr", False)),
                )
                for p in g.passages
            ],
        )
        for g in evidence(kb, filters, params.q, limit=params.limit)
    ]
    pack = EvidenceResponse(principle=summary, query=params.q, filters=filters.as_dict(), groups=groups)
    if params.format == "json":
        return pack
    body: str | bytes = EXPORTERS[params.format](pack)
    disposition = f'attachment; filename="{exports.filename(pack, params.format)}"'
    return Response(body, media_type=MEDIA[params.format], headers={"Content-Disposition": disposition})
