"""Tagging quality: the product tagger (a logistic head over exemplar similarity + keyword features +
embedding, blended with a logistic head over the passage's words, a threshold per principle) against
baselines, all on the same labelled passages.

Everything that is fitted or tuned — the head's weights, its regularisation, every threshold of every method —
sees the development split only; the test split is scored once. The tagger also trains on passages written for
training (data/tagging_training.jsonl): they join every training fold but are never scored, so the
cross-validated figures that choose settings are measured on real development passages only.

Test passages that are near-duplicates of a development passage (the 2024 and 2025 members' packs share most
of their text) are left out of the test scores so nothing is scored on what it was trained on.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold

from evaluations.data import WRITTEN_PASSAGES, LabelledPassage, load_passages
from ingest.catalogue import Catalogue
from ingest.tagger import HEAD_FILE, LinearHead, PrincipleSpace, TaggerModel, blended
from ingest.word_head import WordHead
from kb.analysis import embedding_text
from kb.dedupe import containment, shingles
from kb.embed import Embedder
from kb.principles import NAMES

CORPUS_CATALOGUE = HEAD_FILE.parent.parent.parent / "corpus" / "catalogue.yaml"
THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.01), 2)


def label_matrix(passages: list[LabelledPassage]) -> np.ndarray:
    return np.array([[pid in p.labels for pid in NAMES] for p in passages], dtype=bool)


def prf(truth: np.ndarray, predicted: np.ndarray) -> dict[str, object]:
    """Per-principle precision/recall/F1 plus micro and macro F1."""
    rows = {}
    f1s = []
    for j, pid in enumerate(NAMES):
        tp = int((truth[:, j] & predicted[:, j]).sum())
        fp = int((~truth[:, j] & predicted[:, j]).sum())
        fn = int((truth[:, j] & ~predicted[:, j]).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        f1s.append(f)
        rows[pid] = {
            "name": NAMES[pid],
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
            "support": int(truth[:, j].sum()),
        }
    tp = int((truth & predicted).sum())
    fp = int((~truth & predicted).sum())
    fn = int((truth & ~predicted).sum())
    micro_p = tp / (tp + fp) if tp + fp else 0.0
    micro_r = tp / (tp + fn) if tp + fn else 0.0
    micro = 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0
    return {
        "macro_f1": round(float(np.mean(f1s)), 4),
        "micro_f1": round(micro, 4),
        "micro_precision": round(micro_p, 4),
        "micro_recall": round(micro_r, 4),
        "per_principle": rows,
    }


def best_thresholds(truth: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Per principle, the threshold with the best F1 on the given (development) scores."""
    chosen = []
    for j in range(truth.shape[1]):
        best_t, best_f = 0.5, -1.0
        for t in THRESHOLDS:
            predicted = scores[:, j] >= t
            tp = (predicted & truth[:, j]).sum()
            denominator = predicted.sum() + truth[:, j].sum()
            f = 2 * tp / denominator if denominator else 0.0
            if f > best_f:
                best_t, best_f = float(t), f
        chosen.append(best_t)
    return np.array(chosen)


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


HEAD_C = (0.01, 0.03, 0.1, 0.3)
WORDS_C = (3.0, 10.0, 30.0)
BLENDS = (0.0, 0.25, 0.5, 0.75, 1.0)  # weight of the feature head; the word head gets the rest


@dataclass
class Training:
    """Labelled passages as the heads see them: the (standardised-later) features, the texts and the labels."""

    features: np.ndarray
    texts: list[str]
    truth: np.ndarray

    def take(self, rows: np.ndarray) -> Training:
        return Training(self.features[rows], [self.texts[i] for i in rows], self.truth[rows])

    def plus(self, other: Training) -> Training:
        return Training(
            np.vstack([self.features, other.features]), self.texts + other.texts, np.vstack([self.truth, other.truth])
        )


def cross_validated_scores(
    scored: Training,
    extra: Training | None = None,
    head_cs: tuple[float, ...] = HEAD_C,
    words_cs: tuple[float, ...] = WORDS_C,
    folds: int = 5,
    documents: list[str] | None = None,
) -> tuple[dict[float, np.ndarray], dict[float, np.ndarray]]:
    """Out-of-fold probabilities on the development split for every C of each head. `extra` passages (written
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


def train_tagger(prepared: Prepared) -> tuple[TaggerModel, dict[str, object]]:
    """Choose each head's C, the blend and the thresholds by 5-fold cross-validation on the development split
    (best macro-F1; written passages in every training fold), then fit both heads on all of it."""
    space = prepared.space
    dev_texts, written_texts = [p.text for p in prepared.dev], [p.text for p in prepared.written]
    dev = Training(space.features(dev_texts, prepared.dev_embeddings), dev_texts, label_matrix(prepared.dev))
    written = Training(
        space.features(written_texts, prepared.written_embeddings), written_texts, label_matrix(prepared.written)
    )
    head_scores, word_scores = cross_validated_scores(dev, written)
    tuning = {}
    best: tuple[float, float, float, float] | None = None  # macro, head C, words C, blend
    for head_c, words_c, blend in itertools.product(HEAD_C, WORDS_C, BLENDS):
        macro = _cv_macro(dev.truth, blended(head_scores[head_c], word_scores[words_c], blend))
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

    def cv_macro_at_chosen(extra: Training | None, documents: list[str] | None = None) -> float:
        head, words = cross_validated_scores(dev, extra, (head_c,), (words_c,), documents=documents)
        return round(_cv_macro(dev.truth, blended(head[head_c], words[words_c], blend)), 4)

    chosen = {
        "head_C": head_c,
        "words_C": words_c,
        "blend": blend,
        "cv_macro_f1": round(best[0], 4),
        # The same settings without the written passages: what they add, measured on the same folds.
        "cv_macro_f1_without_written_passages": cv_macro_at_chosen(None),
        "written_passages": len(prepared.written),
        # With whole documents held out: passages of one report share topic and wording, so folds that split
        # a document flatter the model; this is the figure to expect on a document it has never seen.
        "cv_macro_f1_documents_held_out": cv_macro_at_chosen(written, [p.document_id for p in prepared.dev]),
    }
    return model, {**chosen, "cv_macro_f1_by_setting": tuning, "thresholds": model.thresholds.round(2).tolist()}


def _cv_macro(truth: np.ndarray, scores: np.ndarray) -> float:
    """Macro-F1 of out-of-fold scores with each principle's best threshold on them."""
    return float(prf(truth, scores >= best_thresholds(truth, scores))["macro_f1"])  # type: ignore[arg-type]


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

    model, training = train_tagger(prepared)
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
