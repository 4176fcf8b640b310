"""Passage roles: what part of a document a passage is. Navigation (contents, reading lists, acknowledgements,
covers: kb/navigation.py) points elsewhere and is left out of search by default; the rest is content, of four
kinds a reader may want to ask for by name:

- `case_study`: one named council's or organisation's project told as a story (what they did, where, what came
  of it): under a heading such as "Case study: …", "Case studies", "Worked example: …", "… in focus", "At a
  glance: Hull", or a heading that names a place or council and its project ("Oldham Council: a care
  consortium", "Hull: the PPE Hub", "Stevenage"), and every passage below such a heading;
- `recommendation`: what the document advises someone to do: under "Recommendations" (or "… for councils"),
  "Lessons for …", "Practical steps for …", "What councils should do", or text that recommends in so many words
  ("we recommend", three or more "councils should");
- `introduction`: a foreword, preface, introduction, executive summary or "About this document", and the
  opening passage of a document before its first section (title page, lede);
- `body`: everything else.

`passage_role` is pure (text, heading path and ordinal in, a label out), like `navigation_role`, so ingest stores
it as the passage's `role` metadata and the search snapshot recomputes it for passages stored under an older
rule (`ROLE_RULE`, stored beside it as `role_rule`; ingest's fingerprint includes it, so a rule change
re-ingests). Headings are read deepest first: the nearest heading that names a role decides. Tuned on the dev
documents of evaluations/data/roles.jsonl, scored on its test documents (`python -m evaluations --only roles`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from kb import navigation
from kb.navigation import navigation_role

ContentRole = Literal["body", "case_study", "recommendation", "introduction"]
CONTENT_ROLES: tuple[str, ...] = ("body", "case_study", "recommendation", "introduction")
NAVIGATION_ROLES: tuple[str, ...] = navigation.ROLES
ROLES: tuple[str, ...] = (*CONTENT_ROLES, *NAVIGATION_ROLES)
# Bump when the rule changes what it labels: stored roles of another rule are recomputed when the snapshot is
# built, and the ingest fingerprint changes so files are re-ingested.
ROLE_RULE = "2"

_NUMBERING = re.compile(r"^(?:(?:part|section|chapter|appendix)\s+)?(?:[0-9]+|[a-z]|[ivx]+)?[.):]?\s+", re.I)
_INTRODUCTION = re.compile(
    r"forewords?|preface|introduction|intro|executive summary|summary|overview|welcome"
    r"|about (?:this|the) (?:document|report|toolkit|guide|publication|paper|briefing|pack|lab|project)"
    r"|(?:a )?(?:word|message|note) from (?:the |our )?.{2,60}"
)
_RECOMMENDATION = re.compile(
    r"(?:our |key |main |summary of |the )?recommendations?(?: (?:for|to) .{2,60})?"
    r"|(?:key )?lessons (?:for|to) .{2,60}|(?:practical )?(?:next )?steps for .{2,60}|next steps"
    r"|what (?:councils|the council|you|government|the network|we) (?:should|can|could|must) do(?: .{0,40})?"
    r"|calls? to action|what needs to happen(?: .{0,40})?|our asks?(?: .{0,40})?"
)
_CASE_STUDY = re.compile(
    r"(?:case stud(?:y|ies)|worked examples?|examples? from .{2,60}|(?:\w+ )?in focus|spotlight|at a glance"
    r"|what we heard from|profile|project profile|vignette)(?:\s*(?:[:,–—-]|from|in|of).*)?"
)
_COUNCIL = re.compile(
    r"^(?:[A-Z][\w'’.-]*\s+(?:and\s+|upon\s+|on\s+|of\s+)?){1,5}"
    r"(?:City|Borough|District|County|Town|Parish|Metropolitan Borough)?\s*Council\b"
)
# The first word of "X: y" headings that are parts of a document, not places ("Step 2: …", "Myth 4: …").
_GENERIC_WORDS = """a an the our your their this these what why how who when where which step steps part parts myth
    myths card cards pilot pilots finding findings lever levers method methods methodology context problem challenge
    case worked appendix annex stage stages phase phases theme themes section chapter module modules option options
    principle principles question questions lesson lessons tool tools table figure box note notes key aim aims goal
    goals objective objectives route routes recommendation recommendations example examples strand strands day days
    week weeks year years lab project programme program fund funding risk risks part one two three four five six
    seven eight nine ten first second third fourth fifth next summary background introduction foreword conclusion
    conclusions glossary definition definitions quick checklist template issue issues area areas tier priority
    priorities test tests model models evidence results outcome outcomes impact data pillar pillars sources
    resources further useful more"""
_GENERIC = frozenset(_GENERIC_WORDS.split())
_PLACE_HEADING = re.compile(r"^(?P<place>[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|and|upon|on|of|the)){0,3})\s*:\s+\S")
_COUNCIL_AFTER = r"(?:\s+(?:City|Borough|District|County|Town|Parish|Metropolitan Borough))?\s+Council\b"
_BARE_PLACE = re.compile(r"^[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,2}$")
_RECOMMENDS = re.compile(r"\bwe (?:strongly )?recommend\b|\bwe urge\b", re.I)
_SHOULD = re.compile(
    r"\b(?:councils?|authorities|government|the network|commissioners|members|member councils|officers)"
    r"\s+should\b",
    re.I,
)
SHOULD_CUES = 3


def passage_role(text: str, heading_path: Sequence[str], ordinal: int | None = None) -> str:
    """The passage's role: a navigation kind, else a content kind (see the module docstring)."""
    navigation = navigation_role(text, heading_path)
    if navigation is not None:
        return navigation
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return "body"
    for heading in reversed([*heading_path, lines[0]] if lines[0] not in heading_path else list(heading_path)):
        role = content_heading_role(heading, text)
        if role is not None:
            return role
    if _RECOMMENDS.search(text) or len(_SHOULD.findall(text)) >= SHOULD_CUES:
        return "recommendation"
    if ordinal == 0 and len(heading_path) <= 1:
        return "introduction"  # the opening of a document before its first section: title page, lede
    return "body"


