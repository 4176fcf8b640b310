"""The sample corpus's catalogue: one checked Entry per document, read from corpus/catalogue.yaml.

Every other part of the builder works from an Entry, so the catalogue is read and validated once, here,
and a typo fails loudly before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import yaml

TYPE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "policy-lab": "Policy lab report",
        "policy-prototype": "Policy prototype",
        "toolkit": "Toolkit",
        "report": "Report",
        "case-study": "Case studies",
        "web-page": "Web page",
    }
)


class CatalogueError(Exception):
    """The catalogue is malformed; nothing can be built from it."""


@dataclass(frozen=True)
class Entry:
    """One catalogue document; `file` is relative to the catalogue's directory."""

    id: str
    title: str
    year: int
    lead_council: str
    partners: tuple[str, ...]
    type: str
    file: str
    source_url: str

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.type]


def load_catalogue(path: Path) -> list[Entry]:
    """Read and check the catalogue up front so a typo fails loudly instead of building a wrong file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise CatalogueError(f"{path}: expected a mapping with a 'documents' list")
    entries: list[Entry] = []
    for n, raw in enumerate(data["documents"], 1):
        where = f"{path}: document {n}"
        if not isinstance(raw, dict):
            raise CatalogueError(f"{where}: expected a mapping")
        required = ("id", "title", "year", "lead_council", "type", "file", "source_url")
        missing = [k for k in required if k not in raw]
        if missing:
            raise CatalogueError(f"{where}: missing {', '.join(missing)}")
        doc_type = str(raw["type"])
        if doc_type not in TYPE_LABELS:
            raise CatalogueError(f"{where}: unknown type {doc_type!r}")
        partners = raw.get("partners") or []
        if not isinstance(partners, list):
            raise CatalogueError(f"{where}: partners must be a list")
        entry = Entry(
            id=str(raw["id"]),
            title=str(raw["title"]),
            year=int(raw["year"]),
            lead_council=str(raw["lead_council"]),
            partners=tuple(str(p) for p in partners),
            type=doc_type,
            file=str(raw["file"]),
            source_url=str(raw["source_url"]),
        )
        expected = f"pages/{entry.id}.html" if doc_type == "web-page" else f"pdfs/{entry.id}.pdf"
        if entry.file != expected:
            raise CatalogueError(f"{where} ({entry.id}): file should be {expected!r}, not {entry.file!r}")
        entries.append(entry)
    ids = [e.id for e in entries]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CatalogueError(f"{path}: duplicate ids {', '.join(duplicates)}")
    return entries
