"""GET /principles: the ten, with descriptions and how many passages and documents carry each; and
GET /principles/declared-vs-found: documents whose text disagrees with the principles declared for them."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import KB
from api.schemas import DeclaredVersusFoundOut, PrincipleSummary
from api.views import declared_versus_found, principle_summaries

router = APIRouter(tags=["principles"])


@router.get("/principles", response_model=list[PrincipleSummary])
def list_principles(kb: KB) -> list[PrincipleSummary]:
    return principle_summaries(kb)


@router.get("/principles/declared-vs-found", response_model=DeclaredVersusFoundOut)
def get_declared_versus_found(kb: KB) -> DeclaredVersusFoundOut:
    """Documents where the text shows no evidence for a declared principle, or strong evidence for one that is
    not declared (only documents whose catalogue entry gives `principles_declared` are checked)."""
    return declared_versus_found(kb)
