"""Telling "no close match" from an answer: when even the closest of a query's top passages is far from it in
meaning, the results are what the index holds nearest, not answers, and the response says so (`weak`).

The floor is on the cosine between the query and its closest top-10 passage (dense vectors, normalised). It
was set on the development queries, every one of which has a relevant passage: the largest value, rounded down
to 0.01, that flags none of them (their lowest is 0.262). Measured with `python -m evaluations --only weak`:
no test query flagged, and most of a held-out list of off-topic queries flagged (see the results table).
"""

from __future__ import annotations

import numpy as np

from kb.snapshot import Snapshot

WEAK_BELOW = 0.26


def closest(table: Snapshot, query_vector: np.ndarray, rows: list[int]) -> float:
    """The cosine between the query and the closest of `rows` (-1 when there are none)."""
    return float(np.max(table.embeddings[rows] @ query_vector)) if rows else -1.0


def is_weak(table: Snapshot, query_vector: np.ndarray, rows: list[int], floor: float = WEAK_BELOW) -> bool:
    """Whether results exist but none is close to the query."""
    return bool(rows) and closest(table, query_vector, rows) < floor
