"""The reliability suite's inputs and its summary section: the hostile corpus is seeded and holds what issue 19
lists; the summary reports each measurement (the measurements themselves run in `make evaluate`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from evaluations.hostile_files import hostile_corpus, nested_html
from evaluations.report import summary


def _digest(directory: Path) -> str:
    """Of every file but the encrypted ones, whose AES salt is random."""
    files = sorted(p for p in directory.iterdir() if not p.name.startswith(("locked-", "owner-only")))
    return hashlib.sha256(b"".join(p.name.encode() + p.read_bytes() for p in files)).hexdigest()


def test_the_hostile_corpus_is_seeded_and_holds_several_hundred_files_of_every_listed_kind(tmp_path: Path) -> None:
    first = hostile_corpus(tmp_path / "a")
    second = hostile_corpus(tmp_path / "b")

    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert len(first) == len(second) >= 300
    kinds = {f.kind for f in first}
    for kind in (
        "truncated PDF",
        "byte-flipped PDF",
        "encrypted PDF",
        "header+garbage",
        "empty file",
        "HTML nested 1,000 deep",
        "HTML nested 50,000 deep",
        "100,000 unclosed tags",
        "8,000 hard-wrapped lines",
        "5 MB one-line Markdown",
        "binary junk, text name",
        "PDF named .txt",
    ):
        assert kind in kinds, kind
    sizes = {f.kind: f.path.stat().st_size for f in first}
    assert sizes["5 MB one-line Markdown"] >= 5_000_000
    assert (tmp_path / "a" / "one-line-5000kb.md").read_text(encoding="utf-8").count("\n") == 3
    assert (tmp_path / "a" / "hard-wrapped-8000.txt").read_text(encoding="utf-8").count("\n") == 8_000
    assert (tmp_path / "a" / "nested-50000.html").read_text(encoding="utf-8") == nested_html(50_000)
    assert sum(f.good for f in first) == 10


def test_the_summary_has_a_reliability_section_that_flags_super_linear_growth() -> None:
    context = {"date": "2025-01-01", "machine": {"cores": 2}, "quick": True, "corpus": {}}
    context["corpus"] = {"documents": 1, "pages": 1, "passages": 1}
    timing = {"1x": {"size": 100, "seconds": 0.1}, "4x": {"size": 400, "seconds": 0.4}}
    reliability = {
        "malformed": {
            "files": 300,
            "indexed": 20,
            "failed": 280,
            "crashed": 0,
            "all_good_files_indexed": True,
            "good_files": 10,
            "slowest_file_seconds": 12.5,
            "slowest_file_kind": "5 MB one-line Markdown",
            "slowest_extraction_seconds": 9.1,
            "slowest_extraction_kind": "HTML nested 50,000 deep",
            "cli_exit_code": 1,
            "total_seconds": 95.0,
            "budget": {"seconds": 30.0, "memory_mb": 1024},
            "over_budget": [],
            "unexpected_failures": ["x.pdf: could not be read: boom (ValueError)"],
        },
        "linear_growth": {
            "text": {**timing, "16x": {"size": 1600, "seconds": 1.6}, "ratio_16x_over_1x": 16.0, "super_linear": False},
            "html": {**timing, "16x": {"size": 1600, "seconds": 3.0}, "ratio_16x_over_1x": 30.0, "super_linear": True},
        },
        "kill_trials": {"trials": 2, "killed_mid_batch": 2, "identical_to_clean": 2},
        "ingest_while_searching": {
            "clients": 4,
            "seconds": 15,
            "requests": 900,
            "5xx": 0,
            "not_2xx_or_4xx": 0,
            "dropped": 0,
            "ingest_rounds": 2,
            "new_versions_served_after_s": 0.1,
        },
    }

    text = summary(context, {"reliability": reliability})

    row = "| 300 | 20 | 280 | 0 | all 10 | 12.5 (5 MB one-line Markdown) | 9.1 (HTML nested 50,000 deep) | 1 | 95.0 |"
    assert row in text
    assert "Unexpected failures: x.pdf: could not be read: boom (ValueError)." in text
    assert "| text | 100 | 0.1 | 0.4 | 1.6 | 16.0 |" in text
    assert "| html | 100 | 0.1 | 0.4 | 3.0 | 30.0 super-linear |" in text
    assert "| 2 | 2 | 2 |" in text
    assert "| 4 clients, 15 s | 900 | 0 | 0 | 0 | 2 | 0.1 |" in text
