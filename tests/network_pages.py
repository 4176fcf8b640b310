"""Real network project pages (../shared/ccin-pages: our wording, the network's facts and declared principles)
written out as Markdown files with a catalogue, as network staff would add them to the corpus."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.conftest import SHARED

PAGES = SHARED / "ccin-pages"


def write_network_pages(folder: Path, stems: list[str]) -> Path:
    """Write each page as `<stem>.md` plus `catalogue.yaml` (declared principles included); returns the catalogue."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for stem in stems:
        page = json.loads((PAGES / f"{stem}.json").read_text(encoding="utf-8"))
        note = f"(Wording ours; the facts are from the network's public page {page['url']}.)"
        text = f"# {page['title']}\n\n{page['text_rewritten']}\n\n{note}\n"
        (folder / f"{stem}.md").write_text(text, encoding="utf-8")
        entries.append(
            {
                "file": f"{stem}.md",
                "id": stem,
                "title": page["title"],
                "type": "case-study",
                "year": page.get("year"),
                "lead_council": page.get("lead_member"),
                "source_url": page["url"],
                "principles_declared": page["principles_met"],
            }
        )
    catalogue = folder / "catalogue.yaml"
    catalogue.write_text(yaml.safe_dump({"documents": entries}, sort_keys=False), encoding="utf-8")
    return catalogue
