"""BM25 keyword index (bm25s) over passage text, with the tokenizer shared by indexing and querying.

Tokens are lower-cased words and numbers with English stop words removed, reduced by the Snowball (Porter 2)
English stemmer, so "financing" finds "finance" and "councils" finds "council" (measured on the development
queries: BM25 nDCG@10 0.589 with plural folding only, 0.611 with Snowball). Scores are computed for every
row and masked, so a filter never starves the result list.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
from nltk.stem.snowball import SnowballStemmer

_TOKEN_RE = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours ourselves out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your yours
    yourself yourselves any anyone anybody has have been there what which who""".split()  # noqa: SIM905
)


TOKENIZER_VERSION = "snowball-1"  # bump when tokenize() changes: saved snapshots are then rebuilt
_STEMMER = SnowballStemmer("english")


@lru_cache(maxsize=200_000)
def _stem(token: str) -> str:
    return str(_STEMMER.stem(token))


def tokenize(text: str) -> list[str]:
    tokens = []
    for raw in _TOKEN_RE.findall(text.lower().replace("’", "'")):
        for part in [raw, *raw.split("-")] if "-" in raw else [raw]:
            if part not in STOP_WORDS:
                tokens.append(_stem(part.removesuffix("'s")))
    return tokens


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
