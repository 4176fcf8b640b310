"""The network's ten principles as data: fixed ids and names, with descriptions, keywords and exemplar
sentences written for this project (kb/data/principles.yaml). Ingest tags with them; the API lists them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from kb.errors import UnknownPrinciple

NAMES: dict[int, str] = {
    1: "Social partnership",
    2: "Democratic engagement",
    3: "Co-production",
    4: "Enterprise and social economy",
    5: "Maximising social value",
    6: "Community leadership and a new role for councillors",
    7: "New models of meeting priority needs",
    8: "Innovation",
    9: "Learning",
    10: "Walking the talk",
}
DATA_FILE = Path(__file__).parent / "data" / "principles.yaml"


@dataclass(frozen=True)
class Principle:
    id: int
    name: str
    description: str
    keywords: tuple[str, ...]
    exemplars: tuple[str, ...]


@lru_cache(maxsize=1)
def load_principles(path: Path = DATA_FILE) -> tuple[Principle, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    principles = []
    for raw in data["principles"]:
        pid = int(raw["id"])
        if NAMES.get(pid) != raw["name"]:
            raise ValueError(f"{path}: principle {pid} must be named {NAMES.get(pid)!r}, not {raw['name']!r}")
        principles.append(
            Principle(
                id=pid,
                name=raw["name"],
                description=" ".join(str(raw["description"]).split()),
                keywords=tuple(str(k).lower() for k in raw.get("keywords", [])),
                exemplars=tuple(str(e) for e in raw.get("exemplars", [])),
            )
        )
    if [p.id for p in principles] != list(NAMES):
        raise ValueError(f"{path}: expected principles 1 to 10 in order")
    return tuple(principles)


def principle_name(principle_id: int) -> str:
    try:
        return NAMES[principle_id]
    except KeyError:
        raise UnknownPrinciple(f"unknown principle {principle_id}: principles are numbered 1 to 10") from None
