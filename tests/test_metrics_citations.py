"""ALCE citation recall/precision on hand-built cases with a deterministic fake entailment scorer."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from mdsum.evaluation.metrics.core.citations import Statement, citation_scores


class FactScorer:
    """Entails iff every fact (word) of the claim appears in the premise; records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def load(self) -> None:
        pass

    def score(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        self.calls += list(zip(premises, hypotheses))
        return np.array([float(set(h.split()) <= set(p.split())) for p, h in zip(premises, hypotheses)])


def one(text: str, *cites: str, **kw):
    return citation_scores([Statement(text, cites)], FactScorer(), **kw)


def test_no_citations_means_recall_0_and_nothing_counted():
    r = one("A")
    assert (r.recall, r.precision, r.counted_citations) == (0.0, 0.0, 0)


def test_single_supporting_citation():
    r = one("A", "A")
    assert (r.recall, r.precision) == (1.0, 1.0)


def test_single_citation_that_does_not_support_counts_as_wrong():
    r = one("A", "B")
    assert (r.recall, r.precision, r.counted_citations) == (0.0, 0.0, 1)


def test_redundant_citations_each_sufficient_alone_are_all_correct():
    r = one("A", "A", "A C")  # condition A holds for both
    assert (r.recall, r.precision) == (1.0, 1.0)


def test_irrelevant_citation_alone_insufficient_and_others_still_support():
    r = one("A", "A", "B")  # B alone fails, and "A" without it still entails -> irrelevant
    assert (r.recall, r.precision) == (1.0, 0.5)


def test_jointly_needed_citations_are_both_correct():
    r = one("A B", "A", "B")  # neither alone entails, removing either breaks support
    assert (r.recall, r.precision) == (1.0, 1.0)


def test_joint_support_with_one_irrelevant_extra():
    r = one("A B", "A", "B", "C")  # C is irrelevant (A+B still entail); A and B are needed
    assert r.recall == 1.0
    assert r.precision == pytest.approx(2 / 3)


def test_unsupported_statement_with_several_citations_gets_no_precision_credit():
    r = one("A B", "A", "C")
    assert (r.recall, r.precision, r.counted_citations) == (0.0, 0.0, 2)


def test_only_the_first_three_citations_are_used_and_counted_by_default():
    r = one("A", "B", "C", "D", "A")
    assert (r.recall, r.counted_citations) == (0.0, 3)
    r = one("A", "B", "C", "D", "A", at_most_citations=None)
    assert (r.recall, r.precision) == (1.0, 0.25)  # only "A" is relevant


def test_joint_passage_is_the_citations_joined_by_newlines():
    scorer = FactScorer()
    citation_scores([Statement("A B", ("A", "B"))], scorer)
    assert scorer.calls[0] == ("A\nB", "A B")


def test_summary_level_recall_is_a_mean_and_precision_is_pooled_over_citations():
    statements = [Statement("A", ("A",)), Statement("A", ("A", "B")), Statement("C", ())]
    r = citation_scores(statements, FactScorer())
    assert r.supported == (True, True, False)
    assert r.recall == pytest.approx(2 / 3)
    assert (r.correct_citations, r.counted_citations) == (2, 3)
    assert r.precision == pytest.approx(2 / 3)


class ConstScorer:
    def __init__(self, p: float) -> None:
        self.p = p

    def load(self) -> None:
        pass

    def score(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        return np.full(len(premises), self.p)


def test_threshold_turns_probabilities_into_entailment():
    s = [Statement("A", ("A",))]
    assert citation_scores(s, ConstScorer(0.6), threshold=0.5).recall == 1.0
    assert citation_scores(s, ConstScorer(0.6), threshold=0.7).recall == 0.0
    assert citation_scores(s, ConstScorer(0.5), threshold=0.5).recall == 1.0  # at the threshold counts


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="no statements"):
        citation_scores([], FactScorer())
    with pytest.raises(ValueError, match="threshold"):
        citation_scores([Statement("A", ())], FactScorer(), threshold=2)
    with pytest.raises(ValueError, match="at_most_citations"):
        citation_scores([Statement("A", ())], FactScorer(), at_most_citations=0)
