"""Snippets: query terms marked in HTML-escaped text, and nothing else ever becomes markup."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.snippet import make_snippet


def test_query_terms_are_marked_and_adjacent_marks_merge() -> None:
    assert make_snippet("Community asset transfers work in Newcastle.", "asset transfer") == (
        "Community <mark>asset transfers</mark> work in Newcastle."
    )


def test_markup_in_the_passage_is_escaped_and_only_mark_tags_are_added() -> None:
    text = 'Tom & Jerry said <script>alert(1)</script> about <mark>asset</mark> "transfer" it\'s'
    assert make_snippet(text, "asset transfer script") == (
        "Tom &amp; Jerry said &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; about "
        "&lt;mark&gt;<mark>asset</mark>&lt;/mark&gt; &quot;<mark>transfer</mark>&quot; it&#x27;s"
    )


def test_long_passage_is_cut_to_the_window_around_the_matches_with_ellipses() -> None:
    text = " ".join(["filler"] * 100) + " the food pantry opened " + " ".join(["padding"] * 100)
    snippet = make_snippet(text, "pantry", width=80)
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert "<mark>pantry</mark>" in snippet
    assert len(html.unescape(snippet.replace("<mark>", "").replace("</mark>", ""))) <= 80 + 4


def test_no_match_gives_the_opening_of_the_passage_unmarked() -> None:
    assert make_snippet("Short text & more.", "zebra") == "Short text &amp; more."


_TAG_RE = re.compile(r"<[^>]*>")
_ALPHABET = st.sampled_from(list("<>&\"' ab/mark=;#xX1\n")) | st.characters(codec="utf-8")


@settings(max_examples=300, deadline=None)
@given(text=st.text(_ALPHABET, max_size=400), query=st.text(_ALPHABET, max_size=40), width=st.integers(20, 300))
def test_snippet_is_escaped_text_of_the_passage_with_only_mark_tags(text: str, query: str, width: int) -> None:
    snippet = make_snippet(text, query, width=width)
    assert set(_TAG_RE.findall(snippet)) <= {"<mark>", "</mark>"}
    assert snippet.count("<mark>") == snippet.count("</mark>")
    plain = html.unescape(snippet.replace("<mark>", "").replace("</mark>", ""))
    body = plain.removeprefix("… ").removesuffix(" …")
    assert any(candidate in text for candidate in (plain, body, plain.removeprefix("… "), plain.removesuffix(" …")))
