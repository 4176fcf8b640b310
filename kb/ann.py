"""An inverted-file (IVF) index over the snapshot's vectors, so dense search grows sub-linearly with the index.

Vectors are grouped around `n_lists ≈ 4·√N` centroids (k-means on a sample, then every vector assigned to
its nearest centroid). A query scores the centroids, scans only the rows of the `n_probe` nearest lists with an
exact dot product, and returns the best. Cost per query ≈ n_lists + n_probe·N/n_lists dot products instead
of N: about 2·√N·(1 + n_probe/4)… i.e. O(√N) for a fixed probe count.

Filters: when the allowed rows are few (below `exact_below`), an exact pass over exactly those rows is cheaper
and perfect; otherwise the probe widens until k allowed rows are found or every list was scanned.
Small indexes (below `min_rows`) never build an IVF: exact search is already a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

IVF_MIN_ROWS = 50_000  # below this, exact search over every row takes a few milliseconds


@dataclass
class IVFIndex:
    centroids: np.ndarray  # (n_lists, d), L2-normalised
    order: np.ndarray  # row ids sorted by list
    offsets: np.ndarray  # list i holds order[offsets[i]:offsets[i + 1]]
    n_probe: int = 16

    @classmethod
    def build(cls, vectors: np.ndarray, seed: int = 0, sample: int = 60_000, iterations: int = 12) -> IVFIndex:
        n = len(vectors)
        n_lists = max(16, int(4 * np.sqrt(n)))
        rng = np.random.default_rng(seed)
        training = vectors[rng.choice(n, min(n, max(sample, 40 * n_lists)), replace=False)]
        centroids = training[rng.choice(len(training), n_lists, replace=False)].copy()
        for _ in range(iterations):  # spherical k-means on the sample
            assign = _nearest(training, centroids)
            sums = np.zeros_like(centroids)
            np.add.at(sums, assign, training)
            empty = np.bincount(assign, minlength=n_lists) == 0
            sums[empty] = training[rng.choice(len(training), int(empty.sum()), replace=False)]
            centroids = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
        assign = _nearest(vectors, centroids)
        order = np.argsort(assign, kind="stable")
        offsets = np.searchsorted(assign[order], np.arange(n_lists + 1))
        return cls(centroids.astype(np.float32), order, offsets)

    def search(
        self,
        vectors: np.ndarray,
        query: np.ndarray,
        n: int,
        mask: np.ndarray | None = None,
        exact_below: int = 20_000,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores) of the n best allowed rows, best first."""
        if mask is not None:
            allowed = np.flatnonzero(mask)
            if len(allowed) <= exact_below:
                return _best(allowed, vectors[allowed] @ query, n)
        lists = np.argsort(-(self.centroids @ query))
        probe = self.n_probe
        while True:
            chosen = lists[:probe]
            rows = np.concatenate([self.order[self.offsets[i] : self.offsets[i + 1]] for i in chosen])
            if mask is not None:
                rows = rows[mask[rows]]
            if len(rows) >= n or probe >= len(lists):
                return _best(rows, vectors[rows] @ query, n)
            probe *= 2


def _nearest(vectors: np.ndarray, centroids: np.ndarray, batch: int = 65_536) -> np.ndarray:
    out = np.empty(len(vectors), dtype=np.int64)
    for start in range(0, len(vectors), batch):
        out[start : start + batch] = np.argmax(vectors[start : start + batch] @ centroids.T, axis=1)
    return out


def _best(rows: np.ndarray, scores: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    if len(rows) == 0:
        return rows, scores
    n = min(n, len(rows))
    top = np.argpartition(-scores, n - 1)[:n]
    top = top[np.argsort(-scores[top], kind="stable")]
    return rows[top], scores[top]
