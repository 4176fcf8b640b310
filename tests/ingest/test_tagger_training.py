"""Fitting the tagger: threshold choice and macro-F1 against the formulas worked by hand, and a whole training
run on small made-up data giving a model the tagger can load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ingest.tagger import TaggerModel
from ingest.tagger_training import THRESHOLDS, Training, best_thresholds, macro_f1, train_tagger


def _best_threshold_by_hand(truth: np.ndarray, scores: np.ndarray) -> float:
    best, best_f1 = 0.5, -1.0
    for threshold in THRESHOLDS:
        predicted = scores >= threshold
        denominator = predicted.sum() + truth.sum()
        f1 = 2 * (predicted & truth).sum() / denominator if denominator else 0.0
        if f1 > best_f1:  # the lowest of equal thresholds
            best, best_f1 = float(threshold), f1
    return best


def test_best_thresholds_are_the_lowest_with_the_best_f1() -> None:
    rng = np.random.default_rng(5)
    truth = rng.random((60, 10)) < 0.3
    truth[:, 3] = False  # a principle nobody labelled: every threshold scores 0, the lowest is kept
    scores = np.clip(truth * 0.3 + rng.random((60, 10)) * 0.7, 0, 1).round(2)
    chosen = best_thresholds(truth, scores)
    assert chosen.tolist() == [_best_threshold_by_hand(truth[:, j], scores[:, j]) for j in range(10)]
    assert chosen[3] == THRESHOLDS[0]


def test_macro_f1_counts_a_principle_neither_labelled_nor_predicted_as_zero() -> None:
    truth = np.zeros((4, 10), dtype=bool)
    truth[:2, 0] = True
    predicted = truth.copy()
    assert macro_f1(truth, predicted) == 0.1


@pytest.mark.slow
def test_training_on_made_up_passages_gives_a_model_that_loads(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    words = ["ballot", "lease", "peer", "budget", "care", "energy", "food", "housing", "youth", "members"]

    def passages(n: int) -> Training:
        truth = rng.random((n, 10)) < 0.25
        texts = [" ".join(w for j, w in enumerate(words) if row[j] or rng.random() < 0.1) + " council" for row in truth]
        features = truth * 1.0 + rng.normal(scale=0.5, size=(n, 10))
        return Training(features, texts, truth)

    dev, written = passages(50), passages(10)
    documents = [f"doc{i % 10}" for i in range(50)]
    model, report = train_tagger(dev, written, documents, head_cs=(0.1,), words_cs=(10.0,), blends=(0.0, 0.5))
    assert set(model.thresholds) <= set(THRESHOLDS) and model.words is not None
    assert report["written_passages"] == 10 and 0.5 < float(report["cv_macro_f1"]) <= 1.0  # type: ignore[arg-type]
    model.save(tmp_path / "tagger.npz")
    loaded = TaggerModel.load(tmp_path / "tagger.npz")
    assert loaded is not None
    np.testing.assert_allclose(
        loaded.probabilities(dev.features, dev.texts), model.probabilities(dev.features, dev.texts)
    )
