"""BM25 keyword index (bm25s) over passage text, tokenised by kb/analysis.py for indexing and querying alike.

Scores are computed for every row and masked, so a filter never starves the result list.
"""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np

from kb.analysis import tokenize


class BM25Index:
    def __init__(self, bm25: bm25s.BM25 | None, size: int) -> None:
        self._bm25 = bm25
        self.size = size

    @classmethod
    def build(cls, texts: list[str]) -> BM25Index:
        if not texts:
            return cls(None, 0)
        bm25 = bm25s.BM25()
        bm25.index([tokenize(t) or ["_empty_"] for t in texts], show_progress=False)
        return cls(bm25, len(texts))

    def scores(self, query: str) -> np.ndarray:
        tokens = tokenize(query)
        if self._bm25 is None or not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    def rows_with_all(self, text: str) -> np.ndarray | None:
        """Rows whose indexed text holds every (stemmed, non-stop-word) token of `text`, from the BM25
        postings; None when `text` has no such token, so the index cannot narrow anything down."""
        tokens = set(tokenize(text))
        if self._bm25 is None or not tokens:
            return None
        scores = self._bm25.scores
        vocabulary = self._bm25.vocab_dict
        postings = []
        for token in tokens:
            column = vocabulary.get(token)
            if column is None:
                return np.zeros(0, dtype=np.int64)
            postings.append(scores["indices"][scores["indptr"][column] : scores["indptr"][column + 1]])
        postings.sort(key=len)
        rows = np.asarray(postings[0], dtype=np.int64)
        for other in postings[1:]:
            rows = rows[np.isin(rows, other, assume_unique=True)]
            if rows.size == 0:
                break
        return rows

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(directory))

    @classmethod
    def load(cls, directory: Path, size: int) -> BM25Index:
        if size == 0:
            return cls(None, 0)
        return cls(bm25s.BM25.load(str(directory)), size)
