"""Passage roles (kb/roles.py) against hand labels: `evaluations/data/roles.jsonl` names passages of the sample
index by document and ordinal, with the role a reader gave each (body, case_study, recommendation,
introduction, or a navigation kind), split into dev and test by document. The rule was tuned on the dev
documents only; per-role precision and recall are reported for both splits, test being the honest figure.

A labelled passage is found by document id and the excerpt it opens with (its first words; the ordinal it had
when labelled breaks ties), so a passage added earlier in the document (an extraction change) does not move the
labels onto other passages; if a labelled passage is no longer there (chunking changed), the step fails loudly
instead of scoring the labels against other passages."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kb.knowledge_base import KnowledgeBase
from kb.roles import ROLES, passage_role

LABELS = Path(__file__).resolve().parent / "data" / "roles.jsonl"


@dataclass(frozen=True)
class Labelled:
    passage_id: str
    document_id: str
    ordinal: int
    excerpt: str
    role: str
    split: str


def load_labels(path: Path = LABELS) -> list[Labelled]:
    rows = [Labelled(**json.loads(line)) for line in path.read_text().splitlines() if line.strip()]
    unknown = {row.role for row in rows} - set(ROLES)
    if unknown:
        raise ValueError(f"{path}: unknown roles {sorted(unknown)}")
    return rows


def per_role(pairs: list[tuple[str, str]]) -> dict[str, dict[str, float | int]]:
    """Precision, recall and support per role over (gold, predicted) pairs; roles absent from both are left out."""
    scores: dict[str, dict[str, float | int]] = {}
    for role in ROLES:
        gold = sum(g == role for g, _ in pairs)
        predicted = sum(p == role for _, p in pairs)
        hit = sum(g == p == role for g, p in pairs)
        if gold or predicted:
            scores[role] = {
                "precision": round(hit / predicted, 4) if predicted else 0.0,
                "recall": round(hit / gold, 4) if gold else 0.0,
                "support": gold,
                "predicted": predicted,
            }
    return scores


def evaluate_roles(kb: KnowledgeBase) -> dict[str, object]:
    table = kb.snapshot()
    openings: dict[str, list[tuple[int, str, int]]] = {}
    for row, (meta, text) in enumerate(zip(table.metas, table.texts, strict=True)):
        entry = (int(meta.get("ordinal", 0)), " ".join(text.split()), row)
        openings.setdefault(str(meta["document_id"]), []).append(entry)
    results: dict[str, object] = {"labels": str(LABELS.name)}
    stored_agrees = 0
    for split in ("dev", "test"):
        pairs: list[tuple[str, str]] = []
        errors = []
        labelled = [row for row in load_labels() if row.split == split]
        for item in labelled:
            found = [
                (abs(ordinal - item.ordinal), ordinal, row)
                for ordinal, text, row in openings.get(item.document_id, [])
                if text.startswith(item.excerpt)
            ]
            if not found:
                raise ValueError(f"labelled passage {item.document_id}#{item.ordinal} is not in the index as labelled")
            _, ordinal, row = min(found)
            meta = table.metas[row]
            predicted = passage_role(table.texts[row], json.loads(meta.get("heading_path", "[]")), ordinal)
            stored_agrees += str(table.role[row]) == predicted
            pairs.append((item.role, predicted))
            if predicted != item.role:
                errors.append(f"{item.document_id}#{item.ordinal}: {item.role} → {predicted}")
        results[split] = {
            "passages": len(pairs),
            "documents": len({item.document_id for item in labelled}),
            "accuracy": round(sum(g == p for g, p in pairs) / len(pairs), 4) if pairs else 0.0,
            "per_role": per_role(pairs),
            "errors": errors,
        }
    results["stored_role_agrees_with_rule"] = stored_agrees
    results["index_roles"] = dict(Counter(str(r) for r in table.role).most_common())
    return results
