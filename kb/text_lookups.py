"""Lookups over a snapshot's text that retrieval needs besides BM25 and vectors: rows holding an exact phrase,
rows whose document title equals or contains the query, and how many of the query's words a passage holds.
Each is built on first use and kept for the snapshot's life (a snapshot never changes)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np

from kb.analysis import keyword_text, normalise, tokenize
from kb.bm25 import BM25Index


class TextLookups:
    def __init__(self, texts: list[str], metas: list[dict[str, Any]], keyword: BM25Index) -> None:
        self.texts = texts
        self.metas = metas
        self.keyword = keyword
        self._tokens_by_row: dict[int, frozenset[str]] = {}  # see coverage()

    def phrase_rows(self, phrase: str, limit: int = 5000, scores: np.ndarray | None = None) -> np.ndarray:
        """Rows whose text contains `phrase` as whole words (after `normalise`), in row order.

        Every passage can qualify, not only those another retriever ranked (an exact phrase can be buried
        by both BM25 and dense), but only passages holding all of the phrase's words are checked: the BM25
        postings give those, and at most `limit` of them, the best by BM25, are verified against the
        normalised text (`scores`: the phrase's BM25 scores, when the caller has them already). A phrase made
        only of stop words matches nothing."""
        needle = f" {normalise(phrase)} "
        candidates = self.keyword.rows_with_all(phrase)
        if needle.strip() == "" or candidates is None or candidates.size == 0:
            return np.zeros(0, dtype=np.int64)
        if candidates.size > limit:
            ranking = (self.keyword.scores(phrase) if scores is None else scores)[candidates]
            candidates = np.sort(candidates[np.argpartition(-ranking, limit - 1)[:limit]])
        corpus, starts = self.phrase_corpus
        found = [int(row) for row in candidates if corpus.find(needle, starts[row], starts[row + 1]) >= 0]
        return np.asarray(found, dtype=np.int64)

    def title_rows(self, phrase: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows whose document title equals `phrase`, rows whose title contains it as whole words);
        checked once per distinct title, not once per row."""
        needle = normalise(phrase)
        empty = np.zeros(0, dtype=np.int64)
        if not needle:
            return empty, empty
        equal, contains = [], []
        for title, rows in self.rows_by_title.items():
            if title == needle:
                equal.append(rows)
            if f" {needle} " in f" {title} ":
                contains.append(rows)
        return (
            np.sort(np.concatenate(equal)) if equal else empty,
            np.sort(np.concatenate(contains)) if contains else empty,
        )

    def coverage(self, query: str, rows: list[int]) -> float:
        """The largest share of the query's distinct (stemmed, non-stop-word) tokens that any one of `rows`
        holds in its indexed text: 1.0 when some passage has every query word, near 0 when BM25 matched only a
        stray word or two (a paraphrase shares no words with its answer, and its BM25 list is then mostly
        noise). Reads only those rows' own text, so the cost does not grow with the index."""
        tokens = set(tokenize(query))
        if not tokens or not rows:
            return 0.0
        return max(len(tokens & self._row_tokens(row)) for row in rows) / len(tokens)

    def _row_tokens(self, row: int) -> frozenset[str]:
        cached = self._tokens_by_row.get(row)
        if cached is None:
            cached = frozenset(tokenize(keyword_text(self.metas[row], self.texts[row])))
            self._tokens_by_row[row] = cached
        return cached

    @cached_property
    def phrase_corpus(self) -> tuple[str, list[int]]:
        """Every passage normalised as " w1 w2 … wn " and joined by newlines, which no needle contains, so a
        match never spans two passages; row i is corpus[starts[i]:starts[i + 1]]."""
        pieces, starts, offset = [], [], 0
        for text in self.texts:
            piece = f" {normalise(text)} \n"
            starts.append(offset)
            pieces.append(piece)
            offset += len(piece)
        starts.append(offset)
        return "".join(pieces), starts

    @cached_property
    def rows_by_title(self) -> dict[str, np.ndarray]:
        rows: dict[str, list[int]] = {}
        for row, meta in enumerate(self.metas):
            rows.setdefault(normalise(str(meta.get("title", ""))), []).append(row)
        return {title: np.asarray(found, dtype=np.int64) for title, found in rows.items()}
