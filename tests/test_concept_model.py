from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from mdsum.concept_model import PACKAGED, ConceptModel, load_concept_model
from mdsum.errors import ModelError
from mdsum.salience import CONCEPT_FEATURES

N = len(CONCEPT_FEATURES)


def test_probability_is_the_standardised_logistic() -> None:
    m = ConceptModel(mean=(1.0,) * N, scale=(2.0,) * N, coef=(0.5,) + (0.0,) * (N - 1), intercept=-1.0)
    x = np.zeros((2, N))
    x[0, 0], x[1, 0] = 5.0, 9.0  # z = (5 - 1) / 2 * 0.5 - 1 = 0; (9 - 1) / 2 * 0.5 - 1 = 1
    assert m.probability(x) == pytest.approx([0.5, 1 / (1 + math.exp(-1))])


def test_model_file_round_trip_and_clear_errors(tmp_path: Path) -> None:
    m = ConceptModel(mean=(0.0,) * N, scale=(1.0,) * N, coef=tuple(float(i) for i in range(N)), intercept=0.5)
    path = tmp_path / "concepts.json"
    path.write_text(json.dumps(m.to_json()), encoding="utf-8")
    assert load_concept_model(str(path)) == m
    with pytest.raises(ModelError, match="cannot read concept model .*missing.json"):
        load_concept_model(str(tmp_path / "missing.json"))
    (tmp_path / "bad.json").write_text(json.dumps(m.to_json() | {"features": ["doc_share"]}), encoding="utf-8")
    with pytest.raises(ModelError, match="its features are not doc_share, multi_doc"):
        load_concept_model(str(tmp_path / "bad.json"))
    short = m.to_json() | {"coef": [1.0]}
    (tmp_path / "short.json").write_text(json.dumps(short), encoding="utf-8")
    with pytest.raises(ModelError, match=f"needs {N} values per vector"):
        load_concept_model(str(tmp_path / "short.json"))


def test_packaged_model_rates_a_concept_every_outlet_leads_with_above_a_one_outlet_aside() -> None:
    m = load_concept_model(PACKAGED)
    # every feature as named: all documents, first sentence, a name | one of three documents, late, a stop word
    lead = [1.0, 1.0, 1.0, 0.0, math.log1p(1 / 3), 0.0, 0.0, 1.0]
    aside = [1 / 3, 0.0, 0.0, 0.8, math.log1p(1 / 9), 0.0, 1.0, 0.0]
    p = m.probability(np.array([lead, aside]))
    assert 0.0 < p[1] < p[0] < 1.0
