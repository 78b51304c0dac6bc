"""The evaluate modules load from the package's own scripts, offline, and agree with the cores."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import cache

import numpy as np
import pytest

from mdsum.evaluation.metrics import METRICS, load_metric, metric_path

os.environ.setdefault("HF_EVALUATE_OFFLINE", "1")


@cache
def metric(name: str):
    return load_metric(name)


class FactScorer:
    registered_name = "fact"

    def load(self) -> None:
        pass

    def score(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        return np.array([float(set(re.findall(r"\w+", h)) <= set(re.findall(r"\w+", p)))
                         for p, h in zip(premises, hypotheses)])


def test_every_metric_has_a_script_and_unknown_names_list_the_known():
    assert all(metric_path(n).is_file() for n in METRICS)
    with pytest.raises(ValueError, match="rouge, faithfulness"):
        metric_path("bleu")


def test_rouge_module():
    out = metric("rouge").compute(predictions=["the cat sat", "a dog"], references=[["the cat ran"], ["a dog"]],
                                  rouge_types=["rouge1"])
    assert out["rouge1_f_mean"] == pytest.approx((2 / 3 + 1) / 2)
    assert out["n"] == 2
    per_item = metric("rouge").compute(predictions=["the cat sat"], references=["the cat ran"],
                                       rouge_types=["rouge2"], aggregate=False)
    assert per_item["rouge2_f_max"] == [pytest.approx(0.5)]


def test_rouge_module_can_split_plain_text_for_lsum():
    pred, ref = "Police arrested him. The storm hit.", "The storm hit. Police arrested him."
    plain = metric("rouge").compute(predictions=[pred], references=[[ref]], rouge_types=["rougeLsum"])
    split = metric("rouge").compute(predictions=[pred], references=[[ref]], rouge_types=["rougeLsum"],
                                    split_sentences=True)
    assert plain["rougeLsum_f_mean"] == pytest.approx(0.5)
    assert split["rougeLsum_f_mean"] == pytest.approx(1.0)


def test_faithfulness_module_default_scorer_and_skips_empty_summaries():
    out = metric("faithfulness").compute(
        predictions=[["The river flooded the town.", "Aliens landed."], []],
        sources=[["Heavy rain fell. The river flooded the town on Monday."], ["Anything."]],
    )
    assert out["faithfulness"] == pytest.approx(0.5)
    assert (out["n"], out["n_skipped"], out["scorer"]) == (2, 1, "mdsum.overlap_scorer.v1")


def test_faithfulness_module_takes_a_scorer_object():
    kw = {"predictions": [["A B"]], "sources": [["A is here. B is there."]], "scorer": FactScorer()}
    assert metric("faithfulness").compute(**kw)["faithfulness"] == 0.0  # no single sentence has both
    out = metric("faithfulness").compute(**kw, window=2)
    assert out["faithfulness"] == 1.0 and out["scorer"] == "fact"


def test_citations_module():
    out = metric("citations").compute(
        predictions=[["A", "A B", "C"], []],
        citations=[[["A"], ["A", "B", "C"], []], []],
        scorer=FactScorer(),
    )
    # summary 1: recall (1 + 1 + 0) / 3; precision (1 + 2) / (1 + 3); summary 2 skipped as in ALCE
    assert out["citation_recall"] == pytest.approx(2 / 3)
    assert out["citation_precision"] == pytest.approx(3 / 4)
    assert (out["n"], out["n_skipped"], out["at_most_citations"]) == (2, 1, 3)
    with pytest.raises(ValueError, match="2 statements but 1 citation lists"):
        metric("citations").compute(predictions=[["A", "B"]], citations=[[["A"]]], scorer=FactScorer())


def test_framing_bias_module_names_its_lexicon(tmp_path):
    out = metric("framing_bias").compute(predictions=["They kill."], references=["They left."], lemmatizer="none")
    assert out["lexicon"] == "vader_proxy" and out["lemmatizer"] == "none"
    assert out["arousal_neg"] == pytest.approx(3.7 / 4) and out["arousal_pos"] == 0.0
    lex = tmp_path / "NRC-VAD-Lexicon.txt"
    lex.write_text("kill\t0.05\t0.9\t0.6\n", encoding="utf-8")
    out = metric("framing_bias").compute(predictions=["They kill."], references=["They left."], lexicon_path=str(lex),
                                         lemmatizer="none")
    assert (out["lexicon"], out["arousal_sum"]) == ("NRC-VAD-Lexicon", pytest.approx(0.9))
    with pytest.raises(ValueError, match="lemmatizer"):
        metric("framing_bias").compute(predictions=["a"], references=["b"], lemmatizer="porter")


def test_redundancy_length_and_clustering_modules():
    red = metric("redundancy").compute(predictions=[["a b c a b c"], ["x y z", "x y w"]],
                                       embed=lambda s: np.ones((len(s), 2)))
    assert red["unique_trigram_ratio"] == pytest.approx((3 / 4 + 1) / 2)
    assert red["pairwise_cosine"] == pytest.approx((0 + 1) / 2)
    assert metric("length").compute(predictions=[["a b", "c"], ["d"]]) == {"words": 2.0, "sentences": 1.5, "n": 2}
    out = metric("clustering").compute(predictions=[1, 1, 2, 2], references=["a", "a", "b", "c"])
    # B-cubed: precision (1 + 1 + 1/2 + 1/2) / 4, recall 1
    assert (out["bcubed_precision"], out["bcubed_recall"]) == (0.75, 1.0)
    assert out["ari"] == pytest.approx(0.5714285714)
