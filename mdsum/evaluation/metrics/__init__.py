"""Evaluation metrics: pure cores (``core/``) and ``evaluate`` modules shipped with the package.

``load_metric("rouge")`` loads ``metrics/rouge/rouge.py`` from this folder with ``evaluate.load``: nothing is
fetched from the Hugging Face hub. The cores can be used directly without ``evaluate``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

METRICS: tuple[str, ...] = (
    "rouge", "faithfulness", "citations", "framing_bias", "redundancy", "length", "clustering"
)
_HERE = Path(__file__).resolve().parent


def metric_path(name: str) -> Path:
    """Path of the ``evaluate`` script of metric ``name``; an unknown name lists the known ones."""
    if name not in METRICS:
        raise ValueError(f"unknown metric {name!r}; known metrics: {', '.join(METRICS)}")
    return _HERE / name / f"{name}.py"


def load_metric(name: str) -> Any:
    """The ``evaluate`` metric module ``name`` (one of :data:`METRICS`), loaded from its local script."""
    import evaluate

    return evaluate.load(str(metric_path(name)))
