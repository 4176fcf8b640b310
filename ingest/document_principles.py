"""A document's "principles met", as the network declares them for a project, each with the passages that show it.

The passage tagger (ingest/tagger.py) answers a strict question: does this passage evidence principle N? The network
answers a generous one for a whole project: which principles does it meet? It declares about five per project,
often with little in the page's text to show for some of them. So the document's list is its own model, fitted
on the network's declarations (../shared/ccin-pages, by `python -m evaluations --only principles
--train-document-model`), over features read from what ingest has already computed (no second model pass):

- the principle's base rate (one intercept per principle: Innovation is declared for almost every project,
  Democratic engagement for few);
- how strongly the document's best passage scores for it, as a log-odds;
- the share of the document's passages the tagger tagged with it;
- how close the document's mean passage embedding is to the principle's description, relative to the other
  nine principles (a z-score across the ten).

The slopes are shared by the ten principles (a pooled logistic regression): 32 labelled projects cannot fit ten
separate models. A threshold per principle turns the probability into "met", and a principle a passage is tagged
with is met whatever its probability (the model only ever saw short pages; a long report that evidences a
principle meets it). Every principle keeps its score and its best passages, met or not, so declared and found
can be shown side by side.

Measured (evaluations/principles.py, nested leave-one-project-out): on these pages the text tells the network's
declarations apart hardly better than chance, so the fitted slopes are near zero, the base rates decide, and the
list is generous like the network's (macro-F1 0.670 against 0.669 for marking all ten; 0.087 for the rule
it replaces, "met when a passage is tagged"). The evidence passages, and `tagged_passages`, say how much of it
the text itself shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from ingest.tagger import PrincipleSpace, tagger_for
from kb.embed import Embedder
from kb.navigation import is_navigation
from kb.passage import DocumentPrinciple, TaggedPassage

MODEL_FILE = Path(__file__).parent / "data" / "document_principles.json"
FEATURES = ("best_passage_log_odds", "share_of_passages_tagged", "description_closeness")
EVIDENCE_PASSAGES = 3


def document_features(
    scores: np.ndarray, thresholds: np.ndarray, embeddings: np.ndarray, space: PrincipleSpace
) -> np.ndarray:
    """(10, len(FEATURES)) for one document, from its passages' (n, 10) tagger scores and (n, d) embeddings."""
    best = np.clip(scores.max(axis=0), 1e-4, 1 - 1e-4)
    share = (scores >= thresholds).mean(axis=0)
    closeness = space.description_vectors @ document_centre(embeddings)
    relative = (closeness - closeness.mean()) / (closeness.std() + 1e-6)
    return np.stack([np.log(best / (1 - best)), share, relative], axis=1)


def document_centre(embeddings: np.ndarray) -> np.ndarray:
    """The document's direction: its passages' mean embedding, unit length."""
    centre = embeddings.mean(axis=0)
    return np.asarray(centre / (np.linalg.norm(centre) or 1.0))


@dataclass
class DocumentPrincipleModel:
    """Pooled logistic regression: a base rate per principle, slopes shared by all ten, a threshold each."""

    intercept: np.ndarray  # (10,)
    coef: np.ndarray  # (len(FEATURES),)
    mean: np.ndarray  # feature standardisation
    scale: np.ndarray
    thresholds: np.ndarray  # (10,)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """(..., 10) probabilities from (..., 10, len(FEATURES)) features."""
        logits = ((features - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))

    @classmethod
    def fit(cls, features: np.ndarray, truth: np.ndarray, c: float, thresholds: np.ndarray) -> DocumentPrincipleModel:
        """`features` (n_documents, 10, len(FEATURES)), `truth` (n_documents, 10) declared or not."""
        flat = features.reshape(-1, features.shape[-1])
        mean, scale = flat.mean(axis=0), flat.std(axis=0) + 1e-6
        n = features.shape[0]
        design = np.hstack([np.tile(np.eye(10), (n, 1)), (flat - mean) / scale])
        # The per-principle columns carry the base rates, so no shared intercept.
        model = LogisticRegression(C=c, fit_intercept=False, max_iter=5000).fit(design, truth.reshape(-1))
        weights = model.coef_[0]
        return cls(weights[:10], weights[10:], mean, scale, np.asarray(thresholds, dtype=np.float64))

    def save(self, path: Path, notes: dict[str, object] | None = None) -> None:
        data = {
            "features": list(FEATURES),
            "intercept": self.intercept.round(6).tolist(),
            "coef": self.coef.round(6).tolist(),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "thresholds": self.thresholds.round(4).tolist(),
            "notes": notes or {},
        }
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> DocumentPrincipleModel | None:
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("features") != list(FEATURES):
            return None  # fitted on other features: the fallback is safer than wrong weights
        return cls(
            *(np.array(data[key], dtype=np.float64) for key in ("intercept", "coef", "mean", "scale", "thresholds"))
        )


