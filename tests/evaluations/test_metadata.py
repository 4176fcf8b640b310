"""The metadata evaluation scores inferred fields against a catalogue: right, wrong and missing are counted."""

from __future__ import annotations

from pathlib import Path

from evaluations.metadata import evaluate_metadata
from evaluations.report import summary
from tests.ingest.test_infer_meta import uncatalogued_pdf, wigan_pdf


def test_right_wrong_and_missing_are_counted_per_field(tmp_path: Path) -> None:
    wigan_pdf(tmp_path / "right.pdf")
    uncatalogued_pdf(tmp_path / "wrong.pdf", ["Shared Kitchens", "Wigan Council · 2021"])
    uncatalogued_pdf(tmp_path / "missing.pdf", ["Open Allotments", "Spring"])
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(
        "documents:\n"
        "  - {file: right.pdf, title: Lending Tools Together, year: 2023, lead_council: Wigan Council}\n"
        "  - {file: wrong.pdf, title: Shared kitchens!, year: 2020, lead_council: Oldham Council}\n"
        "  - {file: missing.pdf, title: Open Allotments, year: 2019, lead_council: Oldham Council}\n",
        encoding="utf-8",
    )

    result = evaluate_metadata(catalogue)

    assert result["documents"] == 3
    assert result["conditions"]["as_built"] == {
        "title": {"right": 3, "wrong": 0, "missing": 0},  # "Shared kitchens!" matches once normalised
        "year": {"right": 1, "wrong": 1, "missing": 1},
        "lead_council": {"right": 1, "wrong": 1, "missing": 1},
    }
    assert result["conditions"]["as_built_previous_rule"]["lead_council"] == {"right": 0, "wrong": 0, "missing": 3}
    wrong = [m for m in result["misses"]["as_built"] if m["document"] == "wrong" and m["field"] == "lead_council"]
    assert wrong == [
        {
            "document": "wrong",
            "field": "lead_council",
            "catalogue": "Oldham Council",
            "inferred": "Wigan Council",
            "outcome": "wrong",
        }
    ]
    context = {
        "date": "d",
        "machine": {"cores": 2},
        "quick": True,
        "corpus": {"documents": 3, "pages": 9, "passages": 9},
    }
    text = summary(context, {"metadata": result})
    assert "| as_built | 3 / 0 / 0 | 1 / 1 / 1 | 1 / 1 / 1 |" in text