def content_heading_role(heading: str, text: str = "") -> str | None:
    """The content role a heading opens, or None; `text` (the passage under it) confirms that a heading such as
    "Hull: the PPE Hub" or "Stevenage" names a place whose story follows."""
    raw = " ".join(heading.split()).strip()
    if not raw or navigation.heading_role(raw) is not None:
        return None
    name = _NUMBERING.sub("", raw.lower().replace("&", "and")).strip(" .:;-–—")
    if _INTRODUCTION.fullmatch(name):
        return "introduction"
    if _RECOMMENDATION.fullmatch(name):
        return "recommendation"
    if _CASE_STUDY.fullmatch(name) or _COUNCIL.match(raw):
        return "case_study"
    if _names_a_place(raw, text):
        return "case_study"
    return None


def _names_a_place(heading: str, text: str) -> bool:
    """ "Hull: the PPE Hub" (a proper name, then its project) or a bare "North Hertfordshire", when the passage
    names the place again below the heading; "Step 2: …" and "Part One: …" are parts, not places."""
    match = _PLACE_HEADING.match(heading)
    place = match["place"] if match else (heading if _BARE_PLACE.match(heading) else None)
    if place is None or any(ch.isdigit() for ch in place):
        return False
    words = place.split()
    if words[0].lower() in _GENERIC or words[-1].lower() in _GENERIC:
        return False
    if match is None and not re.search(re.escape(place) + _COUNCIL_AFTER, text):
        return False  # a bare heading ("Policy", "Stevenage") counts only when the text names that council
    below = text.split(heading, 1)[1] if heading in text else text
    return place in below


_ASKS: dict[str, re.Pattern[str]] = {
    "case_study": re.compile(
        r"\b(?:has (?:any|a|one) (?:council|authority|one)|has anyone|have any (?:councils?|authorities)"
        r"|(?:councils?|authorities) (?:that|doing|who|which|piloting|offering|using|running)|examples? of|who has)\b",
        re.I,
    ),
    "recommendation": re.compile(
        r"\b(?:recommend\w*|should|lessons|advice|how (?:to|can|should|do)|what to)\b",
        re.I,
    ),
}


def asked_roles(query: str) -> frozenset[str]:
    """The kinds of passage a query asks for in so many words: "has any council tried …" asks for case studies,
    "… recommendations", "what should we check", "lessons for …" for recommendations (search weighs them up,
    kb/fusion.Rerank; it never filters on them)."""
    return frozenset(role for role, pattern in _ASKS.items() if pattern.search(query))
