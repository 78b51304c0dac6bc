from __future__ import annotations

import math

import pytest

from mdsum.evaluation.clustering import adjusted_rand, bcubed, nmi


def test_bcubed_perfect_up_to_relabelling() -> None:
    assert bcubed(["a", "a", "b"], [7, 7, 3]) == pytest.approx((1.0, 1.0, 1.0))


def test_bcubed_everything_in_one_cluster() -> None:
    # Each item's predicted cluster has 4 items, 2 with its gold label: precision 2/4 for all; recall 1.
    # F1 = 2 * 0.5 * 1 / 1.5 = 2/3.
    assert bcubed(["a", "a", "b", "b"], [0, 0, 0, 0]) == pytest.approx((0.5, 1.0, 2 / 3))


def test_bcubed_all_singletons() -> None:
    # Each item alone: precision 1; each gold cluster has 2 items, 1 with the item's predicted label: recall 1/2.
    assert bcubed(["a", "a", "b", "b"], [1, 2, 3, 4]) == pytest.approx((1.0, 0.5, 2 / 3))


def test_bcubed_mixed_case() -> None:
    # gold a={1,2,3}, b={4,5}; pred x={1,2}, y={3,4,5}.
    # item: precision, recall
    #   1,2 (a,x): 2/2, 2/3      3 (a,y): 1/3, 1/3      4,5 (b,y): 2/3, 2/2
    # P = (1 + 1 + 1/3 + 2/3 + 2/3) / 5 = 11/15;  R = (2/3 + 2/3 + 1/3 + 1 + 1) / 5 = 11/15;  F1 = 11/15.
    p, r, f = bcubed(["a", "a", "a", "b", "b"], ["x", "x", "y", "y", "y"])
    assert (p, r, f) == pytest.approx((11 / 15, 11 / 15, 11 / 15))


def test_bcubed_asymmetric_case() -> None:
    # gold a={1,2}, b={3}; pred all in one {1,2,3}.
    # precision: items 1,2 -> 2/3, item 3 -> 1/3: P = (2/3 + 2/3 + 1/3) / 3 = 5/9; recall 1 for all.
    # F1 = 2 * (5/9) * 1 / (5/9 + 1) = (10/9) / (14/9) = 5/7.
    assert bcubed(["a", "a", "b"], ["x", "x", "x"]) == pytest.approx((5 / 9, 1.0, 5 / 7))


def test_adjusted_rand_hand_computed() -> None:
    assert adjusted_rand(["a", "a", "b"], [2, 2, 9]) == pytest.approx(1.0)
    # Contingency of the mixed case: n(a,x)=2, n(a,y)=1, n(b,y)=2.
    # index = C(2,2)+C(1,2)+C(2,2) = 2; gold sizes 3,2 -> C(3,2)+C(2,2) = 4; pred sizes 2,3 -> 4; C(5,2) = 10.
    # expected = 4*4/10 = 1.6; max = (4+4)/2 = 4; ARI = (2-1.6)/(4-1.6) = 1/6.
    assert adjusted_rand(["a", "a", "a", "b", "b"], ["x", "x", "y", "y", "y"]) == pytest.approx(1 / 6)
    # One predicted cluster: index = expected = 2, so ARI = 0.
    assert adjusted_rand(["a", "a", "b", "b"], [0, 0, 0, 0]) == pytest.approx(0.0)


def test_nmi_hand_computed() -> None:
    assert nmi(["a", "a", "b", "b"], ["y", "y", "x", "x"]) == pytest.approx(1.0)
    # Independent partitions: every cell has p(g,c) = p(g) p(c) = 1/4, so MI = 0.
    assert nmi(["a", "a", "b", "b"], ["x", "y", "x", "y"]) == pytest.approx(0.0)
    # gold a,a,b,b vs pred x,x,x,y: cells (a,x)=1/2, (b,x)=1/4, (b,y)=1/4; p(x)=3/4, p(y)=1/4.
    mi = (0.5 * math.log(0.5 / (0.5 * 0.75)) + 0.25 * math.log(0.25 / (0.5 * 0.75))
          + 0.25 * math.log(0.25 / (0.5 * 0.25)))
    h_gold = math.log(2)
    h_pred = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    assert nmi(["a", "a", "b", "b"], ["x", "x", "x", "y"]) == pytest.approx(mi / ((h_gold + h_pred) / 2))


def test_mixed_label_types_accepted() -> None:
    assert nmi(["a", 1, None], [0, 0, 1]) == pytest.approx(nmi([0, 1, 2], [0, 0, 1]))


@pytest.mark.parametrize("metric", [bcubed, adjusted_rand, nmi])
def test_length_mismatch_and_empty_named(metric) -> None:
    with pytest.raises(ValueError, match="gold has 2 labels but pred has 1"):
        metric(["a", "b"], ["x"])
    with pytest.raises(ValueError, match="empty"):
        metric([], [])
