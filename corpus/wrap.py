"""Line breaking for the sample PDFs: greedy word wrap with report-style hyphenation.

Kept apart from the PDF layout because it only needs a width-measuring function, not a page, so the
breaking rules (syllable-like cuts, existing hyphens, over-long tokens) can be read and tested on their own.
"""

from __future__ import annotations

from collections.abc import Callable

_VOWELS = frozenset("aeiouy")
_ONSETS = frozenset(
    {
        *("bl", "br", "ch", "cl", "cr", "dr", "dw", "fl", "fr", "gl", "gr", "kn", "ph", "pl", "pr"),
        *("qu", "sc", "sh", "sk", "sl", "sm", "sn", "sp", "st", "sw", "th", "tr", "tw", "wh", "wr"),
        *("sch", "scr", "shr", "sph", "spl", "spr", "squ", "str", "thr"),
    }
)


def _good_break(word: str, cut: int) -> bool:
    """Cheap syllable guess (maximal onset): 'infra-structure', 'commis-sioning', not 'infrast-ructure'."""
    lower = word.lower()
    end = cut
    while end < len(lower) and lower[end].isalpha() and lower[end] not in _VOWELS:
        end += 1
    onset = lower[cut:end]
    if not onset or end == len(lower) or (len(onset) > 1 and onset not in _ONSETS):
        return False
    left = lower[cut - 1]
    return left in _VOWELS or left + onset not in _ONSETS


def split_word(word: str, fits: Callable[[str], bool], anywhere: bool = False) -> tuple[str, str] | None:
    """Split a word at a line end: after its own hyphen, or hyphenate 10+ letters (4+ letters a side).

    Only syllable-like breaks are used unless `anywhere` (the word would not fit even on an empty line).
    """
    if "-" in word.strip("-"):
        cuts = [i + 1 for i, ch in enumerate(word) if ch == "-" and 0 < i < len(word) - 1]
        for cut in reversed(cuts):
            if fits(word[:cut]):
                return word[:cut], word[cut:]
        return None
    if sum(ch.isalpha() for ch in word) < 10:
        return None
    cuts = [
        i
        for i in range(1, len(word))
        if word[i - 1].isalpha()
        and word[i].isalpha()
        and sum(ch.isalpha() for ch in word[:i]) >= 4
        and sum(ch.isalpha() for ch in word[i:]) >= 4
    ]
    good = [c for c in cuts if _good_break(word, c)]
    for group in (good, cuts) if anywhere else (good,):
        for cut in reversed(group):
            if fits(word[:cut] + "-"):
                return word[:cut] + "-", word[cut:]
    return None


def _force_split(word: str, measure: Callable[[str], float], width: float) -> tuple[str, str]:
    """Last resort for a token wider than the whole line (a long address): cut it where it overflows."""
    k = 1
    while k < len(word) and measure(word[: k + 1]) <= width:
        k += 1
    return word[:k], word[k:]


def _fits_after(prefix: str, measure: Callable[[str], float], width: float) -> Callable[[str], bool]:
    return lambda head: measure(prefix + head) <= width


def wrap_text(text: str, measure: Callable[[str], float], width: float, hyphenate: bool = True) -> list[str]:
    """Greedy word wrap with report-style hyphenation (see split_word)."""
    lines: list[str] = []
    current = ""
    for original in text.split():
        word = original
        while word:
            candidate = f"{current} {word}" if current else word
            if measure(candidate) <= width:
                current, word = candidate, ""
                continue
            prefix = f"{current} " if current else ""
            fits = _fits_after(prefix, measure, width)
            split = split_word(word, fits, anywhere=not current) if hyphenate else None
            if split is not None:
                lines.append(prefix + split[0])
                current, word = "", split[1]
            elif current:
                lines.append(current)
                current = ""
            else:
                head, word = _force_split(word, measure, width)
                lines.append(head)
    if current:
        lines.append(current)
    return lines
