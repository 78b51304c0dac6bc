from __future__ import annotations

import pytest

from mdsum.budget import WordBudget, fit, relative_positions
from mdsum.types import Citation, ClaimGroup, Sentence, SummarySentence


def test_fit_passes_over_what_does_not_fit_and_stops_at_the_count():
    assert fit([5, 10, 3, 4], max_words=12, max_items=10) == [0, 2, 3]
    assert fit([5, 10, 3, 4], max_words=100, max_items=2) == [0, 1]
    assert fit([20], max_words=12, max_items=3) == []


def test_relative_positions():
    sents = [Sentence(f"{d}#{i}", d, i, "x", 0, 1) for d, n in (("a", 4), ("b", 2)) for i in range(n)]
    assert relative_positions(sents) == {"a#0": 0.0, "a#1": 0.25, "a#2": 0.5, "a#3": 0.75, "b#0": 0.0, "b#1": 0.5}


def test_cut_counts_shipped_words_and_orders_for_reading():
    sents = [Sentence(f"a#{i}", "a", i, "x", 0, 1) for i in range(4)]
    groups = [ClaimGroup(f"g{i}", (f"a#{i}",), ("a",)) for i in range(4)]
    # priority order g2, g0, g3, g1; g3's sentence is too long for what is left after g2 + g0
    cands = [SummarySentence(" ".join(["w"] * n), (Citation("a", (f"a#{g}",)),), f"g{g}")
             for g, n in ((2, 4), (0, 4), (3, 5), (1, 2))]
    out = WordBudget(max_words=10, max_sentences=5).cut(cands, groups, sents)
    assert [s.group_id for s in out] == ["g0", "g1", "g2"]  # reading order: by position in the article
    assert [s.group_id for s in WordBudget(max_words=100, max_sentences=2).cut(cands, groups, sents)] == ["g0", "g2"]


@pytest.mark.parametrize("kwargs", [{"max_words": 0}, {"max_sentences": True}])
def test_budget_bad_params_name_the_value(kwargs):
    with pytest.raises(ValueError) as e:
        WordBudget(**kwargs)
    assert str(list(kwargs.values())[-1]) in str(e.value)
