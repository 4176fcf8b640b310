"""The IVF index (kb/ann.py) that dense search switches to above 50,000 passages: its lists partition the rows,
and it finds what an exact dot product finds, with and without a filter."""

from __future__ import annotations

import numpy as np
import pytest

from kb.ann import IVFIndex

ROWS, DIM, CLUSTERS = 60_000, 64, 300


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    """Topic-like clusters with wide spread (each vector is nearer to other clusters' centres than the synthetic
    benchmark's), so the probe has to find neighbours across list boundaries."""
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(CLUSTERS, DIM))
    data = centres[rng.integers(0, CLUSTERS, ROWS)] + rng.normal(scale=0.9, size=(ROWS, DIM))
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    return data.astype(np.float32)


@pytest.fixture(scope="module")
def index(vectors: np.ndarray) -> IVFIndex:
    return IVFIndex.build(vectors, sample=20_000, iterations=8)


def _queries(vectors: np.ndarray, n: int = 60) -> np.ndarray:
    rng = np.random.default_rng(11)
    picked = vectors[rng.choice(len(vectors), n, replace=False)] + rng.normal(scale=0.05, size=(n, DIM))
    return (picked / np.linalg.norm(picked, axis=1, keepdims=True)).astype(np.float32)


def _recall(index: IVFIndex, vectors: np.ndarray, mask: np.ndarray | None, k: int = 10) -> float:
    found = 0
    allowed = np.arange(len(vectors)) if mask is None else np.flatnonzero(mask)
    for query in _queries(vectors):
        scores = vectors[allowed] @ query
        exact = set(allowed[np.argsort(-scores)[:k]].tolist())
        rows, got = index.search(vectors, query, k, mask, exact_below=1_000)
        assert len(rows) == k and np.all(np.diff(got) <= 0), "k rows, best first"
        assert mask is None or mask[rows].all(), "only rows the filter allows"
        found += len(exact & set(rows.tolist()))
    return found / (k * 60)


def test_the_lists_partition_every_row_once(index: IVFIndex) -> None:
    assert sorted(index.order.tolist()) == list(range(ROWS))
    assert index.offsets[0] == 0 and index.offsets[-1] == ROWS and np.all(np.diff(index.offsets) >= 0)


def test_recall_against_exact_search_without_a_filter(index: IVFIndex, vectors: np.ndarray) -> None:
    assert _recall(index, vectors, None) >= 0.95


def test_recall_against_exact_search_under_a_filter_keeping_a_third(index: IVFIndex, vectors: np.ndarray) -> None:
    mask = np.random.default_rng(3).random(ROWS) < 0.3
    assert _recall(index, vectors, mask) >= 0.95


def test_a_narrow_filter_is_searched_exactly(index: IVFIndex, vectors: np.ndarray) -> None:
    mask = np.zeros(ROWS, dtype=bool)
    mask[np.random.default_rng(5).choice(ROWS, 500, replace=False)] = True
    assert _recall(index, vectors, mask) == 1.0
