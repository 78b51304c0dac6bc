"""Percentile bootstrap: exact cases and seeding."""

from __future__ import annotations

import pytest

from mdsum.evaluation.metrics.stats import bootstrap_ci, column_rows, mean_rows


def test_constant_values_give_a_zero_width_interval():
    assert bootstrap_ci([0.4] * 7) == pytest.approx((0.4, 0.4, 0.4))
    assert bootstrap_ci([3.0]) == (3.0, 3.0, 3.0)


def test_two_values_interval_by_hand():
    # a resample mean of two draws from {0, 1} is 0 (p 1/4), 0.5 (p 1/2) or 1 (p 1/4)
    mean, low, high = bootstrap_ci([0.0, 1.0], n_resamples=20000)
    assert (mean, low, high) == (0.5, 0.0, 1.0)
    assert bootstrap_ci([0.0, 1.0], n_resamples=20000, confidence=0.4)[1:] == (0.5, 0.5)  # 30th..70th pct


def test_seeded_and_reproducible():
    values = [0.1, 0.5, 0.2, 0.9, 0.4, 0.3, 0.8]
    assert bootstrap_ci(values, seed=3) == bootstrap_ci(values, seed=3)
    assert bootstrap_ci(values, seed=3) != bootstrap_ci(values, seed=4)
    mean, low, high = bootstrap_ci(values)
    assert mean == pytest.approx(sum(values) / len(values))
    assert min(values) <= low < mean < high <= max(values)


def test_wider_confidence_gives_a_wider_interval():
    values = [0.1, 0.5, 0.2, 0.9, 0.4, 0.3, 0.8]
    _, lo90, hi90 = bootstrap_ci(values, confidence=0.90)
    _, lo99, hi99 = bootstrap_ci(values, confidence=0.99)
    assert lo99 <= lo90 and hi99 >= hi90


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"values": []}, "non-empty"), ({"values": [1.0, float("nan")]}, "NaN"),
     ({"values": [1.0], "n_resamples": 0}, "n_resamples"), ({"values": [1.0], "confidence": 1.0}, "confidence")],
)
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        bootstrap_ci(**kwargs)


def test_row_helpers():
    rows = [{"a": 1.0, "b": 2.0}, {"a": 3.0, "b": 4.0}]
    assert mean_rows(rows) == {"a": 2.0, "b": 3.0}
    assert column_rows(rows) == {"a": [1.0, 3.0], "b": [2.0, 4.0]}
    assert mean_rows([]) == {} and column_rows([]) == {}
