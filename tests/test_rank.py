from __future__ import annotations

import numpy as np
import pytest

from mdsum.rank import MMRRanker, is_eligible, lexrank_scores, mmr_select
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


def test_eligibility_filters():
    ok = "The committee approved the new budget on Tuesday."
    assert is_eligible(ok, 6, 60)
    assert not is_eligible("Officials met.", 6, 60)  # too short
    assert not is_eligible("Will the committee approve the new budget on Tuesday?", 6, 60)
    assert not is_eligible('"We will rebuild every single house in this town."', 6, 60)  # quote only
    assert not is_eligible('We will rebuild every single house in this town," he said.', 6, 60)  # quote fragment
    assert not is_eligible("He approved the new budget on Tuesday after a debate.", 6, 60)  # dangling pronoun
    assert not is_eligible("But he approved the new budget on Tuesday after a debate.", 6, 60)
    assert not is_eligible("In January 2005, a United States Army court martial found Army Spc.", 6, 60)
    assert is_eligible("The court martial found him guilty on all charges in Texas.", 6, 60)
    assert not is_eligible("County officials describe the two as missing in the floods.", 6, 60)  # who?
    assert not is_eligible("Police said the pair were last seen near the river bank.", 6, 60)
    assert is_eligible("County officials describe the two residents as missing in the floods.", 6, 60)
    assert not is_eligible("Now it wants its money back from the relief fund.", 6, 60)
    assert not is_eligible("We are already hearing about forced early marriages in the camps.", 6, 60)
    assert not is_eligible('"Everywhere we had instruments, we could see motions," Ammon continued.', 6, 60)
    assert is_eligible("The company added 300 jobs in the region last year.", 6, 60)
    assert not is_eligible("Committee approves new budget after long debate", 6, 60)  # headline
    assert not is_eligible(" ".join(["word"] * 70) + ".", 6, 60)


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


def test_ranker_respects_word_and_sentence_budget():
    sents, emb, groups = _story()
    words = {s.id: len(s.text.split()) for s in sents}
    for max_words in (15, 40, 100):
        out = MMRRanker(max_words=max_words, max_sentences=4).rank(groups, sents, emb)
        assert out and len(out) <= 4
        assert sum(max(words[i] for i in g.sentence_ids) for g in out) <= max_words
        assert all(g.score > 0 for g in out)


def test_ranker_order_is_reading_order_and_deterministic():
    sents, emb, groups = _story()
    r = MMRRanker(max_words=250, max_sentences=6)
    out = r.rank(groups, sents, emb)
    assert [g.id for g in out] == [g.id for g in r.rank(groups, sents, emb)]
    index = {s.id: s.index for s in sents}
    firsts = [min(index[i] for i in g.sentence_ids) for g in out]
    assert firsts == sorted(firsts)  # all docs have 6 sentences, so relative position = index / 6


def test_ranker_prefers_supported_claims():
    sents, emb, groups = _story()
    # Merge the third sentence of every document into one claim printed by all three outlets.
    merged = ClaimGroup(id="gx", sentence_ids=("d0#3", "d1#3", "d2#3"), doc_ids=("d0", "d1", "d2"))
    rest = [g for g in groups if g.sentence_ids[0] not in merged.sentence_ids]
    out = MMRRanker(max_sentences=1, centrality_weight=0.0, support_weight=1.0, position_weight=0.0).rank(
        [*rest, merged], sents, emb)
    assert [g.id for g in out] == ["gx"] and out[0].score == pytest.approx(1.0)


def test_ranker_drops_ineligible_members_and_groups():
    sents, emb, groups = _story()
    short = Sentence(id="d0#9", doc_id="d0", index=9, text="Too short.", start=0, end=10)
    emb2 = Embeddings(ids=(*emb.ids, short.id), matrix=np.vstack([emb.matrix, emb.matrix[:1]]))
    g = ClaimGroup(id="gs", sentence_ids=(short.id,), doc_ids=("d0",))
    out = MMRRanker(max_words=1000, max_sentences=100).rank([*groups, g], [*sents, short], emb2)
    assert "gs" not in {x.id for x in out}


@pytest.mark.parametrize("kwargs", [{"max_words": 0}, {"lambda_": 1.5}, {"centrality_weight": -1},
                                    {"min_sentence_words": 10, "max_sentence_words": 5}, {"max_sentences": True}])
def test_bad_params_name_the_value(kwargs):
    with pytest.raises(ValueError) as e:
        MMRRanker(**kwargs)
    assert str(list(kwargs.values())[-1]) in str(e.value)


@pytest.mark.parametrize("text", [
    "Two more residents were still listed as missing on Sunday evening.",
    "Many said the city's alerts came far too late for them.",
    "That decision drew criticism from residents of the Eastbank district.",
    "These shelters were full by Sunday night, officials said.",
    "That is the highest crest recorded on the Tessel River since 1952.",
    "The county puts the number closer to 1,800, volunteers say.",
])
def test_sentences_that_point_back_are_not_eligible(text):
    assert not is_eligible(text, 6, 60)


@pytest.mark.parametrize("text", [
    "Three deaths have been confirmed by the Ardell County coroner.",
    "Many residents said the sirens sounded after 2 a.m. on Saturday.",
    "Thatcher's government fell in 1990, the archive shows.",
    "The number of evacuees rose to 2,300 by Sunday, the mayor said.",
])
def test_self_contained_sentences_stay_eligible(text):
    assert is_eligible(text, 6, 60)
