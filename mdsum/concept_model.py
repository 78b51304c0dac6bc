"""Learned concept weights for the concept ranker: P(a story's bigram concept is in its reference summary).

Rounds 1–4 of the ranker tuning weighed a concept by the documents mentioning it; this weighs it by a logistic
regression over :data:`mdsum.salience.CONCEPT_FEATURES` (Hong & Nenkova 2014 learn word importance the same
way). ``scripts/train_concept_weights.py`` fits it on NeuS train and writes the JSON the packaged
``mdsum-concepts-neus`` is; any file of the same form can replace it (docs/benchmarks.md, round 5).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from mdsum.errors import ModelError
from mdsum.salience import CONCEPT_FEATURES

PACKAGED = "mdsum-concepts-neus"


@dataclass(frozen=True)
class ConceptModel:
    """Standardised logistic regression over :data:`CONCEPT_FEATURES`."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = ((x - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> dict[str, object]:
        return {"features": list(CONCEPT_FEATURES), **{k: getattr(self, k) for k in self.__dataclass_fields__}}


def load_concept_model(name: str) -> ConceptModel:
    """``mdsum-concepts-neus`` (packaged) or a JSON file written by ``scripts/train_concept_weights.py``."""
    path = resources.files("mdsum") / "resources/ranker/concepts-neus.json" if name == PACKAGED else Path(name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.pop("features") != list(CONCEPT_FEATURES):
            raise ValueError(f"its features are not {', '.join(CONCEPT_FEATURES)}")
        model = ConceptModel(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
    except (OSError, ValueError, TypeError, KeyError) as e:
        raise ModelError(f"cannot read concept model {name!r} ({path}): {e}; pass {PACKAGED!r} or a file written "
                         "by scripts/train_concept_weights.py") from None
    if not len(model.mean) == len(model.scale) == len(model.coef) == len(CONCEPT_FEATURES):
        raise ModelError(f"concept model {name!r} ({path}) needs {len(CONCEPT_FEATURES)} values per vector")
    return model
