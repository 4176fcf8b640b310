"""Fusion strategies on hand-made rankings: the exact numbers the formulas in kb/fusion.py promise."""

from __future__ import annotations

import pytest

from kb.fusion import Fusion, convex, rrf

KEYWORD = [(1, 9.0), (2, 5.0), (3, 1.0)]
DENSE = [(3, 0.9), (1, 0.5)]


def test_rrf_sums_weight_over_k_plus_rank() -> None:
    fused = rrf([KEYWORD, DENSE], [2.0, 1.0], k=1.0)
    # row 1: 2/(1+1) + 1/(1+2); row 2: 2/(1+2) only; row 3: 2/(1+3) + 1/(1+1)
    assert fused == pytest.approx({1: 1.0 + 1 / 3, 2: 2 / 3, 3: 1.0}, abs=1e-12)


def test_rrf_default_k_is_sixty() -> None:
    fused = rrf([KEYWORD, DENSE], [1.0, 1.0])
    assert fused == pytest.approx({1: 1 / 61 + 1 / 62, 2: 1 / 62, 3: 1 / 63 + 1 / 61}, abs=1e-15)


def test_rrf_ignores_score_scale() -> None:
    scaled = [(row, score * 1000) for row, score in KEYWORD]
    assert rrf([scaled, DENSE], [1.0, 1.0]) == rrf([KEYWORD, DENSE], [1.0, 1.0])


def test_convex_sums_weighted_min_max_normalised_scores() -> None:
    fused = convex([KEYWORD, DENSE], [1.0, 2.0])
    # keyword normalises 9, 5, 1 to 1, 0.5, 0; dense 0.9, 0.5 to 1, 0
    assert fused == {1: 1.0, 2: 0.5, 3: 2.0}


def test_convex_list_of_equal_scores_counts_each_as_one_and_empty_list_nothing() -> None:
    assert convex([[(4, 0.3), (5, 0.3)], [], [(5, 7.0)]], [1.5, 9.0, 0.5]) == {4: 1.5, 5: 2.0}


def test_fusion_orders_by_fused_score_then_row() -> None:
    fusion = Fusion(strategy="convex", bm25_weight=1.0, dense_weight=2.0, phrase_weight=1.0)
    assert fusion(KEYWORD, DENSE) == [(3, 2.0), (1, 1.0), (2, 0.5)]
    assert fusion([(8, 1.0)], [(7, 1.0)], [(9, 1.0)]) == [(7, 2.0), (8, 1.0), (9, 1.0)]


def test_fusion_phrase_list_counts_with_its_weight() -> None:
    fusion = Fusion(strategy="rrf", bm25_weight=1.0, dense_weight=1.0, phrase_weight=3.0, k=1.0)
    fused = fusion(KEYWORD, DENSE, [(2, 1.0)])
    assert [row for row, _ in fused] == [2, 1, 3]
    assert [score for _, score in fused] == pytest.approx([1 / 3 + 3 / 2, 1 / 2 + 1 / 3, 1 / 4 + 1 / 2], abs=1e-12)


def test_fusion_rejects_an_unknown_strategy() -> None:
    with pytest.raises(ValueError, match="unknown fusion strategy 'max'"):
        Fusion(strategy="max")(KEYWORD, DENSE)


def test_coverage_scales_the_bm25_weight_by_its_power() -> None:
    fusion = Fusion(strategy="convex", bm25_weight=2.0, dense_weight=1.0, phrase_weight=1.0, coverage_power=2.0)
    # bm25 weight 2 · 0.5² = 0.5: keyword normalises to 1, 0.5, 0 and dense to 1, 0
    assert dict(fusion(KEYWORD, DENSE, coverage=0.5)) == pytest.approx({1: 0.5, 2: 0.25, 3: 1.0})
    assert fusion(KEYWORD, DENSE, coverage=0.0) == [(3, 1.0), (1, 0.0), (2, 0.0)]


def test_coverage_is_ignored_at_power_zero() -> None:
    fusion = Fusion(strategy="rrf", coverage_power=0.0)
    assert fusion(KEYWORD, DENSE, coverage=0.0) == fusion(KEYWORD, DENSE, coverage=1.0)
