"""The principle tagger: its word side (scikit-learn's TF-IDF) against the formula worked by hand, its saved
model, and the shipped model on a real passage from the seeds."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from ingest.tagger import HEAD_FILE, LinearHead, Tagger, TaggerModel, tagger_for
from ingest.word_head import WordHead, terms
from kb.analysis import embedding_text
from kb.embed import Embedder
from kb.passage import Passage
from tests.conftest import ROOT

SEEDS = ROOT.parent / "shared" / "seeds"
TEXTS = [
    "Residents voted on the neighbourhood budget and voted again a year later.",
    "The council leased its depot to a housing cooperative for 125 years.",
    "Members pay subscriptions; the network is funded by its members.",
    "A cooperative of care workers now runs home care; the workers own it.",
]


def _passage(text: str, ordinal: int = 0) -> Passage:
    return Passage(
        id=f"doc:{ordinal}:x",
        document_id="doc",
        ordinal=ordinal,
        text=text,
        page=1,
        page_end=1,
        char_start=0,
        char_end=len(text),
    )


def test_terms_are_the_tokens_then_adjacent_pairs() -> None:
    assert terms("The council leased its depot") == ["council", "leas", "depot", "council leas", "leas depot"]


def _tfidf_by_hand(texts: list[str], fitted_on: list[str]) -> tuple[list[str], np.ndarray]:
    """Smoothed idf = ln((1 + n) / (1 + df)) + 1, rows of (1 + ln tf) · idf, L2-normalised."""
    df = Counter(term for text in fitted_on for term in set(terms(text)))
    words = sorted(df)
    idf = np.array([math.log((1 + len(fitted_on)) / (1 + df[w])) + 1.0 for w in words])
    rows = np.zeros((len(texts), len(words)))
    for i, text in enumerate(texts):
        for word, count in Counter(terms(text)).items():
            if word in df:
                rows[i, words.index(word)] = (1.0 + math.log(count)) * idf[words.index(word)]
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return words, rows / np.where(norms > 0, norms, 1.0)


def test_word_vectors_are_tfidf_over_the_terms_as_worked_by_hand() -> None:
    vocabulary, idf = WordHead.fit_vocabulary(TEXTS, min_df=1)
    ours = WordHead.vectors([*TEXTS, "unseen words only"], vocabulary, idf)
    words, expected = _tfidf_by_hand([*TEXTS, "unseen words only"], TEXTS)
    assert sorted(vocabulary, key=vocabulary.__getitem__) == words
    np.testing.assert_allclose(ours, expected, atol=1e-12)
    assert not ours[-1].any()
    head = WordHead(vocabulary, idf, np.zeros((10, len(words))), np.zeros(10))
    np.testing.assert_allclose(head.vectorise(TEXTS), expected[:-1], atol=1e-12)


def test_min_df_keeps_only_words_in_enough_texts() -> None:
    vocabulary, _ = WordHead.fit_vocabulary(TEXTS, min_df=2)
    assert sorted(vocabulary) == ["cooper", "year"]  # "voted" twice in one text counts once


def test_strongest_words_are_written_as_in_the_text() -> None:
    vocabulary, idf = WordHead.fit_vocabulary(TEXTS, min_df=1)
    coef = np.zeros((10, len(vocabulary)))
    coef[1, vocabulary["vote"]] = 2.0
    coef[1, vocabulary["budget"]] = 1.0
    coef[1, vocabulary["council"]] = -1.0
    head = WordHead(vocabulary, idf, coef, np.zeros(10))
    assert head.telling_words(TEXTS[0], 1) == ["voted", "budget"]
    assert head.telling_words(TEXTS[1], 1) == []
    coef[9, vocabulary["hous cooper"]] = 1.0
    assert head.telling_words(TEXTS[1], 9) == ["housing cooperative"]


def test_model_file_round_trip_and_the_older_file_without_a_word_head(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    vocabulary, idf = WordHead.fit_vocabulary(TEXTS, min_df=1)
    words = WordHead(vocabulary, idf, rng.normal(size=(10, len(vocabulary))), rng.normal(size=10))
    head = LinearHead(rng.normal(size=(10, 5)), rng.normal(size=10), rng.normal(size=5), np.ones(5))
    model = TaggerModel(head, words, 0.4, np.full(10, 0.5))
    model.save(tmp_path / "tagger.npz")
    loaded = TaggerModel.load(tmp_path / "tagger.npz")
    assert loaded is not None and loaded.blend == pytest.approx(0.4)
    features = rng.normal(size=(4, 5))
    np.testing.assert_allclose(loaded.probabilities(features, TEXTS), model.probabilities(features, TEXTS))
    expected = 0.4 * head.probabilities(features) + 0.6 * words.probabilities(TEXTS)
    np.testing.assert_allclose(model.probabilities(features, TEXTS), expected)

    np.savez(
        tmp_path / "old.npz",
        coef=head.coef,
        intercept=head.intercept,
        mean=head.mean,
        scale=head.scale,
        thresholds=np.full(10, 0.5),
    )
    old = TaggerModel.load(tmp_path / "old.npz")
    assert old is not None and old.words is None and old.blend == 1.0
    np.testing.assert_allclose(old.probabilities(features, TEXTS), head.probabilities(features))
    assert TaggerModel.load(tmp_path / "missing.npz") is None


@pytest.fixture(scope="module")
def tagger(embedder: Embedder) -> Tagger:
    assert HEAD_FILE.is_file(), "the trained tagger ships in ingest/data/tagger.npz"
    return tagger_for(embedder)


def test_seed_network_operation_passage_is_walking_the_talk_with_evidence(tagger: Tagger, embedder: Embedder) -> None:
    # seed 002's "Principles met" bullet on how the network runs: open membership, member subscriptions
    line = next(x for x in (SEEDS / "002_ab523b30d0a802b7.txt").read_text().splitlines() if "membership" in x)
    passage = _passage(line.strip(" •"))
    [tagged] = tagger.tag([passage], embedder.embed_passages([embedding_text("", [], passage.text)]))
    assert 10 in tagged.principles
    by_id = {s.id: s for s in tagged.scores}
    assert sorted(by_id) == list(range(1, 11))
    assert all(0.0 <= s.score <= 1.0 for s in tagged.scores)
    assert "closest exemplar" in by_id[10].evidence and "telling words:" in by_id[10].evidence
    telling = by_id[10].evidence.split("telling words: ")[1].split(", ")
    assert all(word in passage.text.lower() for word in telling)
    assert all(s.evidence == "" for s in tagged.scores if s.id not in tagged.principles)


def test_tags_are_the_scores_over_the_shipped_thresholds(tagger: Tagger, embedder: Embedder) -> None:
    passages = [_passage(text, i) for i, text in enumerate(TEXTS)]
    vectors = embedder.embed_passages([embedding_text("", [], p.text) for p in passages])
    scores = tagger.scores(TEXTS, vectors)
    for tagged, row in zip(tagger.tag(passages, vectors), scores, strict=True):
        assert tagged.principles == [j + 1 for j in range(10) if row[j] >= tagger.thresholds()[j]]
    assert tagger.tag([], np.zeros((0, vectors.shape[1]))) == []
