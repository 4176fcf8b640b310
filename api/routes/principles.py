"""GET /principles: the ten, with descriptions and how many passages and documents carry each; and
GET /principles/declared-vs-found: documents whose text disagrees with the principles declared for them."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import KB
from api.schemas import DeclaredVersusFoundItem, DeclaredVersusFoundOut, PrincipleRef, PrincipleSummary
from kb.declared import disagreements
from kb.knowledge_base import KnowledgeBase
from kb.principles import NAMES, load_principles

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
            documents_met=stats[p.id].documents_met,
        )
        for p in load_principles()
    ]


@router.get("/principles", response_model=list[PrincipleSummary])
def list_principles(kb: KB) -> list[PrincipleSummary]:
    return principle_summaries(kb)


def declared_versus_found(kb: KnowledgeBase) -> DeclaredVersusFoundOut:
    checked, disagreeing = disagreements(kb.registry.all())

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


@router.get("/principles/declared-vs-found", response_model=DeclaredVersusFoundOut)
def get_declared_versus_found(kb: KB) -> DeclaredVersusFoundOut:
    """Documents where the text shows no evidence for a declared principle, or strong evidence for one that is
    not declared (only documents whose catalogue entry gives `principles_declared` are checked)."""
    return declared_versus_found(kb)
