"""SummaC-ZS-style faithfulness: premises, max over sources, mean over summary sentences."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from mdsum.evaluation.metrics.core.faithfulness import faithfulness, source_windows
from mdsum.nli import OverlapScorer


class TableScorer:
    """P(entail) looked up in a table (0 when absent); records how many pairs it was asked."""

    def __init__(self, table: dict[tuple[str, str], float]) -> None:
        self.table = table
        self.n_calls = 0

    def load(self) -> None:
        pass

    def score(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        self.n_calls += 1
        return np.array([self.table.get((p, h), 0.0) for p, h in zip(premises, hypotheses)])


DOCS = [["p1", "p2"], ["p3"]]


def test_max_over_premises_then_mean_over_sentences():
    scorer = TableScorer({("p1", "s1"): 0.2, ("p2", "s1"): 0.9, ("p3", "s1"): 0.4, ("p3", "s2"): 0.3})
    r = faithfulness(["s1", "s2"], DOCS, scorer)
    assert r.sentence_scores == pytest.approx((0.9, 0.3))
    assert r.score == pytest.approx(0.6)
    assert r.best_premises == ("p2", "p3")
    assert scorer.n_calls == 1  # every pair in one batch


def test_windows_join_consecutive_sentences_within_a_document_only():
    assert source_windows(DOCS, 1) == ["p1", "p2", "p3"]
    assert source_windows(DOCS, 2) == ["p1 p2", "p3"]
    assert source_windows([["a", "b", "c"]], 2) == ["a b", "b c"]
    assert source_windows([["a", " "], []], 1) == ["a"]
    with pytest.raises(ValueError, match="window"):
        source_windows(DOCS, 0)


def test_window_lets_a_sentence_draw_on_two_source_sentences():
    scorer = TableScorer({("p1 p2", "s1"): 0.8})
    assert faithfulness(["s1"], DOCS, scorer, window=1).score == 0.0
    assert faithfulness(["s1"], DOCS, scorer, window=2).score == pytest.approx(0.8)


def test_with_the_offline_overlap_scorer():
    docs = [["Heavy rain fell overnight.", "The river flooded the town on Monday."]]
    r = faithfulness(["The river flooded the town.", "Aliens landed."], docs, OverlapScorer())
    assert r.sentence_scores == pytest.approx((1.0, 0.0))  # all content words found / none found
    assert r.score == pytest.approx(0.5)


def test_empty_inputs_are_refused():
    with pytest.raises(ValueError, match="summary"):
        faithfulness([" "], DOCS, TableScorer({}))
    with pytest.raises(ValueError, match="sources"):
        faithfulness(["s1"], [[]], TableScorer({}))


def test_top_k_scores_only_the_most_word_sharing_premises():
    from mdsum.evaluation.metrics.core.faithfulness import faithfulness

    class Recorder:
        def __init__(self):
            self.pairs = []

        def load(self):
            pass

        def score(self, premises, hypotheses):
            self.pairs += list(zip(premises, hypotheses))
            return np.array([1.0 if "bridge" in p else 0.2 for p in premises])

    docs = [["The bridge reopened on Monday.", "Rain fell all week."], ["Shops closed early.", "Fans cheered."]]
    rec = Recorder()
    got = faithfulness(["The bridge reopened Monday."], docs, rec, top_k=1)
    assert [p for p, _ in rec.pairs] == ["The bridge reopened on Monday."]  # one pair, the lexical best
    assert got.score == 1.0 and got.best_premises == ("The bridge reopened on Monday.",)
    rec_all = Recorder()
    assert faithfulness(["The bridge reopened Monday."], docs, rec_all).score == 1.0
    assert len(rec_all.pairs) == 4
