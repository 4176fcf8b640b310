"""Document-level principles: the pooled model, its saved form, and what the product's document tagger makes of
real network pages' passages (met, scores, evidence)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ingest.chunk import chunk
from ingest.document_principles import (
    FEATURES,
    MODEL_FILE,
    DocumentPrincipleModel,
    DocumentTagger,
    document_features,
    document_tagger_for,
)
from ingest.markdown import markdown_to_extraction
from ingest.tagger import tagger_for
from kb.analysis import embedding_text
from kb.embed import Embedder
from kb.passage import TaggedPassage
from tests.network_pages import PAGES


def _tagged(embedder: Embedder, stem: str) -> tuple[list[TaggedPassage], np.ndarray]:
    page = json.loads((PAGES / f"{stem}.json").read_text(encoding="utf-8"))
    _, passages = chunk(stem, "v", markdown_to_extraction(f"# {page['title']}\n\n{page['text_rewritten']}").blocks)
    embeddings = embedder.embed_passages([embedding_text(page["title"], p.heading_path, p.text) for p in passages])
    return tagger_for(embedder).tag(passages, embeddings), embeddings


def test_fit_learns_each_principles_base_rate_and_round_trips(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    features = rng.normal(size=(40, 10, len(FEATURES)))
    truth = np.zeros((40, 10), dtype=bool)
    truth[:, 7] = True  # Innovation declared for every project
    truth[:4, 1] = True  # Democratic engagement for one in ten
    model = DocumentPrincipleModel.fit(features, truth, c=1.0, thresholds=np.full(10, 0.5))
    probabilities = model.probabilities(features)
    assert probabilities.shape == (40, 10)
    assert probabilities[:, 7].mean() > 0.8 > 0.2 > probabilities[:, 1].mean()
    model.save(tmp_path / "model.json", {"note": "test"})
    loaded = DocumentPrincipleModel.load(tmp_path / "model.json")
    assert loaded is not None
    assert np.allclose(loaded.probabilities(features), probabilities, atol=1e-5)


def test_a_model_saved_for_other_features_is_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    DocumentPrincipleModel(np.zeros(10), np.zeros(3), np.zeros(3), np.ones(3), np.full(10, 0.5)).save(path)
    data = json.loads(path.read_text())
    data["features"] = ["something else", *FEATURES[1:]]
    path.write_text(json.dumps(data))
    assert DocumentPrincipleModel.load(path) is None


def test_the_shipped_model_is_fitted_on_the_network_declarations() -> None:
    model = DocumentPrincipleModel.load(MODEL_FILE)
    assert model is not None, f"{MODEL_FILE} ships with the product"
    notes = json.loads(MODEL_FILE.read_text())["notes"]
    assert "labelled projects" in notes["trained_on"]
    # Innovation is declared for nearly every project, Democratic engagement for few: the base rates say so.
    assert model.intercept[7] > model.intercept[1]


@pytest.mark.parametrize(
    "stem", ["case-study-dirty-money-charter", "case-study-brent-health-matters", "project-coop-peer-review-commission"]
)
def test_a_real_page_gets_ten_scores_with_evidence_and_its_tagged_principles_met(embedder: Embedder, stem: str) -> None:
    tagged, embeddings = _tagged(embedder, stem)
    found = document_tagger_for(embedder).principles(tagged, embeddings)
    assert [p.id for p in found] == list(range(1, 11))
    ids = {p.id for p in tagged}
    for principle in found:
        assert 0.0 <= principle.score <= 1.0
        assert 1 <= len(principle.passage_ids) <= 3 and set(principle.passage_ids) <= ids
        column = [t.scores[principle.id - 1].score for t in tagged]
        assert principle.best_passage_score == pytest.approx(max(column), abs=1e-4)
        assert principle.tagged_passages == sum(principle.id in t.principles for t in tagged)
        if principle.tagged_passages:
            assert principle.met, "a principle a passage is tagged with is met"
    assert any(p.met for p in found)


def test_probabilities_are_the_model_over_the_documents_features(embedder: Embedder) -> None:
    tagged, embeddings = _tagged(embedder, "case-study-advancing-a-shared-economy")
    tagger = tagger_for(embedder)
    model = DocumentPrincipleModel.load(MODEL_FILE)
    assert model is not None
    scores = np.array([[s.score for s in t.scores] for t in tagged])
    features = document_features(scores, tagger.thresholds(), embeddings, tagger.space)
    assert features.shape == (10, len(FEATURES))
    by_hand = 1 / (1 + np.exp(-(((features - model.mean) / model.scale) @ model.coef + model.intercept)))
    found = DocumentTagger(tagger.space, tagger.thresholds(), model).principles(tagged, embeddings)
    assert [p.score for p in found] == pytest.approx(by_hand.tolist(), abs=1e-4)
    assert [p.met for p in found] == [
        bool(by_hand[j] >= model.thresholds[j] or found[j].tagged_passages) for j in range(10)
    ]


def test_without_a_model_a_principle_is_met_when_a_passage_is_tagged(embedder: Embedder) -> None:
    tagged, embeddings = _tagged(embedder, "case-study-dirty-money-charter")
    tagger = tagger_for(embedder)
    found = DocumentTagger(tagger.space, tagger.thresholds(), None).principles(tagged, embeddings)
    assert {p.id for p in found if p.met} == {pid for t in tagged for pid in t.principles}
