"""Navigation passages: the parts of a document that point elsewhere instead of saying something. A table of
contents, a reading list, acknowledgements or a bare cover is never evidence, so evidence packs leave them out.

`navigation_role` names the kind of navigation a passage is, or None for body text. It is pure (text and heading
path in, a label out), so the same rule labels passages when they are stored (the `role` metadata, "body" for
None) and labels older stored passages when the search snapshot is built (kb/snapshot.py). It reads two things:

- the heading path: a passage under a heading such as "Contents", "Resources and further reading", "References"
  or "Acknowledgements" (at any level, so a "Network publications" subsection of "Resources" counts) belongs to
  that section, and so does a passage whose own first line is such a heading;
- the text, for documents whose headings were not recognised:
  contents: three or more lines ending in page numbers that never go down (or with dotted leaders), or a line of
  five or more increasing page numbers (how a PDF's contents page extracts when the numbers sit in a column);
  references: at least three short items (lines, bullets, or the pieces of a run-on list cut after each link; 40
  words at most) carrying a link, DOI, ISBN or a citation such as "(2021)", which hold half the passage's words;
  acknowledgements: a short passage that opens by thanking people;
  cover: a short passage with a colophon line (ISBN, "© 2024", "All rights reserved", "Designed by …"), or a
  very short one made of title-like lines (a title, a year, a document type) with no sentence in it.

A passage that opens with a table of contents is navigation even when the chunker joined the foreword's first
paragraph to it (a heading starts a new passage only after 40 words): quoted as evidence it would begin with a
list of chapter titles. Headings are matched whole ("Notes on each type" and "About this toolkit" are body
sections), and a link or a page reference in running text ("see page 4", "bit.ly/…" after a paragraph) does not
make a passage navigation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from typing import Literal

Role = Literal["contents", "references", "acknowledgements", "cover"]
ROLES: tuple[Role, ...] = ("contents", "references", "acknowledgements", "cover")

_HEADINGS: dict[Role, re.Pattern[str]] = {
    "contents": re.compile(r"(table of )?contents( page)?|in this (report|document|toolkit|guide)"),
    "references": re.compile(
        r"(resources|references|sources|bibliography|endnotes|links"
        r"|(further|suggested|recommended|additional) (reading|resources|information)|reading list"
        r"|useful (links|resources|reading|contacts|websites)|notes and references)"
        r"( and (further reading|references|resources|links|sources|useful links|contacts))?"
    ),
    "acknowledgements": re.compile(r"acknowledge?ments?|thanks|with thanks|thank you"),
    "cover": re.compile(r"colophon|credits|imprint"),
}
_NUMBERING = re.compile(r"^(?:(?:part|section|chapter|appendix)\s+)?(?:[0-9]+|[a-z]|[ivx]+)?[.):]?\s+", re.I)

_URL = re.compile(
    r"(?<![@\w.-])(?:https?://\S+|www\.\S+"
    r"|(?:[a-z0-9-]+\.)*[a-z0-9-]{2,}\.(?:com|org|net|coop|uk|gov|edu|io|ly|info|eu|int)(?:/\S*)?)(?![\w@])",
    re.I,
)
_CITATION = re.compile(
    r"\bdoi:|\b10\.\d{4,}/|\bISBN\b|\bet al\b|\bvol\.\s*\d|\bpp?\.\s*\d+\s*[-–]\s*\d"
    r"|\((?:[^()]*?,\s*)?(?:19|20)\d{2}[a-z]?\)|,\s*(?:19|20)\d{2}\.?$",
    re.I,
)
_BULLET = re.compile(r"\s*[•◦▪●■►‣]\s*|^\s*(?:[-–*o]|\[\d+\]|\d+\.)\s+")
_DOTTED_ENTRY = re.compile(r"(?:\.\s?){3,}\s*\d{1,3}\s*$|…+\s*\d{1,3}\s*$")
_PAGE_ENTRY = re.compile(r"^(?P<title>[^|:£$€%\d][^|]{1,80}?)(?<![:=£$€])\s+(?P<page>\d{1,3})$")
_PAGE_NUMBER = re.compile(r"\d{1,3}")
_THANKS = re.compile(  # "Thanks to the new lease, …" is not thanking anyone
    "^(?:"
    + "|".join(
        (
            r"we (?:would like|wish|want) to thank",
            r"we are (?:very |most )?grateful to",
            r"we thank",
            r"the authors? (?:would like to )?thanks?",
            r"(?:special |many |sincere )?thanks (?:go )?to (?:all|everyone|the following)",
            r"with (?:special |many |sincere )?thanks",
            r"special thanks",
        )
    )
    + r")\b",
    re.I,
)
_COLOPHON = re.compile(
    r"\bISBN\b|©|\(c\)\s*(?:19|20)\d{2}|\bcopyright\s*(?:©\s*)?(?:19|20)\d{2}|\ball rights reserved\b"
    r"|^(?:designed|design|printed|typeset|photography|illustrations?|cover (?:image|photo)) by\b"
    r"|\bregistered charity (?:no|number)\b|\bcompany (?:no|number|registration)\b"
    r"|\b(?:intentionally|deliberately) left blank\b|\bprinted on (?:\d+% )?recycled paper\b",
    re.I | re.M,
)
_YEAR_LINE = re.compile(r"^(?:(?:19|20)\d{2}(?:\s*[-–/]\s*(?:19|20)?\d{2})?|[A-Z][a-z]+ (?:19|20)\d{2})$")

SHORT_ACKNOWLEDGEMENTS = 80  # words: thanks that open a longer passage are usually the end of a foreword
SHORT_COLOPHON = 100
BARE_COVER = 30
REFERENCE_SHARE = 0.5
REFERENCE_WORDS = 40  # a longer item with a link at its end is a paragraph about something, not a reference


def is_navigation(text: str, heading_path: Sequence[str]) -> bool:
    """Whether a passage is navigation (contents, reading list, acknowledgements, cover), not body text."""
    return navigation_role(text, heading_path) is not None


def navigation_role(text: str, heading_path: Sequence[str]) -> Role | None:
    """The kind of navigation a passage is, or None for body text (see the module docstring for the rules)."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return None
    for heading in [*heading_path, lines[0]]:
        role = heading_role(heading)
        if role is not None:
            return role
    if _is_contents(lines):
        return "contents"
    if _is_reference_list(lines):
        return "references"
    words = len(text.split())
    if words <= SHORT_ACKNOWLEDGEMENTS and _THANKS.match(lines[0]):
        return "acknowledgements"
    if (words <= SHORT_COLOPHON and _COLOPHON.search(text)) or (words <= BARE_COVER and _is_title_page(lines)):
        return "cover"
    return None


