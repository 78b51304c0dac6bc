"""A standardised logistic regression kept as JSON: what the learned edge test (mdsum/cluster_edges.py) and the
learned concept weights (mdsum/concept_model.py) both are. One reader, one probability."""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from mdsum.errors import ModelError

T = TypeVar("T")


def probability(x: np.ndarray, mean: Sequence[float], scale: Sequence[float], coef: Sequence[float],
                intercept: float) -> np.ndarray:
    """σ(((x − mean) / scale) · coef + intercept), row-wise."""
    z = ((x - np.asarray(mean)) / np.asarray(scale)) @ np.asarray(coef) + intercept
    return 1.0 / (1.0 + np.exp(-z))


def read_model(name: str, cls: type[T], packaged: str, resource: str, features: Sequence[str], what: str,
               script: str) -> T:
    """``cls`` from the JSON file ``name`` or, for ``packaged``, mdsum's ``resource``: its ``features`` must be
    ``features`` and its ``mean``/``scale``/``coef`` one value each. Any fault is a :class:`ModelError` naming
    the file and what to pass instead."""
    path: Any = resources.files("mdsum") / resource if name == packaged else Path(name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.pop("features") != list(features):
            raise ValueError(f"its features are not {', '.join(features)}")
        model = cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
    except (OSError, ValueError, TypeError, KeyError) as e:
        raise ModelError(f"cannot read {what} {name!r} ({path}): {e}; pass {packaged!r} or a file written "
                         f"by {script}") from None
    if not len(model.mean) == len(model.scale) == len(model.coef) == len(features):  # type: ignore[attr-defined]
        raise ModelError(f"{what} {name!r} ({path}) needs {len(features)} values per vector")
    return model
