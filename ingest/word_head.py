"""The tagger's word side: which terms a passage uses, as TF-IDF over stemmed words and word pairs, scored by
one logistic regression per principle.

The passage embedding blurs a 180-word passage into one point, and the words that mark a principle ("ballot",
"subscription", "peer", "lease") often sit in one sentence of it; a bag of words keeps them. Pairs of adjacent
words keep what one word cannot: "asset transfer", "peer review", "social value", "spun out". Tokens come from
the BM25 tokenizer (lower case, stop words out, Snowball stems), so "voted" and "votes" count as one word.
Measured by 5-fold cross-validation on the development passages (evaluations/tagging.py): adding pairs took
the blend's macro-F1 from 0.682 to 0.703. The vectors are scikit-learn's `TfidfVectorizer`: (1 + ln tf) · idf with
smoothed idf = ln((1 + n) / (1 + df)) + 1, L2-normalised rows; only the vocabulary and the idf are saved.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from kb.analysis import tokenize


@dataclass
class WordHead:
    vocabulary: dict[str, int]
    idf: np.ndarray  # (V,)
    coef: np.ndarray  # (10, V)
    intercept: np.ndarray  # (10,)

    def __post_init__(self) -> None:
        self.words = sorted(self.vocabulary, key=self.vocabulary.__getitem__)  # column order
        self._vectorizer = _vectorizer(self.vocabulary, self.idf)

    @staticmethod
    def fit_vocabulary(texts: list[str], min_df: int = 2) -> tuple[dict[str, int], np.ndarray]:
        """Terms in at least `min_df` texts, in sorted order, with their smoothed idf."""
        fitted = _vectorizer(min_df=min_df).fit(texts)
        return {str(term): int(column) for term, column in fitted.vocabulary_.items()}, fitted.idf_

    @staticmethod
    def vectors(texts: list[str], vocabulary: dict[str, int], idf: np.ndarray) -> np.ndarray:
        """(n, V) TF-IDF rows; words outside the vocabulary are ignored."""
        return _vectorizer(vocabulary, idf).transform(texts).toarray()

    def vectorise(self, texts: list[str]) -> np.ndarray:
        return self._vectorizer.transform(texts).toarray()

    def probabilities(self, texts: list[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """`vectors`: the texts' `vectorise` rows, when the caller has them already."""
        logits = (self.vectorise(texts) if vectors is None else vectors) @ self.coef.T + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))

    def telling_words(self, text: str, principle: int, n: int = 3, vector: np.ndarray | None = None) -> list[str]:
        """The n terms of `text` that raise principle `principle`'s (0-based) score most, as written in the
        text: part of the evidence shown to a person (`vector`: the text's `vectorise` row, if known)."""
        vector = self.vectorise([text])[0] if vector is None else vector
        present = np.flatnonzero(vector)
        contribution = vector[present] * self.coef[principle, present]
        ranked = np.argsort(-contribution, kind="stable")[:n]
        best = [int(present[k]) for k in ranked if contribution[k] > 0]
        written: dict[str, str] = {}
        for raw in re.findall(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*", text):
            for stem in _stems(raw.lower()):
                written.setdefault(stem, raw.lower())
        return [" ".join(written.get(stem, stem) for stem in self.words[i].split(" ")) for i in best]

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "words": np.array(self.words),
            "words_idf": self.idf,
            "words_coef": self.coef,
            "words_intercept": self.intercept,
        }

    @classmethod
    def from_arrays(cls, data: dict[str, np.ndarray]) -> WordHead | None:
        if "words" not in data:
            return None
        vocabulary = {str(w): i for i, w in enumerate(data["words"])}
        return cls(vocabulary, data["words_idf"], data["words_coef"], data["words_intercept"])


def _vectorizer(
    vocabulary: dict[str, int] | None = None, idf: np.ndarray | None = None, min_df: int = 1
) -> TfidfVectorizer:
    """The word head's TF-IDF over `terms`: fitted when given a vocabulary and its idf, else ready to fit."""
    vectorizer = TfidfVectorizer(
        tokenizer=tokenize,
        lowercase=False,  # tokenize lower-cases, and must see the text as written
        token_pattern=None,
        ngram_range=(1, 2),  # tokens, then pairs of adjacent tokens: the same as `terms`
        min_df=min_df,
        sublinear_tf=True,
        vocabulary=vocabulary,
        dtype=np.float64,
    )
    if idf is not None:
        vectorizer.idf_ = idf
    return vectorizer


@lru_cache(maxsize=65536)
def _stems(word: str) -> tuple[str, ...]:
    return tuple(tokenize(word))


def terms(text: str) -> list[str]:
    """The text's tokens, then each pair of adjacent tokens: "asset transfer" gives asset, transfer, asset transfer."""
    tokens = tokenize(text)
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]
