"""The lead council of a document the catalogue does not list, read from its metadata and its cover.

The councils (ingest/data/councils.json) are the network's members and the councils named as project leads or
participants in its packs and project pages, each under the canonical name the catalogue writes, with the other
ways documents write it ("Oldham MBC", "Metropolitan Borough of Oldham"). Names match as whole words, ignoring
case, "&" versus "and", curly apostrophes and "co-op" versus "coop".

Where the lead is looked for, strongest first:

1. The PDF's metadata: author, then subject, then keywords, then title. A bare place name ("Oldham") counts
   only in the author field, where it names who wrote the file; elsewhere a place is as likely a topic.
2. The cover: the opening blocks of the first page (at most `COVER_BLOCKS`, leaving out body-length paragraphs).
   A council is never taken from deeper in the document: a body mentions councils it learns from or works with.

Within one source, a council named right after a lead cue ("Lead:", "Led by", "Lead council", "Lead member")
wins. Councils named after a partner cue ("With:", "Partners:", "in partnership with", "Participating members")
are partners, never the lead, and a council named as a person's affiliation ("Leader of Swindon Borough
Council" under a foreword's signature) is not the document's author. Otherwise, when a source names one to
`MAX_JOINT` councils, the first named is the lead: the catalogue's own convention for a project run jointly with
no lead named (corpus/catalogue.yaml), and the network's joint labs name up to four councils (members' pack 2025,
"Cooperation at the Grassroots", "Arts and Culture for Social Cohesion"). More than `MAX_JOINT` councils is a
compendium of members' work (the Covid-19 case studies name fifteen) with no single lead council, so that
source decides nothing.

The network itself is a lead in the catalogue for its own publications. It is inferred only when no council is
found, and only from a metadata field, a lead cue on the cover or a cover line that is nothing but its name (the
publisher's line), never from the cover merely naming it in a sentence: a council's report carries it too. Its
acronym alone ("CCIN") is not matched, since products and projects carry it ("CCIN Knowledge Base").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.blocks import Block, Extraction

COUNCILS_FILE = Path(__file__).resolve().parent / "data" / "councils.json"
COVER_BLOCKS = 8  # opening blocks of the first page read as the cover
COVER_PARAGRAPH_WORDS = 60  # a longer paragraph on the first page is body text, not a cover line
MAX_JOINT = 4  # more councils than this in one source is a compendium, not a joint project

_LEAD_CUE = re.compile(
    r"\b(?:led by|lead (?:council|member|authority|organisation|partner)s?|lead)\s*[:\-–—]?\s*(?:the\s+)?$"
)
_PARTNER_CUE = re.compile(
    r"\b(?:with\s*:|partners?\s*:|in partnership with|working with|participating (?:members|councils)|"
    r"supported by|delivered by|completed by)"
)


# A council named as a person's affiliation ("Leader of Swindon Borough Council", "Cllr Ann Smith, Oldham Council")
# says who a foreword's writer is, not who wrote the document.
_ROLE_CUE = re.compile(
    r"\b(?:leader|mayor|chair|chairman|chairwoman|chief executive|councillor|cllr|cabinet member|portfolio holder|"
    r"officer|director|head|member)\b[^.;:]{0,40}$"
)


@dataclass(frozen=True)
class Council:
    name: str
    place: str
    aliases: tuple[str, ...]
    network: bool = False


@dataclass(frozen=True)
class Mention:
    council: Council
    start: int
    end: int
    lead: bool  # named right after a lead cue
    partner: bool  # named after a partner cue
    role: bool  # a person's affiliation ("Leader of Oldham Council")
    by_place: bool = False  # a bare place name ("Oldham"), not a council's name


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, "and" for "&", "coop" for "co-op", single spaces; the same length
    mapping is not kept, so positions refer to the normalised text."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("&", " and ")
    text = re.sub(r"\bco-op", "coop", text)
    return re.sub(r"\s+", " ", text).strip()


class CouncilMatcher:
    """Finds councils named in text, in reading order."""

    def __init__(self, councils: list[Council], network: Council | None = None) -> None:
        self.councils = councils
        self.network = network
        strong: dict[str, Council] = {}
        places: dict[str, Council] = {}
        for council in [*councils, *([network] if network else [])]:
            for alias in (council.name, *council.aliases):
                strong.setdefault(normalise(alias), council)
            if council.place:
                places.setdefault(normalise(council.place), council)
        self._strong = strong
        self._places = places
        self._strong_re = _alternation(strong)
        # Strong names first, so "oldham council" is one strong mention, not a place and a word.
        self._with_places_re = _alternation({**places, **strong})

    @classmethod
    def from_file(cls, path: Path = COUNCILS_FILE) -> CouncilMatcher:
        data = json.loads(path.read_text(encoding="utf-8"))
        councils = [
            Council(name=c["name"], place=c.get("place", ""), aliases=tuple(c.get("aliases", [])))
            for c in data["councils"]
        ]
        net = data.get("network")
        network = (
            Council(name=net["name"], place="", aliases=tuple(net.get("aliases", [])), network=True) if net else None
        )
        return cls(councils, network)

    def mentions(self, text: str, places: bool = False) -> list[Mention]:
        """Councils named in `text`, in order. With `places`, a bare place name counts as its council."""
        norm = normalise(text)
        pattern = self._with_places_re if places else self._strong_re
        found: list[Mention] = []
        partner_from = _first_partner_cue(norm)
        for match in pattern.finditer(norm):
            key = match.group(0)
            by_place = key not in self._strong
            council = self._places[key] if by_place else self._strong[key]
            before = norm[max(0, match.start() - 60) : match.start()]
            lead = bool(_LEAD_CUE.search(before))
            partner = not lead and partner_from is not None and match.start() > partner_from
            role = not lead and bool(_ROLE_CUE.search(before))
            found.append(Mention(council, match.start(), match.end(), lead, partner, role, by_place))
        return found


def _alternation(names: dict[str, Council]) -> re.Pattern[str]:
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<![\w'-])(?:" + "|".join(re.escape(n) for n in ordered) + r")(?![\w-])")


def _first_partner_cue(norm: str) -> int | None:
    match = _PARTNER_CUE.search(norm)
    return match.start() if match else None


@lru_cache(maxsize=1)
def default_matcher() -> CouncilMatcher:
    return CouncilMatcher.from_file()


def decide(mentions: list[Mention]) -> Council | None:
    """The lead among one source's mentions (see the module docstring), or None when it does not say."""
    cued = [m.council for m in mentions if m.lead and not m.council.network]
    if cued:
        return cued[0]
    councils = list(dict.fromkeys(m.council for m in mentions if not (m.partner or m.role or m.council.network)))
    if 1 <= len(councils) <= MAX_JOINT:
        return councils[0]
    return None


