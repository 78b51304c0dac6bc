"""ROUGE core: hand-computed toy cases, and agreement with the official MultiLing 2011 scores on a copied sample."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import pearsonr

from mdsum.evaluation.metrics.core.rouge import (
    rouge,
    rouge155_tokenize,
    rouge_n_pooled,
    rouge_score_tokenize,
)
from mdsum.evaluation.metrics.core.text import newline_sentences, truncate_words

FIXTURE = Path(__file__).parent / "fixtures" / "multiling_rouge_sample.jsonl"


def test_unigram_and_bigram_overlap_by_hand():
    s = rouge("the cat sat", ["the cat ran"], rouge_types=("rouge1", "rouge2"))
    # unigrams: the, cat shared of 3 each; bigrams: "the cat" shared of 2 each
    assert s["rouge1_p_mean"] == pytest.approx(2 / 3)
    assert s["rouge1_r_mean"] == pytest.approx(2 / 3)
    assert s["rouge1_f_mean"] == pytest.approx(2 / 3)
    assert s["rouge2_f_mean"] == pytest.approx(1 / 2)


def test_stemming_is_on_by_default_and_can_be_switched_off():
    assert rouge("cats running", ["cat runs"], ("rouge1",))["rouge1_f_mean"] == pytest.approx(1.0)
    assert rouge("cats running", ["cat runs"], ("rouge1",), use_stemmer=False)["rouge1_f_mean"] == 0.0


def test_lsum_uses_newline_sentences_where_rouge_l_does_not():
    pred = "police arrested him\nthe storm hit"
    ref = "the storm hit\npolice arrested him"
    s = rouge(pred, [ref], ("rougeL", "rougeLsum"))
    assert s["rougeL_f_mean"] == pytest.approx(0.5)  # LCS over the whole text: 3 of 6 tokens
    assert s["rougeLsum_f_mean"] == pytest.approx(1.0)  # union LCS per reference sentence: 3 + 3 of 6


def test_mean_and_max_over_references():
    s = rouge("the cat sat", ["the cat sat", "a dog ran"], ("rouge1",))
    assert s["rouge1_f_mean"] == pytest.approx(0.5)
    assert s["rouge1_f_max"] == pytest.approx(1.0)


def test_max_keeps_the_best_f1_references_precision_and_recall():
    # ref 1: P 2/3, R 1, F 0.8; ref 2: P 1, R 1/2, F 2/3 -> max is ref 1, so p_max is 2/3, not the larger 1
    s = rouge("the cat sat", ["the cat", "the cat sat on the mat"], ("rouge1",))
    assert s["rouge1_f_max"] == pytest.approx(0.8)
    assert s["rouge1_p_max"] == pytest.approx(2 / 3)
    assert s["rouge1_r_max"] == pytest.approx(1.0)
    assert s["rouge1_p_mean"] == pytest.approx((2 / 3 + 1) / 2)


def test_max_words_truncates_the_prediction_only_unless_asked():
    assert rouge("the cat sat on the mat", ["the cat sat"], ("rouge1",), max_words=3)["rouge1_p_mean"] == 1.0
    s = rouge("the cat", ["the cat sat on the mat"], ("rouge1",), max_words=2, truncate_references=True)
    assert s["rouge1_r_mean"] == 1.0


def test_truncate_words_keeps_line_breaks_and_counts_whitespace_words():
    assert truncate_words("a b c\nd e\nf g", 4) == "a b c\nd"
    assert truncate_words("U.S.-led talks, again.", 2) == "U.S.-led talks,"
    assert truncate_words("a b", 0) == ""
    with pytest.raises(ValueError, match="max_words"):
        truncate_words("a", -1)


def test_newline_sentences_splits_plain_text():
    assert newline_sentences("Dr. Smith left. He came back at 5 p.m. Monday.") == (
        "Dr. Smith left.\nHe came back at 5 p.m. Monday."
    )


def test_pooled_rouge_n_as_rouge155_model_average():
    # hits: 2 ("a", "b") + 1 ("a") = 3; reference unigrams 4 + 2 = 6; prediction unigrams 2 x 2 references = 4
    r, p, f = rouge_n_pooled("a b", ["a b c d", "a x"], 1, str.split)
    assert (r, p) == pytest.approx((0.5, 0.75))
    assert f == pytest.approx(2 * 0.5 * 0.75 / 1.25)


def test_tokenizers_differ_on_hyphens_only():
    assert rouge155_tokenize("Left-wing U.S. 2,000") == ["left", "-", "wing", "u", "s", "2", "000"]
    assert rouge_score_tokenize("Left-wing U.S. 2,000") == ["left", "wing", "u", "s", "2", "000"]


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="references"):
        rouge("a", "a")
    with pytest.raises(ValueError, match="rougeX"):
        rouge("a", ["a"], ("rougeX",))


def _sample() -> list[dict]:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    assert "CC BY 3.0" in rows[0]["attribution"]
    return rows[1:]


def test_official_multiling_scores_are_reproduced_exactly():
    """The official run (ROUGE-1.5.5 -n 2 -f A, no stemming) = rouge-score tokens, no stemming, pooled references.

    Official numbers are printed with 5 decimals (F from the rounded P and R), so agreement to 1e-5 is exact.
    """
    n_checked = 0
    for topic in _sample():
        for peer in topic["peers"]:
            for n in (1, 2):
                ours = rouge_n_pooled(peer["summary"], topic["references"], n, rouge_score_tokenize)
                assert ours == pytest.approx(tuple(peer["official"][f"rouge{n}"]), abs=1e-5), peer["system"]
                n_checked += 1
    assert n_checked == 40


def test_mdsum_variant_correlates_with_official_scores():
    """What mdsum reports (stemmed, mean over references) is a different variant: it must rank summaries as the
    official scores do. On all 100 English summaries Pearson is 0.992 (R-1 F) and 0.998 (R-2 F); the issue asks
    for >= 0.95 on ROUGE-2, which this 20-summary sample also clears for ROUGE-1 (0.994 and 0.999 here). Stemming
    adds matches, so our mean is higher (by 1.8 points R-1 F on the full English set)."""
    for n in (1, 2):
        ours, official = [], []
        for topic in _sample():
            for peer in topic["peers"]:
                ours.append(rouge(peer["summary"], topic["references"], (f"rouge{n}",))[f"rouge{n}_f_mean"])
                official.append(peer["official"][f"rouge{n}"][2])
        assert pearsonr(ours, official)[0] >= 0.95
        assert float(np.mean(ours)) >= float(np.mean(official))
        assert not any(math.isnan(x) for x in ours)
