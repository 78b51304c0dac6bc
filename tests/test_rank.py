from __future__ import annotations

import numpy as np
import pytest

from mdsum.rank import MMRRanker, lexrank_scores, mmr_select
from mdsum.types import ClaimGroup, Embeddings, Sentence

# Path graph 0 - 1 - 2 (0 and 2 below the threshold), self-loops kept.
PATH = np.array([[1.0, 0.6, 0.1], [0.6, 1.0, 0.6], [0.1, 0.6, 1.0]])


def test_lexrank_without_damping_is_degree_share():
    # Random walk on an undirected graph: stationary p ∝ degree (2, 3, 2 with self-loops).
    np.testing.assert_allclose(lexrank_scores(PATH, threshold=0.5, damping=1.0), [2 / 7, 3 / 7, 2 / 7], atol=1e-8)


def test_lexrank_with_damping_matches_hand_solution():
    # p0 = (1-d)/3 + d(p0/2 + p1/3) with p1 = 1 - 2 p0  =>  p0 = (1/3) / (1 + d/6).
    d = 0.85
    p0 = (1 / 3) / (1 + d / 6)
    np.testing.assert_allclose(lexrank_scores(PATH, 0.5, d), [p0, 1 - 2 * p0, p0], atol=1e-8)
    assert abs(p0 - 0.291971) < 1e-6


def test_lexrank_disconnected_nodes_are_equal():
    np.testing.assert_allclose(lexrank_scores(np.eye(4), 0.5, 0.85), [0.25] * 4)


REL = np.array([0.9, 0.85, 0.5])
SIM = np.array([[1.0, 0.95, 0.1], [0.95, 1.0, 0.1], [0.1, 0.1, 1.0]])  # 0 and 1 near-duplicates


def test_mmr_skips_the_near_duplicate():
    # Step 2: gain(1) = .5*.85 - .5*.95 = -.05 ; gain(2) = .5*.5 - .5*.1 = .2  -> 2 before 1.
    assert mmr_select(REL, SIM, lambda_=0.5, k=3) == [0, 2, 1]


def test_mmr_with_lambda_one_is_relevance_order():
    assert mmr_select(REL, SIM, lambda_=1.0, k=2) == [0, 1]


def test_mmr_budget_passes_over_items_that_do_not_fit():
    assert mmr_select(REL, SIM, 1.0, 3, costs=np.array([25, 10, 10]), budget=20) == [1, 2]
    assert mmr_select(REL, SIM, 1.0, 3, costs=np.array([10, 5, 30]), budget=20) == [0, 1]


def _story(seed: int = 0):
    rng = np.random.default_rng(seed)
    sents, vecs = [], []
    for d in range(3):
        for i in range(6):
            text = f"Report {d} says that event number {i} happened in the city " + "today " * (i % 3) + "."
            sents.append(Sentence(id=f"d{d}#{i}", doc_id=f"d{d}", index=i, text=text, start=0, end=len(text)))
            vecs.append(rng.normal(size=8))
    m = np.asarray(vecs, dtype=np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    groups = [ClaimGroup(id=f"g{n}", sentence_ids=(s.id,), doc_ids=(s.doc_id,)) for n, s in enumerate(sents, 1)]
    return sents, Embeddings(ids=tuple(s.id for s in sents), matrix=m), groups


def test_ranker_returns_every_group_once_with_the_budgeted_pick_first():
    sents, emb, groups = _story()
    words = {s.id: len(s.text.split()) for s in sents}
    for max_words in (15, 40, 100):
        out = MMRRanker().rank(groups, sents, emb, max_words)
        assert sorted(g.id for g in out) == sorted(g.id for g in groups)
        assert all(g.score > 0 for g in out)
        # the MMR pick under the budget leads; the first back-up no longer fits next to it
        costs = [max(words[i] for i in g.sentence_ids) for g in out]
        n = next(k for k in range(len(out) + 1) if k == len(out) or sum(costs[:k + 1]) > max_words)
        assert sum(costs[:n]) <= max_words and n >= 1


def test_ranker_is_deterministic():
    sents, emb, groups = _story()
    r = MMRRanker()
    assert [g.id for g in r.rank(groups, sents, emb, 250)] == [g.id for g in r.rank(groups, sents, emb, 250)]


def test_ranker_prefers_supported_claims():
    sents, emb, groups = _story()
    # Merge the third sentence of every document into one claim printed by all three outlets.
    merged = ClaimGroup(id="gx", sentence_ids=("d0#3", "d1#3", "d2#3"), doc_ids=("d0", "d1", "d2"))
    rest = [g for g in groups if g.sentence_ids[0] not in merged.sentence_ids]
    out = MMRRanker(centrality_weight=0.0, support_weight=1.0, position_weight=0.0).rank(
        [*rest, merged], sents, emb, 250)
    assert out[0].id == "gx" and out[0].score == pytest.approx(1.0)


@pytest.mark.parametrize("kwargs", [{"lambda_": 1.5}, {"centrality_weight": -1}, {"damping": True}])
def test_bad_params_name_the_value(kwargs):
    with pytest.raises(ValueError) as e:
        MMRRanker(**kwargs)
    assert str(list(kwargs.values())[-1]) in str(e.value)
