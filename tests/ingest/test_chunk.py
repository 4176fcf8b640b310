"""Blocks → passages: no text lost, page spans, heading paths, offsets, sizes and stable ids."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.blocks import Block
from ingest.chunk import MAX_PASSAGE_CHARS, ChunkParams, assemble, chunk
from ingest.markdown import markdown_to_extraction
from kb.passage import Passage

_WORD = st.sampled_from(
    [
        "council",
        "co-op",
        "Oldham",
        "tenants",
        "the",
        "a",
        "community-led",
        "energy,",
        "food;",
        "2021",
        "(see",
        "it)",
        "résumé",
        "“quoted”",
        "x",
    ]
)


@st.composite
def _sentence(draw: st.DrawFn) -> str:
    words = draw(st.lists(_WORD, min_size=1, max_size=25))
    text = " ".join(words)
    return (text[:1].upper() + text[1:]).rstrip(",;") + draw(st.sampled_from([".", "?", "!", ""]))


@st.composite
def _blocks(draw: st.DrawFn) -> list[Block]:
    """Headings of random levels, paragraphs (some long enough to force sentence and word splits), list
    items and table rows, on non-decreasing pages; some blocks run over a page break."""
    page = 1
    blocks = []
    for _ in range(draw(st.integers(1, 25))):
        page += draw(st.sampled_from([0, 0, 0, 1, 2]))
        kind = draw(st.sampled_from(["heading", "paragraph", "paragraph", "item", "row", "long"]))
        if kind == "heading":
            text = " ".join(draw(st.lists(_WORD, min_size=1, max_size=8)))
            blocks.append(Block("heading", text, page, level=draw(st.integers(1, 4))))
            continue
        if kind == "row":
            text = " | ".join(draw(st.lists(_WORD, min_size=2, max_size=4)))
        elif kind == "long":
            # One giant sentence or many sentences: longer than any max_words drawn below.
            sentences = draw(st.lists(_sentence(), min_size=1, max_size=40))
            text = " ".join(sentences) + " " + " ".join(draw(st.lists(_WORD, min_size=120, max_size=220)))
            kind = "paragraph"
        else:
            text = " ".join(draw(st.lists(_sentence(), min_size=1, max_size=6)))
        page_end = page + draw(st.sampled_from([0, 0, 0, 1]))
        blocks.append(Block(kind, text, page, page_end))  # type: ignore[arg-type]
        page = page_end
    return blocks


_PARAMS = st.builds(
    lambda target, extra, minimum: ChunkParams(target, target + extra, minimum),
    st.integers(5, 200),
    st.integers(0, 150),
    st.integers(0, 60),
)


def _check_no_text_lost(text: str, passages: list[Passage]) -> None:
    rebuilt, position = [], 0
    for passage in passages:
        gap = text[position : passage.char_start]
        assert gap.strip() == "", f"text between passages was dropped: {gap!r}"
        assert text[passage.char_start : passage.char_end] == passage.text
        rebuilt.extend([gap, passage.text])
        position = passage.char_end
    assert text[position:].strip() == ""
    rebuilt.append(text[position:])
    assert "".join(rebuilt) == text


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(_blocks(), _PARAMS)
def test_passages_with_their_gaps_give_back_the_cleaned_text_exactly(blocks: list[Block], params: ChunkParams) -> None:
    text, passages = chunk("doc", "v1", blocks, params)

    assert text == assemble(blocks)[0]
    _check_no_text_lost(text, passages)
    assert passages, "a document with text yields at least one passage"
    assert all(p.text == p.text.strip() and p.text for p in passages)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(_blocks(), _PARAMS)
def test_page_spans_are_monotonic_and_cover_the_blocks(blocks: list[Block], params: ChunkParams) -> None:
    _, passages = chunk("doc", "v1", blocks, params)

    assert all(p.page <= p.page_end for p in passages)
    assert [p.page for p in passages] == sorted(p.page for p in passages)
    assert [p.page_end for p in passages] == sorted(p.page_end for p in passages)
    assert passages[0].page == blocks[0].page
    assert passages[-1].page_end == max(b.page_end for b in blocks)
    assert [p.ordinal for p in passages] == list(range(len(passages)))


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(_blocks(), _PARAMS)
def test_ids_are_stable_and_unique(blocks: list[Block], params: ChunkParams) -> None:
    _, first = chunk("doc", "v1", blocks, params)
    _, again = chunk("doc", "v1", [Block(b.kind, b.text, b.page, b.page_end, b.level) for b in blocks], params)
    _, other_doc = chunk("other", "v1", blocks, params)
    _, other_version = chunk("doc", "v2", blocks, params)

    assert [p.id for p in first] == [p.id for p in again]
    assert len({p.id for p in first}) == len(first)
    assert all(p.id.startswith(f"doc:{p.ordinal:04d}:") and p.document_id == "doc" for p in first)
    assert not {p.id for p in first} & {p.id for p in other_doc}
    assert not {p.id for p in first} & {p.id for p in other_version}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(_sentence(), min_size=1, max_size=30).map(" ".join), min_size=1, max_size=12), _PARAMS)
def test_without_headings_no_passage_grows_past_max_words(paragraphs: list[str], params: ChunkParams) -> None:
    blocks = [Block("paragraph", text, 1) for text in paragraphs]

    _, passages = chunk("doc", "v1", blocks, params)

    assert max(p.word_count for p in passages) <= params.max_words
    assert sum(p.word_count for p in passages) == sum(len(t.split()) for t in paragraphs)


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(_blocks(), _PARAMS)
def test_heading_path_is_the_chain_of_headings_in_force(blocks: list[Block], params: ChunkParams) -> None:
    _, passages = chunk("doc", "v1", blocks, params)
    _, spans = assemble(blocks)
    for passage in passages:
        # The path in force at the passage's first non-heading block (or its last heading when it has none).
        inside = [i for i, (s, e) in enumerate(spans) if s < passage.char_end and e > passage.char_start]
        first = next((i for i in inside if blocks[i].kind != "heading"), inside[-1])
        stack: list[tuple[int, str]] = []
        for block in blocks[: first + 1]:
            if block.kind == "heading":
                stack = [(lv, t) for lv, t in stack if lv < block.level] + [(block.level, block.text)]
        assert passage.heading_path == [t for _, t in stack]


def test_a_heading_leads_the_text_it_introduces_and_long_blocks_split_at_sentences() -> None:
    intro = "Intro sentence one is here. " * 10
    long = " ".join(f"Sentence number {n} talks about co-operation." for n in range(1, 41))
    blocks = [
        Block("heading", "Part one", 1, level=1),
        Block("paragraph", intro.strip(), 1),
        Block("heading", "Details", 2, level=2),
        Block("paragraph", long, 2, 3),
    ]

    _, passages = chunk("doc", "v1", blocks, ChunkParams(target_words=40, max_words=60, min_words=10))

    assert passages[0].text == "Part one\n\n" + intro.strip()
    assert passages[1].text == "Details\n\n" + " ".join(
        f"Sentence number {n} talks about co-operation." for n in range(1, 8)
    )
    assert [p.text.split(".")[0] for p in passages[2:]] == [
        f"Sentence number {n} talks about co-operation" for n in (8, 15, 22, 29, 36)
    ]
    assert passages[-1].text.endswith("Sentence number 40 talks about co-operation.")
    assert [p.heading_path for p in passages] == [["Part one"]] + [["Part one", "Details"]] * 6
    assert [(p.page, p.page_end) for p in passages] == [(1, 1)] + [(2, 3)] * 6
    assert [p.word_count for p in passages] == [52, 43, 42, 42, 42, 42, 30]


def test_blank_blocks_are_ignored_and_empty_documents_give_no_passages() -> None:
    assert chunk("doc", "v1", [Block("paragraph", "   ", 1)]) == ("", [])


def test_a_run_without_spaces_is_cut_into_passages_of_at_most_max_passage_chars() -> None:
    blob = "x" * 10_000
    text, passages = chunk("doc", "v1", [Block("paragraph", f"{blob} tail.", 1)])

    _check_no_text_lost(text, passages)
    assert [len(p.text) for p in passages] == [MAX_PASSAGE_CHARS, MAX_PASSAGE_CHARS, 2000 + len(" tail.")]


def test_a_megabyte_one_line_markdown_file_gives_bounded_passages_that_tile_it() -> None:
    sentence = "The council and its tenants ran the food club together for three years. "
    source = sentence * (1_000_000 // len(sentence))

    text, passages = chunk("doc", "v1", markdown_to_extraction(source).blocks)

    _check_no_text_lost(text, passages)
    assert text == source.strip()
    assert all(len(p.text.split()) <= ChunkParams().max_words for p in passages)
    assert all(len(p.text) <= MAX_PASSAGE_CHARS for p in passages)
    assert len(passages) == pytest.approx(len(source.split()) / ChunkParams().target_words, rel=0.05)
