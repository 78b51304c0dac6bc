"""Evaluation data: a system's prediction, what a metric sees, per-item results and the run's report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mdsum.evaluation.loaders import Cluster
from mdsum.types import Document, Sentence, Summary

Progress = Callable[[str, int, int], None]  # (stage, done, total), as the pipeline's
Segment = Callable[[Document], list[Sentence]]
Scores = dict[str, float | None]

ROUGE_VARIANT = (
    "rouge-score {version}: F1 and recall, Porter stemming on, no stopword removal; *_mean = mean over references, "
    "*_max = best reference; ROUGE-Lsum with one sentence per line in prediction and references (pySBD-split); "
    "prediction cut to {max_words} whitespace words"
)
HEADLINE: tuple[str, ...] = (
    "rouge1_f_mean", "rouge2_f_mean", "rougeL_f_mean", "rougeLsum_f_mean", "faithfulness", "citation_recall",
    "citation_precision", "arousal_sum", "pairwise_cosine", "unique_trigram_ratio", "words",
)


@dataclass(frozen=True)
class Prediction:
    """A system's output for one cluster. ``summary`` is None for plain text (no citations to score)."""

    id: str
    text: str  # one sentence per line
    summary: Summary | None = None


@dataclass(frozen=True)
class Item:
    """What a metric sees: the cluster, its segmented sources and the (budget-truncated) prediction."""

    cluster: Cluster
    sentences: tuple[Sentence, ...]
    prediction: Prediction


@dataclass(frozen=True)
class Aggregate:
    """Mean of one score over the items where it applies, with its bootstrap CI."""

    key: str
    mean: float | None
    low: float | None
    high: float | None
    n: int


@dataclass(frozen=True)
class ItemResult:
    id: str
    scores: Scores = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class EvalReport:
    system: str
    dataset: str
    out_dir: Path
    items: tuple[ItemResult, ...]
    aggregate: tuple[Aggregate, ...]
    settings: dict[str, Any]

    @property
    def failed(self) -> tuple[ItemResult, ...]:
        return tuple(i for i in self.items if i.error is not None)

    def get(self, key: str) -> Aggregate | None:
        return next((a for a in self.aggregate if a.key == key), None)
