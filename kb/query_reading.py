"""Reading a query for what it asks besides its topic: years ("2023", "since 2020", "2019 to 2021", "before
2018"), a council the index knows ("Kirklees", "what has Oldham done"), and a kind of document named in the
plural ("toolkits", "case studies"). Each becomes a filter, unless the caller already set that filter, and is
reported back (`Reading.found`), so a person sees what was understood and can search without it.

What is read is taken out of the text that is ranked: "2023 reports on housing" ranks "reports on housing"
among 2023 documents. A query that is nothing but a year or a council keeps its text, so there is still
something to rank.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from kb.filters import Filters

_YEAR = r"(199\d|20[0-3]\d)"
_RANGE = re.compile(
    rf"\b(?:between\s+{_YEAR}\s+and\s+|(?:from\s+)?{_YEAR}\s*(?:-|–|to|until)\s*){_YEAR}\b", re.IGNORECASE
)
_SINCE = re.compile(rf"\b(since|from|after|starting)\s+{_YEAR}\b", re.IGNORECASE)
_UNTIL = re.compile(rf"\b(before|until|up to|by)\s+{_YEAR}\b", re.IGNORECASE)
_IN_YEAR = re.compile(rf"\b(?:in\s+|from\s+|of\s+)?{_YEAR}\b(?!\s*(?:-|–|to)\s*\d)", re.IGNORECASE)

# Plural names of the document types (what a person types), to the type each names.
TYPE_WORDS = {
    "toolkits": "toolkit",
    "reports": "report",
    "case studies": "case-study",
    "policy labs": "policy-lab",
    "prototypes": "policy-prototype",
    "policy prototypes": "policy-prototype",
    "members packs": "members-pack",
    "web pages": "web-page",
}
_COUNCIL_WORDS = re.compile(
    r"\b(?:the\s+)?(?:london\s+borough\s+of|royal\s+borough\s+of|city\s+of|metropolitan\s+borough\s+of)\s+"
    r"|\s+(?:metropolitan\s+)?(?:city|borough|county|district|town)?\s*council\b",
    re.IGNORECASE,
)
# Council names that are also everyday words: read only when written with a capital letter.
_EVERYDAY = frozenset({"reading", "bath", "wells", "rugby", "derby", "poole", "sale", "hyde", "worth"})


@dataclass(frozen=True)
class Reading:
    text: str  # what is left to rank
    filters: Filters  # the caller's filters plus what was read
    found: dict[str, Any] = field(default_factory=dict)  # what was read, by filter name (empty: nothing)


def read_query(query: str, filters: Filters, councils: list[str], types: list[str]) -> Reading:
    """`councils` are the council names in the index (lead and partners), `types` the document types in it."""
    text = query
    found: dict[str, Any] = {}
    if filters.year_from is None and filters.year_to is None:
        text, years = _years(text)
        found.update(years)
    if filters.council is None:
        text, council = _council(text, councils)
        if council:
            found["council"] = council
    if filters.type is None:
        text, doc_type = _type(text, types)
        if doc_type:
            found["type"] = doc_type
    text = " ".join(text.split()).strip(" ,.;:-")
    if not found:
        return Reading(query, filters)
    if not re.search(r"\w", text):
        text = query  # nothing left but what was read: rank the whole query
    return Reading(text, replace(filters, **found), found)


def _years(text: str) -> tuple[str, dict[str, int]]:
    """Years up to this one only: a later year ("net zero by 2030") is a target the text talks about, not when
    a document was written."""
    this_year = datetime.date.today().year
    if any(int(y) > this_year for y in re.findall(_YEAR, text)):
        return text, {}
    if match := _RANGE.search(text):
        first, last = sorted(int(year) for year in match.groups() if year)
        return _cut(text, match), {"year_from": first, "year_to": last}
    if match := _SINCE.search(text):
        year = int(match.group(2)) + (match.group(1).lower() == "after")
        return _cut(text, match), {"year_from": year}
    if match := _UNTIL.search(text):
        year = int(match.group(2)) - (match.group(1).lower() == "before")
        return _cut(text, match), {"year_to": year}
    years = list(_IN_YEAR.finditer(text))
    if len(years) == 1:
        year = int(years[0].group(1))
        return _cut(text, years[0]), {"year_from": year, "year_to": year}
    return text, {}


def _council(text: str, councils: list[str]) -> tuple[str, str | None]:
    """The longest known council whose distinctive name ("Kirklees" for "Kirklees Council") is in the query as
    a whole word; the match takes "Council" and the like with it."""
    for name, pattern in _council_patterns(tuple(councils)):
        if match := pattern.search(text):
            return _cut(text, match), name
    return text, None


@lru_cache(maxsize=8)
def _council_patterns(councils: tuple[str, ...]) -> list[tuple[str, re.Pattern[str]]]:
    """Longest name first. Made once per list of councils (it changes only when the index does): building them
    was most of reading a query, which every search does twice (kb.KnowledgeBase.ranked_text, then search)."""
    patterns = []
    for name in sorted({_distinctive(c) for c in councils if c}, key=len, reverse=True):
        if len(name) < 3:
            continue
        flags = 0 if name.lower() in _EVERYDAY else re.IGNORECASE
        council = r"(?i:\s+(?:metropolitan\s+)?(?:city|borough|county|district|town)?\s*council)?"
        patterns.append((name, re.compile(rf"\b{re.escape(name)}(?:'s)?{council}\b", flags)))
    return patterns


def _type(text: str, types: list[str]) -> tuple[str, str | None]:
    for words, doc_type in sorted(TYPE_WORDS.items(), key=lambda item: -len(item[0])):
        if doc_type not in types:
            continue
        if match := re.search(rf"\b{words}\b", text, re.IGNORECASE):
            return _cut(text, match), doc_type
    return text, None


def _distinctive(council: str) -> str:
    """ "Kirklees Council" -> "Kirklees", "London Borough of Lambeth" -> "Lambeth"."""
    return " ".join(_COUNCIL_WORDS.sub(" ", council).split())


def _cut(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " + text[match.end() :]
