"""Document-level principles against what the network itself declared for its projects.

The labelled projects are the real network pages in ../shared/ccin-pages (our wording, the network's facts and
"Principles met" lists) plus the seed project page (CCIN Action Learning). Each is tagged through the product's
own path (Markdown → chunk → embed → passage tagger → document model). Pages whose stored copy held only the
list keep their title as their text: a page with almost nothing to read is a case the product meets too.

Every figure for the document model is cross-validated with one project held out at a time (each page is its
own project), and everything the model chooses — its regularisation and its thresholds — is chosen inside the
training part of each fold (nested), so a held-out project never influences its own verdict. Beside it, in the
same run: marking all ten principles; the closeness of the document to each principle's description with the
best single threshold (chosen on all pages, so the baseline is flattered); and the rule the product used before
(a principle is met when one passage is tagged with it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evaluations.tagging import THRESHOLDS, best_thresholds, prf
from ingest.chunk import chunk
from ingest.document_principles import (
    FEATURES,
    MODEL_FILE,
    DocumentPrincipleModel,
    DocumentTagger,
    document_centre,
    document_features,
)
from ingest.markdown import markdown_to_extraction
from ingest.tagger import Tagger, tagger_for
from kb.analysis import embedding_text
from kb.embed import Embedder
from kb.passage import TaggedPassage

SHARED = Path(__file__).resolve().parents[2] / "shared"
PAGES = SHARED / "ccin-pages"
SEED_PROJECT_PAGE = SHARED / "seeds" / "002_ab523b30d0a802b7.txt"
SEED_TITLE = "CCIN Action Learning: Co-operation through Covid-19"
SEED_DECLARED = (3, 4, 6, 7, 8, 9, 10)
C_GRID = (0.03, 0.1, 0.3, 1.0)


@dataclass
class LabelledDocument:
    id: str
    title: str
    text: str
    declared: tuple[int, ...]


@dataclass
class TaggedDocument:
    document: LabelledDocument
    passages: list[TaggedPassage]
    embeddings: np.ndarray  # (n_passages, d)


def load_documents() -> list[LabelledDocument]:
    documents = []
    for path in sorted(PAGES.glob("*.json")):
        page = json.loads(path.read_text(encoding="utf-8"))
        documents.append(
            LabelledDocument(path.stem, page["title"], page.get("text_rewritten") or "", tuple(page["principles_met"]))
        )
    if SEED_PROJECT_PAGE.is_file():
        text = SEED_PROJECT_PAGE.read_text(encoding="utf-8")
        # The "Principles met" block quotes the statements word for word: only the project's own text is kept.
        body = text[text.index("About the project") :] if "About the project" in text else text
        documents.append(LabelledDocument("seed-action-learning", SEED_TITLE, body, SEED_DECLARED))
    return documents


def tag_documents(documents: list[LabelledDocument], embedder: Embedder, tagger: Tagger) -> list[TaggedDocument]:
    tagged = []
    for document in documents:
        extraction = markdown_to_extraction(f"# {document.title}\n\n{document.text}")
        _, passages = chunk(document.id, "evaluation", extraction.blocks)
        embeddings = embedder.embed_passages([embedding_text(document.title, p.heading_path, p.text) for p in passages])
        tagged.append(TaggedDocument(document, tagger.tag(passages, embeddings), embeddings))
    return tagged


def _fit(
    features: np.ndarray, truth: np.ndarray, evidenced: np.ndarray
) -> tuple[DocumentPrincipleModel, dict[str, object]]:
    """Choose C and the thresholds by leave-one-project-out on these documents only, then fit on all of them.
    A principle a passage is tagged with is met whatever its probability (`evidenced`), so the thresholds are
    chosen for the rest."""
    best: tuple[float, float, np.ndarray] | None = None
    for c in C_GRID:
        held_out = np.where(evidenced, 1.0, _leave_one_out(features, truth, c))
        thresholds = best_thresholds(truth, held_out)
        macro = float(prf(truth, held_out >= thresholds)["macro_f1"])  # type: ignore[arg-type]
        if best is None or macro > best[0]:
            best = (macro, c, thresholds)
    assert best is not None
    macro, c, thresholds = best
    return DocumentPrincipleModel.fit(features, truth, c, thresholds), {"C": c, "inner_cv_macro_f1": round(macro, 4)}


def _leave_one_out(features: np.ndarray, truth: np.ndarray, c: float) -> np.ndarray:
    held_out = np.zeros(truth.shape)
    for i in range(len(truth)):
        keep = np.arange(len(truth)) != i
        model = DocumentPrincipleModel.fit(features[keep], truth[keep], c, np.zeros(10))
        held_out[i] = model.probabilities(features[i])
    return held_out


def evaluate_principles(embedder: Embedder, train: bool = False) -> dict[str, object]:
    documents = load_documents()
    if not documents:
        return {"skipped": f"no labelled pages in {PAGES}"}
    tagger = tagger_for(embedder)
    passage_thresholds = tagger.thresholds()
    tagged = tag_documents(documents, embedder, tagger)
    truth = np.array([[pid in t.document.declared for pid in range(1, 11)] for t in tagged])
    reader = DocumentTagger(tagger.space, passage_thresholds, None)
    read = [reader.read(t.passages, t.embeddings) for t in tagged]
    features = np.array(
        [
            document_features(scores, passage_thresholds, t.embeddings[rows], tagger.space)
            for t, (rows, scores, _) in zip(tagged, read, strict=True)
        ]
    )
    evidenced = np.array([(scores >= passage_thresholds).any(axis=0) for _, scores, _ in read])
    with_text = np.array([bool(t.document.text.strip()) for t in tagged])

    # Nested leave-one-project-out: each held-out project's verdict comes from a model (C, thresholds, weights)
    # chosen and fitted without it, applied by the product's own DocumentTagger.
    predicted = np.zeros(truth.shape, dtype=bool)
    chosen_c: list[float] = []
    for i in range(len(tagged)):
        keep = np.arange(len(tagged)) != i
        model, notes = _fit(features[keep], truth[keep], evidenced[keep])
        found = DocumentTagger(tagger.space, passage_thresholds, model).principles(
            tagged[i].passages, tagged[i].embeddings
        )
        predicted[i] = [p.met for p in found]
        chosen_c.append(float(notes["C"]))  # type: ignore[arg-type]

    previous_rule = np.array(
        [[pid in {q for p in t.passages for q in p.principles} for pid in range(1, 11)] for t in tagged]
    )
    closeness = np.array([tagger.space.description_vectors @ document_centre(t.embeddings) for t in tagged])
    bar = max(THRESHOLDS - 0.3, key=lambda b: float(prf(truth, closeness >= b)["macro_f1"]))  # type: ignore[arg-type]

    def scored(rows: np.ndarray) -> dict[str, object]:
        return {
            "documents": int(rows.sum()),
            "declared_per_document": round(float(truth[rows].sum(axis=1).mean()), 2),
            "document_model": {
                **prf(truth[rows], predicted[rows]),
                "met_per_document": round(float(predicted[rows].sum(axis=1).mean()), 2),
            },
            "baseline_all_ten": prf(truth[rows], np.ones_like(truth[rows])),
            "baseline_description_closeness_bar": round(float(bar), 2),
            "baseline_description_closeness": prf(truth[rows], closeness[rows] >= bar),
            "previous_rule_any_passage_tagged": {
                **prf(truth[rows], previous_rule[rows]),
                "met_per_document": round(float(previous_rule[rows].sum(axis=1).mean()), 2),
            },
        }

    results: dict[str, object] = {
        "pages": str(PAGES),
        "all_documents": scored(np.ones(len(tagged), dtype=bool)),
        "documents_with_text": scored(with_text),
        "chosen_C_per_fold": {str(c): chosen_c.count(c) for c in sorted(set(chosen_c))},
        "per_document": [
            {
                "id": t.document.id,
                "declared": list(t.document.declared),
                "met": [pid for pid in range(1, 11) if predicted[i, pid - 1]],
                "previous_rule": [pid for pid in range(1, 11) if previous_rule[i, pid - 1]],
            }
            for i, t in enumerate(tagged)
        ],
    }
    model, notes = _fit(features, truth, evidenced)
    results["shipped"] = {
        **notes,
        "coef": dict(zip(FEATURES, model.coef.round(3).tolist(), strict=True)),
        "thresholds": model.thresholds.round(2).tolist(),
    }
    if train:
        model.save(MODEL_FILE, {"trained_on": f"{len(tagged)} labelled projects", **notes})
        results["saved"] = str(MODEL_FILE)
    return results