def cover_blocks(extraction: Extraction) -> list[Block]:
    """The cover: the first page's opening blocks, body-length paragraphs left out."""
    if not extraction.blocks:
        return []
    first_page = extraction.blocks[0].page
    cover = []
    for block in extraction.blocks[:COVER_BLOCKS]:
        if block.page != first_page:
            break
        if block.kind == "paragraph" and len(block.text.split()) > COVER_PARAGRAPH_WORDS:
            continue
        cover.append(block)
    return cover


def infer_lead_council(extraction: Extraction, matcher: CouncilMatcher | None = None) -> str | None:
    """The canonical name of the document's lead council, or None when metadata and cover do not say."""
    matcher = matcher or default_matcher()
    sources: list[list[Mention]] = [
        matcher.mentions(extraction.author or "", places=True),
        matcher.mentions(extraction.subject or ""),
        matcher.mentions(extraction.keywords or ""),
        matcher.mentions(extraction.title or ""),
    ]
    network_named = any(m.council.network for source in sources[:3] for m in source)
    # The cover is one source: a joint project's councils are often on separate lines.
    cover: list[tuple[Block, Mention]] = []
    for block in cover_blocks(extraction):
        # A bare place name on the cover counts only right after a lead cue ("Led by Oldham").
        cover.extend((block, m) for m in matcher.mentions(block.text, places=True) if m.lead or not m.by_place)
    sources.append([m for _, m in cover])
    # The network as the lead, or alone on a cover line (its name as the publisher's, like a logo's text).
    network_named = network_named or any(
        m.council.network and (m.lead or (m.start == 0 and m.end == len(normalise(b.text)))) for b, m in cover
    )
    for mentions in sources:
        council = decide(mentions)
        if council is not None:
            return council.name
    if network_named and matcher.network is not None:
        return matcher.network.name
    return None
