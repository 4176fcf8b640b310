"""Declared and found, side by side: where a document's text disagrees with the principles the network declared
for it. Network staff use the list to check a declaration, or to find evidence a project page leaves out.

Two kinds of disagreement, both read from what ingest stored (kb.passage.DocumentPrinciple):
- declared, but no passage of the document is tagged with the principle;
- not declared, but a passage shows it strongly (scores at least halfway from the tag threshold to 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.passage import IndexedDocument


@dataclass(frozen=True)
class DeclaredVersusFound:
    document_id: str
    title: str
    declared: list[int]
    met: list[int]  # the document model's verdict
    declared_without_evidence: list[int]
    evidenced_not_declared: list[int]

    @property
    def disagrees(self) -> bool:
        return bool(self.declared_without_evidence or self.evidenced_not_declared)


def compare(document: IndexedDocument) -> DeclaredVersusFound | None:
    """None when the catalogue declares nothing for the document (there is nothing to compare with)."""
    declared = document.meta.principles_declared
    if declared is None:
        return None
    found = {p.id: p for p in document.principles}
    return DeclaredVersusFound(
        document_id=document.meta.id,
        title=document.meta.title,
        declared=list(declared),
        met=[p.id for p in document.principles if p.met],
        declared_without_evidence=[pid for pid in declared if pid in found and found[pid].tagged_passages == 0],
        evidenced_not_declared=[
            p.id for p in document.principles if p.id not in declared and p.tagged_passages and p.strongly_evidenced
        ],
    )


def disagreements(documents: list[IndexedDocument]) -> tuple[int, list[DeclaredVersusFound]]:
    """How many documents have a declared list, and those whose text disagrees with it (most disagreements first)."""
    compared = [c for c in (compare(d) for d in documents) if c is not None]
    disagreeing = [c for c in compared if c.disagrees]
    disagreeing.sort(key=lambda c: (-(len(c.declared_without_evidence) + len(c.evidenced_not_declared)), c.document_id))
    return len(compared), disagreeing
