"""Learned concept weights for the concept ranker: P(a story's bigram concept is in its reference summary).

Rounds 1–4 of the ranker tuning weighed a concept by the documents mentioning it; this weighs it by a logistic
regression over :data:`mdsum.salience.CONCEPT_FEATURES` (Hong & Nenkova 2014 learn word importance the same
way). ``scripts/train_concept_weights.py`` fits it on NeuS train and writes the JSON the packaged
``mdsum-concepts-neus`` is; any file of the same form can replace it (docs/benchmarks.md, round 5).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mdsum.logistic import probability, read_model
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
        return probability(x, self.mean, self.scale, self.coef, self.intercept)

    def to_json(self) -> dict[str, object]:
        return {"features": list(CONCEPT_FEATURES), **{k: getattr(self, k) for k in self.__dataclass_fields__}}


def load_concept_model(name: str) -> ConceptModel:
    """``mdsum-concepts-neus`` (packaged) or a JSON file written by ``scripts/train_concept_weights.py``."""
    return read_model(name, ConceptModel, PACKAGED, "resources/ranker/concepts-neus.json", CONCEPT_FEATURES,
                      "concept model", "scripts/train_concept_weights.py")
