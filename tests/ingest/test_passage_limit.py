"""A document longer than the passage limit is indexed up to it, and the ingest report says what was left out."""

from __future__ import annotations

import random
from pathlib import Path

from click.testing import CliRunner

from ccin.app import knowledge_base
from ccin.cli import cli
from ingest.catalogue import Catalogue
from ingest.chunk import ChunkParams
from ingest.pipeline import Ingestor
from tests.conftest import make_settings

WORDS = ("tenants", "repair", "energy", "club", "garden", "council", "members", "share", "surplus", "school", "kitchen")


def _report(path: Path, sections: int) -> Path:
    """A Markdown report of `sections` headed sections, each about 60 words in three sentences."""
    rng = random.Random(sections)
    parts = ["# A long report\n"]
    for number in range(sections):
        sentences = [" ".join(rng.choice(WORDS) for _ in range(20)).capitalize() + "." for _ in range(3)]
        parts.append(f"## Section {number}\n\nMarker{number} " + " ".join(sentences) + "\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def test_a_document_over_the_limit_is_indexed_up_to_it_with_a_warning(tmp_path: Path) -> None:
    _report(tmp_path / "in" / "long.md", 12)
    _report(tmp_path / "in" / "short.md", 2)
    kb = knowledge_base(make_settings(tmp_path / "data", query_log=False))
    params = ChunkParams(target_words=40, max_words=80, min_words=10, max_passages=4)
    report = Ingestor(kb, Catalogue.empty(), params).run([tmp_path / "in"])
    outcomes = {o.path.name: o for o in report.outcomes}
    assert outcomes["long.md"].status == "indexed" and outcomes["long.md"].passages == 4
    limited = [w for w in outcomes["long.md"].warnings if "passages" in w]
    assert limited == [
        "indexed the first 4 of 12 passages: the rest of the document is not searchable "
        "(raise CCIN_MAX_PASSAGES_PER_DOCUMENT to index all of it)"
    ]
    assert not [w for w in outcomes["short.md"].warnings if "passages" in w]
    table = kb.snapshot(fresh=True)
    texts = " ".join(t for t, d in zip(table.texts, table.document_id, strict=True) if d == "long")
    assert "Marker0 " in texts and "Marker3 " in texts and "Marker4 " not in texts
    assert kb.document("long").passage_count == 4


def test_the_limit_is_a_setting_and_changing_it_indexes_the_rest(tmp_path: Path) -> None:
    """CCIN_MAX_PASSAGES_PER_DOCUMENT reaches `ccin ingest`; raising it re-ingests the file in full."""
    folder = tmp_path / "in"
    _report(folder / "long.md", 40)
    data = str(tmp_path / "data")
    base = {"CCIN_QUERY_LOG": "false", "CCIN_EXTRACT_TIMEOUT_S": "0"}
    limited = CliRunner().invoke(
        cli, ["--data-dir", data, "ingest", str(folder)], env={**base, "CCIN_MAX_PASSAGES_PER_DOCUMENT": "5"}
    )
    assert limited.exit_code == 0, limited.output
    assert "indexed the first 5 of " in limited.stdout
    full = CliRunner().invoke(cli, ["--data-dir", data, "ingest", str(folder)], env=base)
    assert full.exit_code == 0, full.output
    assert "indexed the first" not in full.stdout
    assert knowledge_base(make_settings(Path(data), query_log=False)).document("long").passage_count > 5
