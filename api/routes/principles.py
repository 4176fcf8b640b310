"""GET /principles: the ten, with descriptions and how many passages and documents carry each."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import KB
from api.schemas import PrincipleSummary
from kb.index import KnowledgeBase
from kb.principles import load_principles

router = APIRouter(tags=["principles"])


def principle_summaries(kb: KnowledgeBase) -> list[PrincipleSummary]:
    stats = kb.principle_stats()
    return [
        PrincipleSummary(
            id=p.id,
            name=p.name,
            description=p.description,
            passage_count=stats[p.id].passage_count,
            document_count=stats[p.id].document_count,
        )
        for p in load_principles()
    ]


@router.get("/principles", response_model=list[PrincipleSummary])
def list_principles(kb: KB) -> list[PrincipleSummary]:
    return principle_summaries(kb)
