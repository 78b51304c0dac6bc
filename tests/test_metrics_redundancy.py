"""Redundancy (pairwise cosine, unique trigrams) and length on hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mdsum.evaluation.metrics.core.redundancy import length, mean_pairwise_cosine, redundancy, unique_trigram_ratio


def test_mean_pairwise_cosine_by_hand():
    # pairs: (e1, e2) = 0, (e1, e1+e2) = 1/sqrt2, (e2, e1+e2) = 1/sqrt2
    v = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 3.0]])
    assert mean_pairwise_cosine(v) == pytest.approx(2 / math.sqrt(2) / 3)


def test_mean_pairwise_cosine_edge_cases():
    assert mean_pairwise_cosine(np.ones((1, 4))) == 0.0
    assert mean_pairwise_cosine(np.array([[0.0, 0.0], [1.0, 0.0]])) == 0.0  # zero vector: similarity 0
    assert mean_pairwise_cosine(np.array([[1.0, 1.0], [2.0, 2.0]])) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="2-D"):
        mean_pairwise_cosine(np.ones(3))


def test_unique_trigram_ratio_by_hand():
    assert unique_trigram_ratio(["a b c a b c"]) == pytest.approx(3 / 4)  # abc, bca, cab, abc
    assert unique_trigram_ratio(["a b c", "A, b c."]) == pytest.approx(1 / 2)  # same tokens after lowercasing
    assert unique_trigram_ratio(["a b", "c"]) == 1.0  # no trigram (none crosses sentences)


def test_redundancy_with_and_without_embeddings():
    calls = []

    def embed(sents):
        calls.append(list(sents))
        return np.eye(len(sents))

    assert redundancy(["a b c", "d e f", " "], embed) == {"unique_trigram_ratio": 1.0, "pairwise_cosine": 0.0}
    assert calls == [["a b c", "d e f"]]  # blank sentences dropped before embedding
    assert redundancy(["a b c"]) == {"unique_trigram_ratio": 1.0}


def test_length_counts_words_and_non_empty_sentences():
    assert length(["Dr. Smith left.", "", "He came back at 5 p.m."]) == {"words": 9, "sentences": 2}
