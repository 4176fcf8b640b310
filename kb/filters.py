"""Search filters and the row mask they select. Applied inside each retriever before fusion, so a filtered
query still returns k results whenever k passages match.

`role` selects passages by what they are (kb/roles.py): "body" (the default) leaves contents pages, reading
lists, acknowledgements and covers out, since they point elsewhere instead of answering, and keeps every kind of
content (plain body text, case studies, recommendations, introductions); "navigation" keeps only navigation, a
single role name ("case_study", "contents", …) only that kind, and "any" every passage."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from kb.errors import InvalidQuery
from kb.principles import principle_name
from kb.roles import NAVIGATION_ROLES

ROLE_CHOICES = ("body", "navigation", "any", "case_study", "recommendation", "introduction", *NAVIGATION_ROLES)
DEFAULT_ROLE = "body"

if TYPE_CHECKING:
    from kb.passage import DocumentMeta
    from kb.snapshot import Snapshot


@dataclass(frozen=True)
class Filters:
    principle: int | None = None
    council: str | None = None  # case-insensitive substring of the lead council or a partner
    year_from: int | None = None
    year_to: int | None = None
    type: str | None = None
    document_id: str | None = None
    role: str = DEFAULT_ROLE

    def __post_init__(self) -> None:
        if self.role not in ROLE_CHOICES:
            raise InvalidQuery(f"unknown role {self.role!r}: use one of {', '.join(ROLE_CHOICES)}")
        if self.principle is not None:
            principle_name(self.principle)
        if self.year_from is not None and self.year_to is not None and self.year_from > self.year_to:
            raise InvalidQuery(f"year_from ({self.year_from}) is after year_to ({self.year_to})")

    def is_empty(self) -> bool:
        """Whether every row passes (no filter set and every role admitted)."""
        return self.role == "any" and all(value is None for key, value in asdict(self).items() if key != "role")

    def as_dict(self) -> dict[str, Any]:
        """The filters that were set; the default role is left out, so an unfiltered search says `{}`."""
        return {
            key: value
            for key, value in asdict(self).items()
            if value is not None and not (key == "role" and value == DEFAULT_ROLE)
        }

    def accepts_document(self, meta: DocumentMeta) -> bool:
        """Whether a document passes the council, year, type and document filters by its own metadata, with
        the same meaning `mask` gives them per passage (GET /documents lists documents this way; a principle
        belongs to passages, so it is checked against the table there)."""
        councils = "\n".join(c for c in [meta.lead_council, *meta.partners] if c).lower()
        year = meta.year if meta.year is not None else -1
        return (
            (self.council is None or self.council.strip().lower() in councils)
            and (self.year_from is None or year >= self.year_from)
            and (self.year_to is None or 0 <= year <= self.year_to)
            and (self.type is None or meta.type == self.type)
            and (self.document_id is None or meta.id == self.document_id)
        )

    def mask(self, table: Snapshot) -> np.ndarray | None:
        """Boolean row mask, or None when nothing is filtered."""
        if self.is_empty():
            return None
        mask = np.ones(len(table), dtype=bool)
        if self.role != "any":
            mask &= table.with_role(self.role)
        if self.principle is not None:
            mask &= table.tagged_with(self.principle)
        if self.year_from is not None:
            mask &= table.year >= self.year_from
        if self.year_to is not None:
            mask &= (table.year <= self.year_to) & (table.year >= 0)
        if self.type is not None:
            mask &= table.doc_type == self.type
        if self.document_id is not None:
            mask &= table.document_id == self.document_id
        if self.council is not None:
            needle = self.council.strip().lower()
            mask &= np.fromiter((needle in c for c in table.councils), dtype=bool, count=len(table))
        return mask