class DocumentTagger:
    """Turns a document's tagged passages into its principles: a score and a verdict for each of the ten, with
    the passages that show it best."""

    def __init__(self, space: PrincipleSpace, passage_thresholds: np.ndarray, model: DocumentPrincipleModel | None):
        self.space = space
        self.passage_thresholds = passage_thresholds
        self.model = model

    def probabilities(self, scores: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        """(10,) document-level scores; without a fitted model, the best passage's score (the old meaning)."""
        if self.model is None:
            return scores.max(axis=0)
        return self.model.probabilities(document_features(scores, self.passage_thresholds, embeddings, self.space))

    def met(self, probabilities: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Met when the document model says the network would declare it, or when a passage is tagged with it:
        the model was fitted on short project pages, and a long report with passages that evidence a principle
        meets it whatever the page-level base rates say."""
        evidenced = (scores >= self.passage_thresholds).any(axis=0)
        if self.model is None:
            return np.asarray(evidenced)
        return np.asarray(evidenced | (probabilities >= self.model.thresholds))

    def read(self, passages: list[TaggedPassage], embeddings: np.ndarray) -> tuple[list[int], np.ndarray, bool]:
        """The rows the document's principles are read from, their (rows, 10) passage scores, and whether the
        document has any passage of substance. Navigation passages (contents, reading lists, covers:
        kb/navigation.py) are not evidence; a document made only of them keeps its rows but meets nothing."""
        substantive = [i for i, p in enumerate(passages) if not is_navigation(p.text, p.heading_path)]
        rows = substantive or list(range(len(passages)))
        scores = np.array([[s.score for s in passages[i].scores] for i in rows], dtype=np.float64)
        return rows, scores, bool(substantive)

    def principles(self, passages: list[TaggedPassage], embeddings: np.ndarray) -> list[DocumentPrinciple]:
        """All ten, in id order, each with its score, verdict and best passages (see `read` for navigation)."""
        if not passages:
            return []
        rows, scores, substantive = self.read(passages, embeddings)
        probabilities = self.probabilities(scores, embeddings[rows])
        met = self.met(probabilities, scores) & substantive
        found = []
        for j, principle in enumerate(self.space.principles):
            column = scores[:, j]
            ranked = np.argsort(-column, kind="stable")[:EVIDENCE_PASSAGES]
            # The best passage always; the next ones only while they score at least half as well as it.
            best = [int(i) for i in ranked if i == ranked[0] or column[i] >= 0.5 * column[ranked[0]]]
            found.append(
                DocumentPrinciple(
                    id=principle.id,
                    score=round(float(probabilities[j]), 4),
                    met=bool(met[j]),
                    tagged_passages=int((column >= self.passage_thresholds[j]).sum()),
                    best_passage_score=round(float(column[ranked[0]]), 4),
                    strongly_evidenced=bool(column[ranked[0]] >= (1.0 + self.passage_thresholds[j]) / 2),
                    passage_ids=[passages[rows[i]].id for i in best],
                )
            )
        return found


def document_tagger_for(embedder: Embedder) -> DocumentTagger:
    """The product's document tagger for an embedder: the passage tagger's space and thresholds, the fitted
    document model (ingest/data/document_principles.json) when it ships."""
    passages = tagger_for(embedder)
    return DocumentTagger(passages.space, passages.thresholds(), _model())


@lru_cache(maxsize=1)
def _model() -> DocumentPrincipleModel | None:
    return DocumentPrincipleModel.load(MODEL_FILE)
