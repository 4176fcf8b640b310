"""Fitting the passage tagger (ingest/tagger.py) from labelled passages: both heads' weights, each head's
regularisation, the blend and a threshold per principle, all chosen by cross-validated macro-F1.

The caller passes the labelled passages in (their texts, embeddings' features and a (n, 10) label matrix);
nothing here reads evaluation data or writes the model, so the product's model does not depend on the
evaluation harness. `python -m evaluations --only tagging --train-tagger` calls `train_tagger` on the
development split and saves what it returns.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold, KFold

from ingest.tagger import LinearHead, PrincipleSpace, TaggerModel, blended
from ingest.word_head import WordHead

THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.01), 2)
HEAD_C = (0.01, 0.03, 0.1, 0.3)
WORDS_C = (3.0, 10.0, 30.0)
BLENDS = (0.0, 0.25, 0.5, 0.75, 1.0)  # weight of the feature head; the word head gets the rest


@dataclass
class Training:
    """Labelled passages as the heads see them: the (standardised-later) features, the texts and the labels."""

    features: np.ndarray
    texts: list[str]
    truth: np.ndarray  # (n, 10) booleans

    @classmethod
    def of(cls, space: PrincipleSpace, texts: list[str], embeddings: np.ndarray, truth: np.ndarray) -> Training:
        return cls(space.features(texts, embeddings), texts, truth)

    def take(self, rows: np.ndarray) -> Training:
        return Training(self.features[rows], [self.texts[i] for i in rows], self.truth[rows])

    def plus(self, other: Training) -> Training:
        return Training(
            np.vstack([self.features, other.features]), self.texts + other.texts, np.vstack([self.truth, other.truth])
        )


def macro_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Mean per-principle F1 (0 for a principle neither labelled nor predicted), rounded to 4 places: settings
    are compared at that precision, and the first of equals wins."""
    return round(float(f1_score(truth, predicted, average="macro", zero_division=0)), 4)


def best_thresholds(truth: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Per principle, the threshold with the best F1 on the given (development) scores; the lowest of equals."""
    chosen = []
    for j in range(truth.shape[1]):
        predicted = scores[:, j][None, :] >= THRESHOLDS[:, None]  # (thresholds, n)
        true_positives = (predicted & truth[:, j]).sum(axis=1)
        denominators = predicted.sum(axis=1) + truth[:, j].sum()
        f1 = np.divide(2 * true_positives, denominators, out=np.zeros(len(THRESHOLDS)), where=denominators > 0)
        chosen.append(float(THRESHOLDS[int(np.argmax(f1))]))
    return np.array(chosen)


def _logistic(x: np.ndarray, truth: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    """One-vs-rest logistic regression, classes balanced: (coef (10, n_features), intercept (10,))."""
    coef, intercept = [], []
    for j in range(truth.shape[1]):
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
        model.fit(x, truth[:, j])
        coef.append(model.coef_[0])
        intercept.append(model.intercept_[0])
    return np.array(coef), np.array(intercept)


def fit_head(features: np.ndarray, truth: np.ndarray, c: float) -> LinearHead:
    mean = features.mean(axis=0)
    scale = features.std(axis=0) + 1e-6
    coef, intercept = _logistic((features - mean) / scale, truth, c)
    return LinearHead(coef, intercept, mean, scale)


def fit_words(texts: list[str], truth: np.ndarray, c: float) -> WordHead:
    vocabulary, idf = WordHead.fit_vocabulary(texts)
    coef, intercept = _logistic(WordHead.vectors(texts, vocabulary, idf), truth, c)
    return WordHead(vocabulary, idf, coef, intercept)


def cross_validated_scores(
    scored: Training,
    extra: Training | None = None,
    head_cs: tuple[float, ...] = HEAD_C,
    words_cs: tuple[float, ...] = WORDS_C,
    folds: int = 5,
    documents: list[str] | None = None,
) -> tuple[dict[float, np.ndarray], dict[float, np.ndarray]]:
    """Out-of-fold probabilities on the scored passages for every C of each head. `extra` passages (written
    for training) join every training fold and are never scored. With `documents` (each passage's document
    id) a document's passages are held out together, as when the tagger meets a new document."""
    head = {c: np.zeros(scored.truth.shape) for c in head_cs}
    words = {c: np.zeros(scored.truth.shape) for c in words_cs}
    splitter = (
        KFold(folds, shuffle=True, random_state=13).split(scored.features)
        if documents is None
        else GroupKFold(folds).split(scored.features, groups=documents)
    )
    for train_rows, held in splitter:
        train = scored.take(train_rows) if extra is None else scored.take(train_rows).plus(extra)
        held_texts = [scored.texts[i] for i in held]
        for c in head_cs:
            head[c][held] = fit_head(train.features, train.truth, c).probabilities(scored.features[held])
        for c in words_cs:
            words[c][held] = fit_words(train.texts, train.truth, c).probabilities(held_texts)
    return head, words


def cv_macro_f1(truth: np.ndarray, scores: np.ndarray) -> float:
    """Macro-F1 of out-of-fold scores with each principle's best threshold on them."""
    return macro_f1(truth, scores >= best_thresholds(truth, scores))


def train_tagger(
    dev: Training,
    written: Training,
    documents: list[str],
    head_cs: tuple[float, ...] = HEAD_C,
    words_cs: tuple[float, ...] = WORDS_C,
    blends: tuple[float, ...] = BLENDS,
) -> tuple[TaggerModel, dict[str, object]]:
    """Choose each head's C, the blend and the thresholds by 5-fold cross-validation on the `dev` passages
    (best macro-F1; the `written` passages in every training fold), then fit both heads on all of them.
    `documents`: each dev passage's document id, for the figure with whole documents held out."""
    head_scores, word_scores = cross_validated_scores(dev, written, head_cs, words_cs)
    tuning = {}
    best: tuple[float, float, float, float] | None = None  # macro, head C, words C, blend
    for head_c, words_c, blend in itertools.product(head_cs, words_cs, blends):
        macro = cv_macro_f1(dev.truth, blended(head_scores[head_c], word_scores[words_c], blend))
        tuning[f"head C={head_c}, words C={words_c}, blend={blend}"] = macro
        if best is None or macro > best[0]:
            best = (macro, head_c, words_c, blend)
    assert best is not None
    _, head_c, words_c, blend = best
    scores = blended(head_scores[head_c], word_scores[words_c], blend)
    everything = dev.plus(written)
    model = TaggerModel(
        fit_head(everything.features, everything.truth, head_c),
        fit_words(everything.texts, everything.truth, words_c),
        blend,
        best_thresholds(dev.truth, scores),
    )

    def cv_macro_at_chosen(extra: Training | None, groups: list[str] | None = None) -> float:
        head, words = cross_validated_scores(dev, extra, (head_c,), (words_c,), documents=groups)
        return cv_macro_f1(dev.truth, blended(head[head_c], words[words_c], blend))

    chosen = {
        "head_C": head_c,
        "words_C": words_c,
        "blend": blend,
        "cv_macro_f1": round(best[0], 4),
        # The same settings without the written passages: what they add, measured on the same folds.
        "cv_macro_f1_without_written_passages": cv_macro_at_chosen(None),
        "written_passages": len(written.texts),
        # With whole documents held out: passages of one report share topic and wording, so folds that split
        # a document flatter the model; this is the figure to expect on a document it has never seen.
        "cv_macro_f1_documents_held_out": cv_macro_at_chosen(written, documents),
    }
    return model, {**chosen, "cv_macro_f1_by_setting": tuning, "thresholds": model.thresholds.round(2).tolist()}
