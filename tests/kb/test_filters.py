"""Filters are applied inside every retriever before fusion: a filtered query returns k results whenever k
passages match, and every result satisfies the filter."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from api.results import PassageOut
from kb.errors import InvalidQuery, UnknownPrinciple
from kb.filters import Filters
from kb.knowledge_base import KnowledgeBase
from kb.passage import IndexedDocument
from kb.roles import NAVIGATION_ROLES
from tests.conftest import search

QUERY = "how councils support cooperative enterprise and community ownership"
K = 25

Check = Callable[[PassageOut, dict, IndexedDocument], bool]
CASES: list[tuple[Filters, Check]] = [
    (Filters(principle=4), lambda r, meta, doc: 4 in meta.get("principles", [])),
    (Filters(principle=6), lambda r, meta, doc: 6 in meta.get("principles", [])),
    (Filters(council="OXFORD"), lambda r, meta, doc: "oxford" in (doc.meta.lead_council or "").lower()),
    (Filters(council="torbay"), lambda r, meta, doc: any("torbay" in p.lower() for p in doc.meta.partners)),
    (Filters(year_from=2024), lambda r, meta, doc: (doc.meta.year or 0) >= 2024),
    (Filters(year_to=2021), lambda r, meta, doc: doc.meta.year is not None and doc.meta.year <= 2021),
    (Filters(year_from=2022, year_to=2022), lambda r, meta, doc: doc.meta.year == 2022),
    (Filters(type="web-page"), lambda r, meta, doc: doc.meta.type == "web-page"),
    (Filters(type="toolkit"), lambda r, meta, doc: doc.meta.type == "toolkit"),
    (Filters(document_id="net-zero"), lambda r, meta, doc: doc.meta.id == "net-zero"),
    (
        Filters(principle=4, council="oxford", year_from=2023),
        lambda r, meta, doc: (
            4 in meta.get("principles", [])
            and "oxford" in (doc.meta.lead_council or "").lower()
            and (doc.meta.year or 0) >= 2023
        ),
    ),
]


def _matching_groups(kb: KnowledgeBase, check: Check, mode: str) -> int:
    """How many results the filter allows, from the table and the registry (not from the filter's own
    mask): distinct near-duplicate groups among matching passages; for BM25 only passages sharing a term."""
    table = kb.snapshot()
    documents = {d.meta.id: d for d in kb.registry.all()}
    keyword = table.keyword.scores(QUERY)
    groups = set()
    for row, meta in enumerate(table.metas):
        if (mode == "bm25" and keyword[row] <= 0) or table.role[row] in NAVIGATION_ROLES:
            continue
        if check(None, meta, documents[meta["document_id"]]):  # type: ignore[arg-type]
            groups.add(meta.get("dup_group") or table.ids[row])
    return len(groups)


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
@pytest.mark.parametrize(("filters", "check"), CASES, ids=lambda case: str(case) if isinstance(case, Filters) else "")
def test_filtered_search_returns_min_k_matching_and_only_matching(
    kb: KnowledgeBase, filters: Filters, check: Check, mode: str
) -> None:
    table = kb.snapshot()
    documents = {d.meta.id: d for d in kb.registry.all()}
    results = search(kb, QUERY, filters, K, mode=mode).results
    for result in results:
        meta = table.metas[table.ids.index(result.passage_id)]
        assert check(result, meta, documents[result.citation.document_id]), result.citation.label
        for other in result.also_in:
            assert check(result, meta, documents[other.document_id]), other.label
    expected = min(K, _matching_groups(kb, check, mode))
    assert expected > 0
    assert len(results) == expected


def test_the_cases_cover_both_sides_of_k(kb: KnowledgeBase) -> None:
    counts = [_matching_groups(kb, check, "dense") for _, check in CASES]
    assert min(counts) < K < max(counts)


def test_no_match_gives_no_results_and_unfiltered_mask_is_none(kb: KnowledgeBase) -> None:
    nowhere = search(kb, QUERY, Filters(council="atlantis"), 5)
    assert nowhere.results == []
    assert nowhere.notices and "No council in the index matches “atlantis”" in nowhere.notices[0]
    assert "Kirklees Council" in nowhere.notices[0], "the notice names the councils there are"
    assert search(kb, QUERY, Filters(council="kirklees"), 5).notices == []
    assert Filters(role="any").mask(kb.snapshot()) is None
    assert Filters().mask(kb.snapshot()) is not None  # navigation is left out by default
    mask = Filters(council=" Kirklees ").mask(kb.snapshot())
    assert mask is not None
    assert set(np.asarray(kb.snapshot().document_id)[mask].tolist()) == {"net-zero"}


def test_bad_filters_are_refused() -> None:
    with pytest.raises(InvalidQuery, match=r"year_from \(2024\) is after year_to \(2020\)"):
        Filters(year_from=2024, year_to=2020)
    with pytest.raises(UnknownPrinciple, match="unknown principle 11: principles are numbered 1 to 10"):
        Filters(principle=11)


@pytest.mark.parametrize(("filters", "check"), CASES, ids=lambda case: str(case) if isinstance(case, Filters) else "")
def test_a_document_is_admitted_exactly_when_its_metadata_passes_the_check(
    kb: KnowledgeBase, filters: Filters, check: Check
) -> None:
    """`accepts_document` (what GET /documents lists by) against the same independent checks, on every document; the
    principle belongs to passages, so here every passage is treated as carrying it."""
    every_principle = {"principles": list(range(1, 11))}
    documents = kb.registry.all()
    admitted = {d.meta.id for d in documents if filters.accepts_document(d.meta)}
    assert admitted == {d.meta.id for d in documents if check(None, every_principle, d)}  # type: ignore[arg-type]
    assert admitted


def test_role_selects_body_navigation_one_kind_or_every_passage(kb: KnowledgeBase) -> None:
    table = kb.snapshot()
    roles = np.asarray(table.role)
    assert {"body", "contents", "references"} <= set(roles.tolist())

    def selected(role: str) -> set[str]:
        mask = Filters(role=role).mask(table)
        return set(roles[mask].tolist()) if mask is not None else set(roles.tolist())

    content = {"body", "case_study", "recommendation", "introduction"}
    assert content <= set(roles.tolist())
    assert selected("body") == content
    assert selected("navigation") == set(roles.tolist()) - content
    assert selected("contents") == {"contents"}
    assert selected("case_study") == {"case_study"}
    assert selected("any") == set(roles.tolist())
    assert Filters(role="any").as_dict() == {"role": "any"} and Filters().as_dict() == {}
    with pytest.raises(InvalidQuery, match="unknown role 'toc'"):
        Filters(role="toc")
