"""Markdown → blocks: headings by level, list items, table rows, inline markup flattened as written."""

from __future__ import annotations

from ingest.blocks import Block
from ingest.markdown import markdown_to_extraction

SOURCE = """# Food Policy

Councils grow
food with **co**operative partners, see [the plan](https://example.org) and `code`.
Hard break here\\
then more.

## Actions

- Grow food
- Share *meals*
  together

1. First step

### Figures

| Project | Year |
|---|---|
| Food club | 2020 |
"""


def test_markdown_blocks_exactly() -> None:
    extraction = markdown_to_extraction(SOURCE)

    assert extraction.blocks == [
        Block("heading", "Food Policy", 1, level=1),
        Block(
            "paragraph",
            "Councils grow food with cooperative partners, see the plan and code. Hard break here then more.",
            1,
        ),
        Block("heading", "Actions", 1, level=2),
        Block("item", "Grow food", 1),
        Block("item", "Share meals together", 1),
        Block("item", "First step", 1),
        Block("heading", "Figures", 1, level=3),
        Block("row", "Project | Year", 1),
        Block("row", "Food club | 2020", 1),
    ]
    assert extraction.title == "Food Policy"


def test_a_file_nested_past_the_parsers_depth_limit_still_gives_its_text() -> None:
    """markdown-it stops descending at its nesting limit; the sentence at the bottom must not be lost."""
    extraction = markdown_to_extraction("> " * 5000 + "The council opened a community fridge in 2021.\n")
    assert [b.text for b in extraction.blocks] == ["The council opened a community fridge in 2021."]
