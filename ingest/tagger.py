"""Tagging passages against the ten principles, reusing the passage embeddings computed for indexing.

Features per passage (no second model pass over the corpus):
- for each principle, the highest and the mean-of-top-3 cosine similarity to its exemplar sentences, and the
  cosine to its description (30 numbers);
- for each principle, how many of its keywords occur in the text, squashed to [0, 1) (10 numbers);
- the passage embedding itself (384 numbers).
A one-vs-rest logistic regression head turns them into a probability per principle; a second one over the
passage's words (ingest/word_head.py) gives another, and the two are blended. A threshold per principle decides
the tags; "none" is a valid answer. Everything is fitted on the development split only, by ingest/tagger_training.py
run as `python -m evaluations --only tagging --train-tagger`, and ships in ingest/data/tagger.npz. Without that file
the tagger falls back to exemplar similarity alone (the baseline).
Evidence is the exemplar the passage is closest to, any keywords that fired, and the words that raised the
word head's score most.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import numpy as np

from ingest.word_head import WordHead
from kb.embed import Embedder
from kb.passage import Passage, PrincipleScore, TaggedPassage
from kb.principles import Principle, load_principles

HEAD_FILE = Path(__file__).parent / "data" / "tagger.npz"
FALLBACK_THRESHOLD = 0.55


@dataclass
class PrincipleSpace:
    """Exemplar and description embeddings for the ten principles, computed once per process."""

    principles: tuple[Principle, ...]
    exemplar_vectors: list[np.ndarray]  # one (n_exemplars, d) matrix per principle
    description_vectors: np.ndarray  # (10, d)
    keyword_patterns: list[re.Pattern[str]]

    @classmethod
    def build(cls, embedder: Embedder) -> PrincipleSpace:
        principles = load_principles()
        exemplars = [embedder.embed_passages(list(p.exemplars)) for p in principles]
        descriptions = embedder.embed_passages([f"{p.name}. {p.description}" for p in principles])
        patterns = [
            re.compile(r"\b(?:" + "|".join(re.escape(k) for k in p.keywords) + r")\b", re.IGNORECASE)
            if p.keywords
            else re.compile(r"(?!x)x")
            for p in principles
        ]
        return cls(principles, exemplars, descriptions, patterns)

    def similarity_features(self, embeddings: np.ndarray) -> np.ndarray:
        columns = []
        for vectors in self.exemplar_vectors:
            sims = embeddings @ vectors.T
            ordered = np.sort(sims, axis=1)[:, ::-1]
            columns.append(ordered[:, 0])
            columns.append(ordered[:, :3].mean(axis=1))
        columns.extend((embeddings @ self.description_vectors.T).T)
        return np.stack(columns, axis=1)

    def keyword_counts(self, texts: list[str]) -> np.ndarray:
        return np.array([[len(p.findall(t)) for p in self.keyword_patterns] for t in texts], dtype=np.float32)

    def features(self, texts: list[str], embeddings: np.ndarray) -> np.ndarray:
        counts = self.keyword_counts(texts)
        return np.hstack([self.similarity_features(embeddings), counts / (counts + 2.0), embeddings]).astype(np.float32)


@dataclass
class LinearHead:
    """One-vs-rest logistic regression weights over `PrincipleSpace.features`."""

    coef: np.ndarray  # (10, n_features)
    intercept: np.ndarray  # (10,)
    mean: np.ndarray  # feature standardisation
    scale: np.ndarray

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        logits = ((features - self.mean) / self.scale) @ self.coef.T + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))


def blended(head: np.ndarray, words: np.ndarray, weight: float) -> np.ndarray:
    """The tagger's scores: `weight` of the feature head's probabilities, the rest from the word head's."""
    return weight * head + (1.0 - weight) * words


