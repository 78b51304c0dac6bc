"""Confidence intervals for corpus-level scores."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def bootstrap_ci(
    values: Sequence[float], n_resamples: int = 1000, confidence: float = 0.95, seed: int = 0
) -> tuple[float, float, float]:
    """(mean, low, high): the sample mean and its percentile-bootstrap confidence interval.

    Items are resampled with replacement ``n_resamples`` times with ``numpy.random.default_rng(seed)``; the
    bounds are the (1 - confidence)/2 and (1 + confidence)/2 quantiles of the resampled means (numpy's default
    linear interpolation). One value gives a zero-width interval.
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 1 or len(x) == 0:
        raise ValueError(f"values must be a non-empty 1-D sequence, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("values contain NaN or infinity; drop or fill them before bootstrapping")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be >= 1, got {n_resamples}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, len(x), size=(n_resamples, len(x)))].mean(axis=1)
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [alpha, 1.0 - alpha])
    return float(x.mean()), float(low), float(high)


def mean_rows(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    """Key-wise mean of per-item score dicts (keys of the first row); empty input gives {}."""
    if not rows:
        return {}
    return {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}


def column_rows(rows: Sequence[dict[str, float]]) -> dict[str, list[float]]:
    """Per-item score dicts turned into one list per key, for ``aggregate=False`` outputs."""
    return {k: [r[k] for r in rows] for k in (rows[0] if rows else {})}
