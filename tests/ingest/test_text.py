"""Plain text → blocks, on the seed members' pack extracted from a PDF (broken lines, lists, residue)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunk import ChunkParams, chunk
from ingest.text import decode_text, extract_text, text_to_extraction
from kb.errors import UnreadableDocument
from tests.conftest import SEEDS
from tests.pdfs import empty_file, latin1_text

INTRODUCTION = (
    "Established in 2012, the Network was the brainchild of Steve Reed OBE, MP "
    "(now our Honorary President) who, "
    "together with Jim McMahon OBE, MP and Cllr Sharon Taylor OBE (our Chair), turned the idea into reality. "
    "As of June 2021, the Network comprises over 100 councils and organisations "
    "from across the UK and is now "
    "the biggest movement in local government."
)


@pytest.fixture(scope="module")
def seed_blocks():  # type: ignore[no-untyped-def]
    return extract_text(SEEDS / "000_c3912cc5493f6d02.txt").blocks


def test_seed_introduction_is_one_rejoined_paragraph_under_its_heading(seed_blocks) -> None:  # type: ignore[no-untyped-def]
    heading = next(i for i, b in enumerate(seed_blocks) if b.kind == "heading" and b.text == "Introduction")

    assert (seed_blocks[heading + 1].kind, seed_blocks[heading + 1].text) == ("paragraph", INTRODUCTION)


def test_seed_hyphenated_line_end_is_joined_and_paragraphs_stay_apart(seed_blocks) -> None:  # type: ignore[no-untyped-def]
    texts = [b.text for b in seed_blocks]

    assert (
        "There is a growing interest, across the political spectrum, in how to share power and "
        "responsibility with citizens, support the development of community and civic life and "
        "find more cost-effective ways "
        "to create thriving and resilient communities."
    ) in texts
    assert all("\n" not in t and "  " not in t for t in texts)


def test_seed_member_list_is_one_item_per_council(seed_blocks) -> None:  # type: ignore[no-untyped-def]
    items = [b.text for b in seed_blocks if b.kind == "item"]
    start = items.index("Barking & Dagenham Council")

    assert items[start : start + 4] == [
        "Barking & Dagenham Council",
        "Bassetlaw District Council",
        "Birmingham City Council",
        "Brent Council",
    ]
    assert "Wigan Council" in items


def test_bullets_page_breaks_and_page_numbers() -> None:
    text = (
        "Actions\n\nWe did three things\nin the first year:\n\n- grew food in\n  the park\n- shared meals\n\n"
        "12\n\fSecond page paragraph.\n"
    )
    extraction = text_to_extraction(text)

    assert [(b.kind, b.text, b.page) for b in extraction.blocks] == [
        ("heading", "Actions", 1),
        ("paragraph", "We did three things in the first year:", 1),
        ("item", "- grew food in the park", 1),
        ("item", "- shared meals", 1),
        ("paragraph", "Second page paragraph.", 2),
    ]
    assert extraction.page_count == 2


def test_non_utf8_text_names_the_bad_byte(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDocument) as raised:
        extract_text(latin1_text(tmp_path / "latin1.txt"))

    assert raised.value.message == "not UTF-8 text: byte 0xa3 at offset 10 cannot be decoded"


@pytest.mark.parametrize("content", [b"", b"  \n\n \t\n"])
def test_empty_text_file(tmp_path: Path, content: bytes) -> None:
    path = empty_file(tmp_path / "empty.txt")
    path.write_bytes(content)

    with pytest.raises(UnreadableDocument) as raised:
        extract_text(path)

    assert raised.value.message == "empty file: no text in it"


def test_utf8_bom_is_accepted() -> None:
    assert decode_text(b"\xef\xbb\xbfHello there.") == "Hello there."


def test_an_8000_line_hard_wrapped_file_gives_passages_that_tile_it(tmp_path: Path) -> None:
    words = ["council", "tenants", "energy", "food", "housing", "care", "budget", "residents", "network"]
    lines = []
    for number in range(8000):
        line = " ".join(words[(number * 7 + k) % len(words)] for k in range(11))
        lines.append(line + ("." if number % 7 == 6 else ""))
    path = tmp_path / "wrapped.txt"
    path.write_text("Wrapped report\n\n" + "\n".join(lines) + "\n", encoding="utf-8")

    extraction = extract_text(path)
    text, passages = chunk("wrapped", "v1", extraction.blocks)

    assert [b.kind for b in extraction.blocks] == ["heading", "paragraph"]
    assert extraction.blocks[1].text == " ".join(lines)
    assert "".join(text[p.char_start : p.char_end] + " " for p in passages).split() == text.split()
    assert all(len(p.text.split()) <= ChunkParams().max_words + 2 for p in passages)  # + the heading
    assert len(passages) >= 8000 * 11 / ChunkParams().max_words


def test_bold_markers_are_removed_and_a_long_run_of_unpaired_ones_is_kept_as_written() -> None:
    assert text_to_extraction("A **bold** claim.\n").blocks[0].text == "A bold claim."
    unpaired = "**a " * 20_000
    assert text_to_extraction(unpaired).blocks[0].text == unpaired.strip()
