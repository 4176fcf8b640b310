"""Facet counts: how the listed results of a search divide by principle, lead council, year, type and passage
role (a card's own passage: body, case_study, recommendation, …; kb/roles.py), so a reader sees where the answers
lie before narrowing.

They count the search's candidate set: every card `listing` makes from `Retriever.candidates` (the `total`
of the response), not only the page shown. A card is a passage, or with group=document a document, which
counts once for each principle any of its candidate passages is tagged with. Searching again with one of these
values as a filter gives at least that many results: every counted card passes the filter, and the
retrievers then rank within the filtered rows, so they can reach passages this query ranked too deep to list.
(The council filter also matches partner councils and parts of names, so it may find more still.)
"""

from __future__ import annotations

from collections import Counter
from typing import TypeVar

from pydantic import BaseModel, Field

from kb.listing import Card
from kb.principles import NAMES
from kb.snapshot import Snapshot

T = TypeVar("T", int, str)


class FacetCount(BaseModel):
    value: int | str
    count: int
    label: str | None = Field(default=None, description="A readable name for the value (principles only).")


class Facets(BaseModel):
    principle: list[FacetCount] = Field(default_factory=list)
    council: list[FacetCount] = Field(default_factory=list, description="Lead council.")
    year: list[FacetCount] = Field(default_factory=list)
    type: list[FacetCount] = Field(default_factory=list)
    role: list[FacetCount] = Field(
        default_factory=list, description="The role of each card's passage (body, case_study, recommendation, …)."
    )


def count_facets(table: Snapshot, cards: list[Card]) -> Facets:
    """Counts over `cards`, most common first (ties by value; years newest first)."""
    principles: Counter[int] = Counter()
    councils: Counter[str] = Counter()
    years: Counter[int] = Counter()
    types: Counter[str] = Counter()
    roles: Counter[str] = Counter(str(table.role[card.hit.row]) for card in cards)
    for card in cards:
        meta = table.metas[card.hit.row]
        principles.update({int(p) for row in card.rows for p in table.metas[row].get("principles") or []})
        if meta.get("lead_council"):
            councils[str(meta["lead_council"])] += 1
        if int(table.year[card.hit.row]) >= 0:
            years[int(table.year[card.hit.row])] += 1
        if meta.get("type"):
            types[str(meta["type"])] += 1
    return Facets(
        principle=[FacetCount(value=p, count=n, label=NAMES[p]) for p, n in _ordered(principles)],
        council=[FacetCount(value=c, count=n) for c, n in _ordered(councils)],
        year=[FacetCount(value=y, count=n) for y, n in sorted(years.items(), key=lambda item: -item[0])],
        type=[FacetCount(value=t, count=n) for t, n in _ordered(types)],
        role=[FacetCount(value=r, count=n) for r, n in _ordered(roles)],
    )


def _ordered(counts: Counter[T]) -> list[tuple[T, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