@dataclass
class TaggerModel:
    """What ingest/tagger_training.py fits (run by `python -m evaluations --only tagging --train-tagger` on the
    development split): the feature head, the word head (ingest/word_head.py), the weight that blends them, and
    a threshold per principle."""

    head: LinearHead
    words: WordHead | None
    blend: float  # weight of `head`; the word head gets 1 - blend
    thresholds: np.ndarray  # (10,)

    def probabilities(
        self, features: np.ndarray, texts: list[str], word_vectors: np.ndarray | None = None
    ) -> np.ndarray:
        """`word_vectors`: the texts' rows from the word head's `vectorise`, when the caller has them."""
        scores = self.head.probabilities(features)
        if self.words is None or self.blend >= 1.0:
            return scores
        return blended(scores, self.words.probabilities(texts, word_vectors), self.blend)

    def save(self, path: Path) -> None:
        head = self.head
        arrays: dict[str, Any] = {
            "coef": head.coef,
            "intercept": head.intercept,
            "mean": head.mean,
            "scale": head.scale,
            "blend": np.array(self.blend),
            "thresholds": self.thresholds,
            **(self.words.arrays() if self.words is not None else {}),
        }
        np.savez(path, **arrays)

    @classmethod
    def load(cls, path: Path) -> TaggerModel | None:
        if not path.is_file():
            return None
        with np.load(path) as saved:
            data = {key: saved[key] for key in saved.files}
        head = LinearHead(data["coef"], data["intercept"], data["mean"], data["scale"])
        blend = float(data["blend"]) if "blend" in data else 1.0
        return cls(head, WordHead.from_arrays(data), blend, data["thresholds"])


class Tagger:
    def __init__(self, space: PrincipleSpace, model: TaggerModel | None) -> None:
        self.space = space
        self.model = model

    def scores(self, texts: list[str], embeddings: np.ndarray, word_vectors: np.ndarray | None = None) -> np.ndarray:
        """(n, 10) scores in [0, 1]."""
        if self.model is not None:
            return self.model.probabilities(self.space.features(texts, embeddings), texts, word_vectors)
        return np.clip(self.space.similarity_features(embeddings)[:, 0:20:2], 0.0, 1.0)

    @property
    def word_head(self) -> WordHead | None:
        return self.model.words if self.model is not None else None

    def thresholds(self) -> np.ndarray:
        return self.model.thresholds if self.model is not None else np.full(10, FALLBACK_THRESHOLD)

    def tag(self, passages: list[Passage], embeddings: np.ndarray) -> list[TaggedPassage]:
        texts = [p.text for p in passages]
        if not passages:
            return []
        words = self.word_head
        # The word vectors serve the scores and the evidence both: each passage is vectorised once.
        word_vectors = words.vectorise(texts) if words is not None else None
        scores = self.scores(texts, embeddings, word_vectors)
        tagged = scores >= self.thresholds()
        result = []
        for i, passage in enumerate(passages):
            telling = word_vectors[i] if word_vectors is not None else None
            principle_scores = [
                PrincipleScore(
                    id=p.id, score=float(scores[i, j]), evidence=self._evidence(j, texts[i], embeddings[i], telling)
                )
                if tagged[i, j]
                else PrincipleScore(id=p.id, score=float(scores[i, j]))
                for j, p in enumerate(self.space.principles)
            ]
            principles = [p.id for j, p in enumerate(self.space.principles) if tagged[i, j]]
            result.append(TaggedPassage(**passage.model_dump(), scores=principle_scores, principles=principles))
        return result

    def _evidence(self, j: int, text: str, embedding: np.ndarray, word_vector: np.ndarray | None) -> str:
        principle = self.space.principles[j]
        best = int(np.argmax(self.space.exemplar_vectors[j] @ embedding))
        keywords = sorted({m.lower() for m in self.space.keyword_patterns[j].findall(text)})
        head = self.word_head
        words = head.telling_words(text, j, vector=word_vector) if head is not None else []
        evidence = f"closest exemplar: “{principle.exemplars[best]}”"
        if keywords:
            evidence += f"; keywords: {', '.join(keywords)}"
        if words:
            evidence += f"; telling words: {', '.join(words)}"
        return evidence


def tagger_for(embedder: Embedder) -> Tagger:
    """The product tagger for an embedder, built once per process."""
    return _tagger(cast(Hashable, embedder))


@lru_cache(maxsize=4)
def _tagger(embedder: Hashable) -> Tagger:
    return Tagger(PrincipleSpace.build(cast(Embedder, embedder)), TaggerModel.load(HEAD_FILE))
