"""Near-duplicate passages and documents.

Two passages are near-duplicates when their embeddings are very close (cosine ≥ 0.90) and their word
3-shingles overlap heavily (containment |A∩B| / min(|A|,|B|) ≥ 0.6). Containment rather than Jaccard because
the same text extracted twice is chunked at different places, so one passage is often mostly inside another.
That same re-chunking can pull a few unrelated sentences into one copy and push its embedding below 0.90
(seen on the two seed members' packs: a "Dynamic Purchase System" section at cosine 0.885, containment 1.0),
so a passage almost wholly inside another (containment ≥ 0.9, at least 20 shingles) needs only cosine ≥ 0.80.
The sample reports' shared cover boilerplate stays apart: containment ≤ 0.85 at cosine ≤ 0.78.
Duplicates share a `dup_group` (the id of the first passage seen); search shows one result listing every
source.
A document is a near-duplicate of another when at least half of its passages share groups with it.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

COSINE_MIN = 0.90
CONTAINMENT_MIN = 0.6
CONTAINED_COSINE_MIN = 0.80
CONTAINED_MIN = 0.9
CONTAINED_MIN_SHINGLES = 20
DOCUMENT_SHARE_MIN = 0.5


def shingles(text: str, size: int = 3) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}


def containment(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def assign_groups(
    new_ids: list[str],
    new_texts: list[str],
    new_vectors: np.ndarray,
    existing_texts: list[str],
    existing_vectors: np.ndarray,
    existing_groups: list[str],
) -> list[str]:
    """A dup_group for each new passage: an existing passage's group when it is a near-duplicate, else its
    own id."""
    groups = list(new_ids)
    if len(existing_texts) == 0 or len(new_ids) == 0:
        return groups
    sims = new_vectors @ existing_vectors.T
    for i in range(len(new_ids)):
        candidates = np.flatnonzero(sims[i] >= CONTAINED_COSINE_MIN)
        if candidates.size == 0:
            continue
        mine = shingles(new_texts[i])
        best, best_score = -1, 0.0
        for j in candidates[np.argsort(-sims[i][candidates])][:10]:
            theirs = shingles(existing_texts[j])
            score = containment(mine, theirs)
            duplicate = is_near_duplicate(float(sims[i][j]), score, min(len(mine), len(theirs)))
            if duplicate and score > best_score:
                best, best_score = int(j), score
        if best >= 0:
            groups[i] = existing_groups[best]
    return groups


def is_near_duplicate(cosine: float, contained: float, smaller_shingles: int) -> bool:
    """The rule in the module docstring: close in meaning and in words, or almost wholly inside the other."""
    if cosine >= COSINE_MIN and contained >= CONTAINMENT_MIN:
        return True
    inside = contained >= CONTAINED_MIN and smaller_shingles >= CONTAINED_MIN_SHINGLES
    return inside and cosine >= CONTAINED_COSINE_MIN


def near_duplicate_documents(
    document_id: str, groups: list[str], own_ids: list[str], group_documents: dict[str, set[str]]
) -> list[str]:
    """Other documents sharing at least half of this document's passages' groups."""
    shared: Counter[str] = Counter()
    for group, pid in zip(groups, own_ids, strict=True):
        if group == pid:
            continue
        for other in group_documents.get(group, set()) - {document_id}:
            shared[other] += 1
    return sorted(d for d, n in shared.items() if n >= DOCUMENT_SHARE_MIN * max(1, len(own_ids)))
