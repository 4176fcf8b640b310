"""Text repair shared by the extractors: rejoining hard-wrapped lines, undoing end-of-line hyphenation,
spotting page numbers and running headers/footers.

Dehyphenation rule: a line ending in "word-" followed by a line starting with a lower-case "rest" is one word.
Keep the hyphen when the document elsewhere writes "word-rest", or when "word" is a common hyphenating prefix
(co-, non-, self-, ...); drop it when the document elsewhere writes "wordrest" or by default, since typesetters
break unhyphenated words far more often than they break at a real hyphen.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

BULLET_RE = re.compile(r"^\s*(?:[•●▪◦‣∙·\-–*]|\d{1,2}[.)])\s+")
PAGE_NUMBER_RE = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.IGNORECASE)
_HYPHEN_PREFIXES = {
    "co",
    "non",
    "self",
    "cross",
    "anti",
    "multi",
    "pre",
    "post",
    "inter",
    "micro",
    "semi",
    "well",
}
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z][A-Za-z'’]*)*")
_TAIL = 120  # longer than any word a line break splits
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")


def vocabulary(lines: Iterable[str]) -> Counter[str]:
    """Lower-cased words (hyphenated compounds kept whole) with counts, to settle hyphenation questions.
    The two fragments around a line-end hyphen are left out: they are the question, not the evidence."""
    counts: Counter[str] = Counter()
    previous_hyphenated = False
    for line in lines:
        words = [w.lower() for w in _WORD_RE.findall(line)]
        hyphenated = line.rstrip().endswith("-")
        if previous_hyphenated and words:
            words = words[1:]
        if hyphenated and words:
            words = words[:-1]
        counts.update(words)
        previous_hyphenated = hyphenated
    return counts


def normalise_spaces(text: str) -> str:
    return _SPACES_RE.sub(" ", text).strip()


def join_lines(lines: list[str], vocab: Counter[str] | None = None) -> str:
    """Rejoin hard-wrapped lines into one paragraph, undoing hyphenation at line ends.

    Linear in the paragraph's length: the pieces are collected in a list and each line-end question is asked
    of the joined text's last `_TAIL` characters only (the word broken at the line end), never of all of it."""
    vocab = vocab if vocab is not None else Counter()
    parts: list[str] = []
    tail = ""  # the joined text's last _TAIL characters
    for raw in lines:
        line = normalise_spaces(raw)
        if not line:
            continue
        if not parts:
            joiner = ""
        elif not tail.endswith("-"):
            joiner = " "
        elif re.search(r"[0-9]-$", tail) and re.match(r"[A-Za-z0-9]", line):
            joiner = ""  # "20-" + "year": a break after a real hyphen
        else:
            match = re.search(r"([A-Za-z][A-Za-z'’-]*)-$", tail)
            first_word = re.match(r"[a-z][A-Za-z'’-]*", line)
            if match and first_word:
                if not _keep_hyphen(match.group(1), first_word.group(0), vocab):
                    parts[-1] = parts[-1][:-1]
                    tail = tail[:-1]
                joiner = ""
            else:
                joiner = " "
        parts.append(joiner + line)
        tail = (tail + joiner + line)[-_TAIL:]
    return "".join(parts)


def _keep_hyphen(head: str, tail: str, vocab: Counter[str]) -> bool:
    tail_word = re.match(r"[A-Za-z'’]+", tail)
    tail_part = tail_word.group(0) if tail_word else tail
    joined = (head + tail_part).lower()
    hyphenated = (head + "-" + tail_part).lower()
    if vocab[hyphenated] > vocab[joined]:
        return True
    if vocab[joined] > 0:
        return False
    if "-" in head or "-" in tail:  # "co-op-" / "step-" + "by-step": the break is at an existing hyphen
        return True
    if head.lower() in _HYPHEN_PREFIXES:
        return True
    # Both halves are words this document uses on their own ("three-quarters", "community-led"): a compound.
    last = head.lower().split("-")[-1]
    return len(last) >= 3 and len(tail_part) >= 3 and vocab[last] > 0 and vocab[tail_part.lower()] > 0


def margin_signature(text: str) -> str:
    """A line's identity for running header/footer detection: case, digits and spacing ignored."""
    return re.sub(r"\d+", "#", normalise_spaces(text).lower())


def repeated_signatures(pages: list[list[str]], min_share: float = 0.5) -> set[str]:
    """Signatures of margin lines that recur on at least `min_share` of the pages (and on 3 or more)."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({margin_signature(line) for line in lines})
    needed = max(3, int(len(pages) * min_share + 0.5))
    return {sig for sig, count in counts.items() if count >= needed and sig}


def is_page_number(text: str) -> bool:
    """A line that is only a page number ("7", "Page 7", "7 of 24"); a bare year such as "2025" is not."""
    return bool(PAGE_NUMBER_RE.match(text)) and not re.fullmatch(r"\s*(19|20)\d\d\s*", text)


def ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.!?:;)\"”’]\s*$", text))
