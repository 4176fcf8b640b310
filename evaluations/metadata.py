"""Metadata inference scored against the catalogue: every sample-corpus document is read as if the catalogue did
not list it (ingest/catalogue.py infer_meta) and its inferred title, year and lead council compared with the
catalogue's entry.

Two conditions:

- `as_built`: the files as they are. The sample PDFs were written by corpus/build.py from the catalogue, so their
  metadata (title, creation date, keywords naming the lead council) already holds the answers: this checks the
  plumbing more than the rules.
- `cover_only`: the same files with their metadata taken away (title, author, subject, keywords, creation date),
  as many real network PDFs arrive ("Microsoft Word - report.docx", no keywords): only the cover and the text
  decide. The sample covers follow one layout ("Lead: X With: Y"), so this too flatters the rules; the
  council rules were written from the network's packs and pages, not tuned on these documents.

- `seeds`: the five real network texts in ../shared/seeds (members' packs, a project page, the About page),
  scored for year and lead council against what they say about themselves.

Each condition is also scored with the rule inference had before lead councils (`previous_rule`), to compare.
Each field is `right` (normalised match: case, punctuation, spacing, "&"/"and"), `wrong` (a different value) or
`missing` (nothing inferred where the catalogue has a value).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from ingest.blocks import Extraction
from ingest.catalogue import Catalogue, _year_in_text, document_id_for, infer_meta, title_from_filename
from ingest.clean import ends_sentence
from ingest.councils import normalise
from ingest.extract import extractor_for
from kb.passage import DocumentMeta

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
FIELDS = ("title", "year", "lead_council")
NETWORK = "Co-operative Councils' Innovation Network"
# The real network texts in ../shared/seeds (README there), with what they say about themselves: every one is the
# network's own publication, so the catalogue's convention makes the network the lead. Not independent: the
# members' list came from 000, and the affiliation cue ("Leader of Swindon Borough Council") and the network's
# publisher line were added after reading 001's cover. The year of 000 ("about 2021") and 003 (none) is not scored.
SEED_FACTS: dict[str, dict[str, Any]] = {
    "000_c3912cc5493f6d02.txt": {"lead_council": NETWORK},
    "001_e33d7f85c6ea2c8b.txt": {"year": 2025, "lead_council": NETWORK},
    "002_ab523b30d0a802b7.txt": {"year": 2020, "lead_council": NETWORK},
    "003_7ac4e33574e02600.txt": {"lead_council": NETWORK},
    "004_d017fc122f128cc7.txt": {"year": 2024, "lead_council": NETWORK},
}


def _same(field: str, inferred: object, expected: object) -> bool:
    if field == "year":
        return inferred == expected
    return _key(str(inferred)) == _key(str(expected))


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", normalise(text)).strip()


def without_metadata(extraction: Extraction) -> Extraction:
    return dataclasses.replace(extraction, title=None, author=None, subject=None, keywords=None, created=None)


def previous_rule(path: Path, extraction: Extraction) -> DocumentMeta:
    """Inference before lead councils (kept here to compare with): the file's title, else a short opening
    paragraph, else the first heading; no junk-title check; no lead council."""
    first_heading = next((b.text for b in extraction.blocks if b.kind == "heading"), None)
    opening = extraction.blocks[0] if extraction.blocks else None
    cover = (
        opening.text
        if opening
        and opening.kind == "paragraph"
        and len(opening.text.split()) <= 16
        and not ends_sentence(opening.text)
        else None
    )
    title = extraction.title or cover or first_heading or title_from_filename(path)
    year = int(extraction.created[:4]) if extraction.created else _year_in_text(extraction)
    return DocumentMeta(id=document_id_for(path), title=title[:200], year=year, inferred=True)


def evaluate_metadata(catalogue_path: Path = CORPUS / "catalogue.yaml") -> dict[str, Any]:
    catalogue = Catalogue.load(catalogue_path)
    conditions: dict[str, dict[str, dict[str, int]]] = {}
    misses: dict[str, list[dict[str, Any]]] = {}
    files = sorted(catalogue.files())
    for condition in ("as_built", "cover_only", "as_built_previous_rule", "cover_only_previous_rule"):
        counts = {f: {"right": 0, "wrong": 0, "missing": 0} for f in FIELDS}
        misses[condition] = []
        for path in files:
            expected = catalogue.get(path)
            assert expected is not None
            extraction = extractor_for(path)(path)
            if condition.startswith("cover_only"):
                extraction = without_metadata(extraction)
            inferred = (previous_rule if condition.endswith("previous_rule") else infer_meta)(path, extraction)
            for field in FIELDS:
                want, got = getattr(expected, field), getattr(inferred, field)
                if want is None:
                    continue
                outcome = "missing" if got is None else "right" if _same(field, got, want) else "wrong"
                counts[field][outcome] += 1
                if outcome != "right":
                    misses[condition].append(
                        {
                            "document": expected.id,
                            "field": field,
                            "catalogue": want,
                            "inferred": got,
                            "outcome": outcome,
                        }
                    )
        conditions[condition] = counts
    seeds = {f: {"right": 0, "wrong": 0, "missing": 0} for f in ("year", "lead_council")}
    misses["seeds"] = []
    for name, facts in SEED_FACTS.items():
        path = SEEDS / name
        if not path.is_file():
            continue
        inferred = infer_meta(path, extractor_for(path)(path))
        for field, want in facts.items():
            got = getattr(inferred, field)
            outcome = "missing" if got is None else "right" if _same(field, got, want) else "wrong"
            seeds[field][outcome] += 1
            if outcome != "right":
                misses["seeds"].append(
                    {"document": name, "field": field, "expected": want, "inferred": got, "outcome": outcome}
                )
    conditions["seeds"] = seeds
    return {
        "documents": len(files),
        "formats": sorted({p.suffix.lstrip(".") for p in files}),
        "conditions": conditions,
        "misses": misses,
        "note": "The sample corpus's files were generated from its catalogue; the rules were not tuned on it.",
    }