def heading_role(heading: str) -> Role | None:
    """The navigation section a heading opens ("7. Further reading:" → references), matched whole."""
    name = _NUMBERING.sub("", heading.strip().lower().replace("&", "and")).strip(" .:;-–—")
    name = " ".join(name.split())
    return next((role for role, pattern in _HEADINGS.items() if pattern.fullmatch(name)), None)


def _is_contents(lines: list[str]) -> bool:
    if sum(bool(_DOTTED_ENTRY.search(line)) for line in lines) >= 3:
        return True
    for line in lines:
        numbers = line.split()
        if len(numbers) >= 5 and all(_PAGE_NUMBER.fullmatch(n) for n in numbers):
            pages = [int(n) for n in numbers]
            if all(a < b for a, b in pairwise(pages)):
                return True
    entries = [m for m in map(_PAGE_ENTRY.match, lines) if m and len(m["title"].split()) <= 12]
    pages = [int(m["page"]) for m in entries]
    return len(entries) >= 3 and len(entries) * 2 >= len(lines) and all(a <= b for a, b in pairwise(pages))


def _items(lines: list[str]) -> list[str]:
    """List items: lines split at bullets, and a run-on list ("Report: bit.ly/a Toolkit: bit.ly/b …") cut after
    each link, so every reference is one item however the PDF joined them."""
    items = []
    for line in lines:
        for piece in _BULLET.split(line):
            start = 0
            links = list(_URL.finditer(piece))
            if len(links) > 1:
                for link in links:
                    items.append(piece[start : link.end()])
                    start = link.end()
            items.append(piece[start:])
    return [item.strip() for item in items if item.strip()]


def _is_reference_list(lines: list[str]) -> bool:
    items = _items(lines)
    references = [
        item for item in items if len(item.split()) <= REFERENCE_WORDS and (_URL.search(item) or _CITATION.search(item))
    ]
    if len(references) < 3:
        return False
    share = sum(len(item.split()) for item in references) / sum(len(item.split()) for item in items)
    return share >= REFERENCE_SHARE


def _is_title_page(lines: list[str]) -> bool:
    """Mostly title-like lines (Title Case or capitals, or a date), no sentence and no table row."""
    if any("|" in line or (len(line.split()) >= 6 and line[-1] in ".!?;") for line in lines):
        return False
    titled = sum(_is_titled(line) for line in lines)
    return titled * 2 > len(lines)


def _is_titled(line: str) -> bool:
    if _YEAR_LINE.match(line) or line.isupper():
        return True
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", line) if len(w) > 3]
    return bool(words) and all(w[0].isupper() for w in words)
