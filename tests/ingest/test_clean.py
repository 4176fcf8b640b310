"""Text repair: rejoining wrapped lines, dehyphenation, page numbers, running header/footer signatures."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.clean import (
    ends_sentence,
    is_page_number,
    join_lines,
    margin_signature,
    normalise_spaces,
    repeated_signatures,
    vocabulary,
)

# Lines as extraction yields them: no line breaks inside a line.
_LINE = st.text(
    st.characters(codec="utf-8", blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
    max_size=40,
)
_WORDY_LINE = st.lists(st.from_regex(r"[A-Za-z]{1,9}-?", fullmatch=True), min_size=1, max_size=6).map(" ".join)


def _visible(text: str) -> str:
    return "".join(normalise_spaces(text).split())


@given(st.lists(_LINE, max_size=8))
def test_join_lines_never_loses_a_visible_character_except_a_line_end_hyphen(lines: list[str]) -> None:
    joined = join_lines(lines)
    expected = "".join(_visible(line) for line in lines)
    dropped_at_most = sum(1 for line in lines if normalise_spaces(line).endswith("-"))

    assert _visible(joined).replace("-", "") == expected.replace("-", "")
    assert len(expected) - dropped_at_most <= len(_visible(joined)) <= len(expected)
    assert "\n" not in joined
    assert joined == normalise_spaces(joined)


@given(st.lists(_WORDY_LINE, min_size=1, max_size=8))
def test_join_lines_keeps_every_word_away_from_a_line_end_hyphen_whole_and_in_order(lines: list[str]) -> None:
    joined = join_lines(lines).split()
    untouched = []
    for number, line in enumerate(lines):
        words = line.split()
        if number and lines[number - 1].endswith("-"):
            words = words[1:]  # may be glued to the previous line's last word
        if line.endswith("-"):
            words = words[:-1]
        untouched.extend(words)
    remaining = iter(joined)

    assert all(word in remaining for word in untouched)  # a subsequence: whole words, same order
    breaks = sum(1 for line in lines[:-1] if line.endswith("-"))
    assert len(lines_words := [w for line in lines for w in line.split()]) - breaks <= len(joined) <= len(lines_words)


@given(st.lists(_LINE, max_size=6))
def test_join_lines_is_idempotent_on_its_own_output(lines: list[str]) -> None:
    once = join_lines(lines)

    assert join_lines([once]) == once


@pytest.mark.parametrize(
    ("lines", "vocab", "expected"),
    [
        (["working with resid-", "ents today"], Counter(), "working with residents today"),
        (["through co-", "production"], Counter(), "through co-production"),
        (["the community-", "led groups"], Counter({"community": 2, "led": 1}), "the community-led groups"),
        (["the commun-", "ity groups"], Counter({"community": 2}), "the community groups"),
        (["a well-", "being plan"], Counter({"well-being": 1}), "a well-being plan"),
        (["the decision-", "making"], Counter({"decisionmaking": 3}), "the decisionmaking"),
        (["a 20-", "year plan"], Counter(), "a 20-year plan"),
        (["step-by-", "step guide"], Counter(), "step-by-step guide"),
        (["ends with a dash -", "next"], Counter(), "ends with a dash - next"),
        (["Councils -", "Oldham"], Counter(), "Councils - Oldham"),
        (["hard   wrapped  ", "  line\tbreaks"], Counter(), "hard wrapped line breaks"),
        (["", "  ", "only"], Counter(), "only"),
    ],
)
def test_join_lines_dehyphenation_rules(lines: list[str], vocab: Counter[str], expected: str) -> None:
    assert join_lines(lines, vocab) == expected


def test_vocabulary_leaves_out_the_fragments_around_a_line_end_hyphen() -> None:
    counts = vocabulary(["the commun-", "ity led co-production", "community"])

    assert counts == Counter({"the": 1, "led": 1, "co-production": 1, "community": 1})


@pytest.mark.parametrize("text", ["7", " 12 ", "Page 3", "page 3 of 10", "4 / 20", "PAGE 2 OF 9"])
def test_page_numbers(text: str) -> None:
    assert is_page_number(text)


@pytest.mark.parametrize("text", ["2021 Annual Report", "Page three", "12.5", "Section 3"])
def test_not_page_numbers(text: str) -> None:
    assert not is_page_number(text)


def test_running_header_signatures_recur_on_most_pages() -> None:
    pages = [["CCIN Report · Illustrative", f"Page {n} of 4"] for n in range(1, 5)]
    pages[2].append("A one-off caption")

    assert margin_signature("Page 12 of 40") == "page # of #"
    assert repeated_signatures(pages) == {"ccin report · illustrative", "page # of #"}
    assert repeated_signatures(pages[:2]) == set()  # too few pages to call anything "running"


@given(st.text(max_size=60))
def test_normalise_spaces_is_idempotent_and_trimmed(text: str) -> None:
    once = normalise_spaces(text)

    assert normalise_spaces(once) == once
    assert once == once.strip(" \t")
    assert "  " not in once


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Done.", True),
        ("Why?", True),
        ("(see above)", True),
        ("and then", False),
        ("list:", True),
        ("cost-", False),
    ],
)
def test_ends_sentence(text: str, expected: bool) -> None:
    assert ends_sentence(text) is expected


def test_join_lines_reads_each_line_and_a_bounded_tail_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work, not wall-clock: the characters the line-end rules read grow with the lines joined, not with the
    paragraph so far (which made an 8,000-line paragraph quadratic)."""
    import re

    from ingest import clean

    read = 0

    class _CountingRe:
        def search(self, pattern: str, string: str) -> re.Match[str] | None:
            nonlocal read
            read += len(string)
            return re.search(pattern, string)

        def match(self, pattern: str, string: str) -> re.Match[str] | None:
            nonlocal read
            read += len(string)
            return re.match(pattern, string)

    monkeypatch.setattr(clean, "re", _CountingRe())
    words = ["council", "tenants", "co-", "op", "hous-", "ing", "20-", "year"]
    lines = [" ".join(words[(i + k) % len(words)] for k in range(9)) for i in range(8000)]

    joined = join_lines(lines, Counter())

    assert read <= sum(len(line) for line in lines) + 8000 * clean._TAIL
    assert "20-year" in joined and "co-op" in joined and "housing" in joined  # the rules still apply
