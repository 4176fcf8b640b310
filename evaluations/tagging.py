"""Tagging quality: the product tagger (a logistic head over exemplar similarity + keyword features +
embedding, blended with a logistic head over the passage's words, a threshold per principle) against
baselines, all on the same labelled passages.

Everything that is fitted or tuned — the head's weights, its regularisation, every threshold of every method —
sees the development split only; the test split is scored once. The tagger also trains on passages written for
training (data/tagging_training.jsonl): they join every training fold but are never scored, so the
cross-validated figures that choose settings are measured on real development passages only.

The fitting itself is ingest/tagger_training.py (the product's code, which knows nothing of this harness): this
module loads the labelled passages, hands the development split to it, scores the result and, with
--train-tagger, saves the model it returns.

Test passages that are near-duplicates of a development passage (the 2024 and 2025 members' packs share most
of their text) are left out of the test scores so nothing is scored on what it was trained on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evaluations.data import WRITTEN_PASSAGES, LabelledPassage, load_passages
from evaluations.metrics import prf
from ingest.catalogue import Catalogue
from ingest.tagger import HEAD_FILE, PrincipleSpace
from ingest.tagger_training import THRESHOLDS, Training, best_thresholds, train_tagger
from kb.analysis import embedding_text
from kb.dedupe import containment, shingles
from kb.embed import Embedder
from kb.principles import NAMES

# evaluations/principles.py reads THRESHOLDS, best_thresholds and prf from here.
__all__ = ["THRESHOLDS", "best_thresholds", "evaluate_tagging", "label_matrix", "prf"]

CORPUS_CATALOGUE = Path(__file__).resolve().parent.parent / "corpus" / "catalogue.yaml"


def label_matrix(passages: list[LabelledPassage]) -> np.ndarray:
    return np.array([[pid in p.labels for pid in NAMES] for p in passages], dtype=bool)


@dataclass
class Prepared:
    dev: list[LabelledPassage]
    test: list[LabelledPassage]
    excluded_test: int
    space: PrincipleSpace
    dev_embeddings: np.ndarray
    test_embeddings: np.ndarray
    embed_seconds_per_passage: float
    written: list[LabelledPassage]
    written_embeddings: np.ndarray


def prepare(embedder: Embedder) -> Prepared:
    passages = load_passages()
    dev = [p for p in passages if p.split == "dev"]
    dev_shingles = [shingles(p.text) for p in dev]
    test_all = [p for p in passages if p.split == "test"]
    test = [p for p in test_all if _closest(p.text, dev_shingles) < 0.6]
    titles = _titles()
    started = time.perf_counter()
    dev_e = embedder.embed_passages([embedding_text(titles.get(p.document_id, ""), [], p.text) for p in dev])
    test_e = embedder.embed_passages([embedding_text(titles.get(p.document_id, ""), [], p.text) for p in test])
    per_passage = (time.perf_counter() - started) / max(1, len(dev) + len(test))
    # A written passage that came out close to a test passage would train on what is scored: left out.
    test_shingles = [shingles(p.text) for p in test_all]
    written = [p for p in load_passages(WRITTEN_PASSAGES) if _closest(p.text, test_shingles) < 0.5]
    written_e = embedder.embed_passages([embedding_text("", [], p.text) for p in written])
    space = PrincipleSpace.build(embedder)
    return Prepared(dev, test, len(test_all) - len(test), space, dev_e, test_e, per_passage, written, written_e)


def _closest(text: str, others: list[set[tuple[str, ...]]]) -> float:
    """The largest word 3-shingle containment of `text` in any of `others`; the text's shingles are made once,
    not once per comparison."""
    own = shingles(text)
    return max((containment(own, other) for other in others), default=0.0)


def _titles() -> dict[str, str]:
    catalogue = Catalogue.load(CORPUS_CATALOGUE)
    return {meta.id: meta.title for meta in (catalogue.get(f) for f in catalogue.files()) if meta}


def evaluate_tagging(embedder: Embedder, train: bool = False) -> dict[str, object]:
    prepared = prepare(embedder)
    space = prepared.space
    dev_truth, test_truth = label_matrix(prepared.dev), label_matrix(prepared.test)
    dev_texts, test_texts = [p.text for p in prepared.dev], [p.text for p in prepared.test]
    results: dict[str, object] = {
        "dev_passages": len(prepared.dev),
        "test_passages": len(prepared.test),
        "test_excluded_as_near_duplicates_of_dev": prepared.excluded_test,
    }

    # Baseline 1: keywords only — tag when a principle's keyword count reaches a threshold tuned on dev.
    dev_kw, test_kw = space.keyword_counts(dev_texts), space.keyword_counts(test_texts)
    kw_thresholds = np.array([_best_count(dev_truth[:, j], dev_kw[:, j]) for j in range(10)])
    results["baseline_keywords"] = prf(test_truth, test_kw >= kw_thresholds)

    # Baseline 2: nearest principle description by cosine — the single nearest, if its cosine clears a dev-tuned bar.
    results["baseline_nearest_description"] = prf(
        test_truth,
        _nearest(prepared.test_embeddings, space, _best_bar(prepared.dev_embeddings, space, dev_truth)),
    )

    # Exemplar similarity alone (the tagger's fallback when no trained head ships).
    dev_ex = space.similarity_features(prepared.dev_embeddings)[:, 0:20:2]
    test_ex = space.similarity_features(prepared.test_embeddings)[:, 0:20:2]
    results["exemplar_similarity"] = prf(test_truth, test_ex >= best_thresholds(dev_truth, dev_ex))

    dev = Training.of(space, dev_texts, prepared.dev_embeddings, dev_truth)
    written_texts = [p.text for p in prepared.written]
    written = Training.of(space, written_texts, prepared.written_embeddings, label_matrix(prepared.written))
    model, training = train_tagger(dev, written, [p.document_id for p in prepared.dev])
    started = time.perf_counter()
    test_scores = model.probabilities(space.features(test_texts, prepared.test_embeddings), test_texts)
    tag_seconds = (time.perf_counter() - started) / max(1, len(test_texts))
    results["tagger"] = prf(test_truth, test_scores >= model.thresholds)
    results["training"] = training
    results["cost"] = {
        "embed_ms_per_passage": round(prepared.embed_seconds_per_passage * 1000, 3),
        "tag_ms_per_passage": round(tag_seconds * 1000, 3),
        "tag_share_of_embedding": round(tag_seconds / prepared.embed_seconds_per_passage, 4),
    }
    if train:
        model.save(HEAD_FILE)
        results["saved"] = str(HEAD_FILE)
    return results


def _best_count(truth: np.ndarray, counts: np.ndarray) -> int:
    best, best_f = 1, -1.0
    for t in range(1, 6):
        predicted = counts >= t
        tp = (predicted & truth).sum()
        denominator = predicted.sum() + truth.sum()
        f = 2 * tp / denominator if denominator else 0.0
        if f > best_f:
            best, best_f = t, f
    return best


def _nearest(embeddings: np.ndarray, space: PrincipleSpace, bar: float) -> np.ndarray:
    sims = embeddings @ space.description_vectors.T
    predicted = np.zeros(sims.shape, dtype=bool)
    nearest = sims.argmax(axis=1)
    for i, j in enumerate(nearest):
        predicted[i, j] = sims[i, j] >= bar
    return predicted


def _best_bar(embeddings: np.ndarray, space: PrincipleSpace, truth: np.ndarray) -> float:
    best, best_f = 0.0, -1.0
    for bar in np.arange(0.0, 0.8, 0.02):
        f = float(prf(truth, _nearest(embeddings, space, float(bar)))["micro_f1"])  # type: ignore[arg-type]
        if f > best_f:
            best, best_f = float(bar), f
    return best
