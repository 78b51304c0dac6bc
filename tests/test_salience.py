from __future__ import annotations

import math

import numpy as np
import pytest

from mdsum.salience import (
    centroid_similarity,
    concept_weights,
    lexrank_centrality,
    min_documents,
    position_score,
    rouge_tokens,
    scale_unigrams,
    sentence_concepts,
    support_share,
)
from mdsum.text import word_count


def test_tokens_are_rouge_stems_with_stop_flags():
    # rouge-score: lower-case [a-z0-9] runs, Porter stems only for tokens longer than 3 characters.
    assert rouge_tokens("The bombers attacked 2 U.S. bases.") == [
        ("the", True), ("bomber", False), ("attack", False), ("2", False), ("u", False), ("s", False),
        ("base", False)]


def test_unigram_concepts_are_content_stems():
    assert sentence_concepts("The bombers attacked the city of Riverton.", "unigram") == {
        "bomber", "attack", "citi", "riverton"}


def test_bigram_concepts_skip_pairs_of_stop_words():
    # the|bomber bomber|attack attack|the the|citi citi|of (of|the: both stop words, dropped) the|riverton
    assert sentence_concepts("The bombers attacked the city of the Riverton.", "bigram") == {
        ("the", "bomber"), ("bomber", "attack"), ("attack", "the"), ("the", "citi"), ("citi", "of"),
        ("the", "riverton")}


def test_bigram_concepts_with_unigrams_add_content_stems_as_1_tuples():
    got = sentence_concepts("The bombers attacked Riverton.", "bigram", with_unigrams=True)
    assert got == {("the", "bomber"), ("bomber", "attack"), ("attack", "riverton"),
                   ("bomber",), ("attack",), ("riverton",)}
    assert scale_unigrams({("a", "b"): 2.0, ("a",): 2.0, "x": 1.0}, 0.25) == {("a", "b"): 2.0, ("a",): 0.5, "x": 1.0}
    assert scale_unigrams({("a", "b"): 2.0, ("a",): 2.0}, 0.0) == {("a", "b"): 2.0}


def test_unknown_concept_kind_is_named():
    with pytest.raises(ValueError, match="'trigram'"):
        sentence_concepts("x", "trigram")


def test_concept_weights_lead_bonus_weighs_a_lead_mention_more_but_counts_documents():
    docs, leads = [["a", "b"], ["a"], ["b", "c"]], [["a"], [], ["b"]]
    # a: lead of d0 (1 + 1) + d1 (1) = 3; b: d0 (1) + lead of d2 (2) = 3; c: d2 only (1).
    assert concept_weights(docs, 1, leads, 1.0) == {"a": 3.0, "b": 3.0, "c": 1.0}
    assert concept_weights(docs, 2, leads, 0.5) == {"a": 2.5, "b": 2.5}  # the threshold counts documents
    assert concept_weights(docs, 1, leads, 0.0) == concept_weights(docs, 1)
    with pytest.raises(ValueError, match="2 lead collections for 3 documents"):
        concept_weights(docs, 1, leads[:2], 1.0)


def test_concept_weights_count_documents_not_mentions():
    docs = [["a", "b", "a", "a"], ["a"], ["b", "c"]]
    assert concept_weights(docs, 1) == {"a": 2, "b": 2, "c": 1}
    assert concept_weights(docs, 2) == {"a": 2, "b": 2}


@pytest.mark.parametrize(("n_docs", "share", "expected"), [
    (10, 0.0, 2), (10, 0.3, 3), (10, 0.25, 3), (3, 0.3, 2), (3, 1.0, 3), (1, 0.3, 1)])
def test_min_documents(n_docs, share, expected):
    assert min_documents(n_docs, share) == expected


def test_centroid_similarity_by_hand():
    # mean = (2/3, 2/3): cos((1,0), mean) = 1/sqrt(2), cos((1,1), mean) = 1, a zero row scores 0.
    m = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    np.testing.assert_allclose(centroid_similarity(m), [1 / math.sqrt(2), 1 / math.sqrt(2), 1.0, 0.0])
    assert centroid_similarity(np.zeros((0, 3))).shape == (0,)


def test_lexrank_centrality_on_a_path_graph():
    # cos(0,1) = cos(1,2) = 0.707 >= 0.5, cos(0,2) = 0: path 0-1-2; without damping p ∝ degree (2, 3, 2).
    m = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    np.testing.assert_allclose(lexrank_centrality(m, threshold=0.5, damping=1.0), [2 / 3, 1.0, 2 / 3], atol=1e-8)


def test_position_support_length():
    assert position_score(0, 4) == 1.0 and position_score(3, 4) == 0.25
    with pytest.raises(ValueError, match="index 4"):
        position_score(4, 4)
    assert support_share(("a", "b", "a"), 4) == 0.5
    assert word_count("  Flood waters rose  again. ") == 4


def test_concept_features_by_hand():
    from mdsum.salience import CONCEPT_FEATURES, concept_features

    sents = [("a", 0, "The bombers attacked Riverton on Monday."), ("a", 1, "Police said 3 people died."),
             ("b", 0, "Bombers attacked the city of Riverton.")]
    f = concept_features(sents)
    assert set(f) == set().union(*(sentence_concepts(t, "bigram") for _, _, t in sents))
    row = dict(zip(CONCEPT_FEATURES, f[("bomber", "attack")]))
    # both documents, both in their first sentence, at position 0; held by 2 of the 3 sentences of a and b;
    # written "Bombers" only at a sentence start, so not a name
    assert row == {"doc_share": 1.0, "multi_doc": 1.0, "first_sentence_share": 1.0, "earliest_position": 0.0,
                   "sentence_share": pytest.approx(math.log1p(2 / 3)), "figure": 0.0, "stop_word": 0.0,
                   "capitalised": 0.0}
    row = dict(zip(CONCEPT_FEATURES, f[("said", "3")]))  # d a's second sentence of two; "said" is a stop word
    assert row == {"doc_share": 0.5, "multi_doc": 0.0, "first_sentence_share": 0.0, "earliest_position": 0.5,
                   "sentence_share": pytest.approx(math.log1p(1 / 2)), "figure": 1.0, "stop_word": 1.0,
                   "capitalised": 0.0}
    assert f[("attack", "riverton")][CONCEPT_FEATURES.index("capitalised")] == 1.0
    assert f[("on", "monday")][CONCEPT_FEATURES.index("capitalised")] == 1.0
