"""What a search lists: its candidate passages (kb/retrieve.py `Retriever.candidates`) as cards, one per
passage or one per document, in relevance or newest-first order. Totals, facets and pages are all read from
this one list, so a page, the total and the counts always agree.

With `group="document"` each document gives one card: its best passage, with up to `MORE_PER_DOCUMENT` more of
its passages (in rank order, so never scoring higher) shown beneath, so one long report cannot fill a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.errors import InvalidQuery
from kb.retrieve import Hit
from kb.snapshot import Snapshot

GROUPS = ("passage", "document")
SORTS = ("relevance", "newest")
MORE_PER_DOCUMENT = 2


@dataclass
class Card:
    """One listed result: `hit` is shown; `more` are further passages of its document shown beneath it
    (group=document only); `rows` are every candidate row the card stands for (what facets count)."""

    hit: Hit
    more: list[Hit] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


def listing(table: Snapshot, hits: list[Hit], group: str = "passage", sort: str = "relevance") -> list[Card]:
    """`hits` (best first) as cards, grouped and sorted; newest sorts by year descending (documents without a
    year last), keeping relevance order within a year."""
    if group not in GROUPS:
        raise InvalidQuery(f"unknown group {group!r}: use one of {', '.join(GROUPS)}")
    if sort not in SORTS:
        raise InvalidQuery(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    cards = [Card(h, [], [h.row]) for h in hits] if group == "passage" else _by_document(table, hits)
    if sort == "newest":
        cards.sort(key=lambda card: -int(table.year[card.hit.row]))
    return cards


def page(cards: list[Card], offset: int, k: int) -> list[Card]:
    """The k cards from `offset` (0-based); past the end, none."""
    if offset < 0:
        raise InvalidQuery(f"offset must not be negative (got {offset})")
    return cards[offset : offset + k]


def _by_document(table: Snapshot, hits: list[Hit]) -> list[Card]:
    cards: dict[str, Card] = {}
    for hit in hits:
        document_id = str(table.document_id[hit.row])
        card = cards.get(document_id)
        if card is None:
            cards[document_id] = Card(hit, [], [hit.row])
            continue
        card.rows.append(hit.row)
        if len(card.more) < MORE_PER_DOCUMENT:
            card.more.append(hit)
    return list(cards.values())
