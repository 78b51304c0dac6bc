from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from mdsum.evaluation.baselines import (
    Baseline,
    extract,
    mmr_select,
    ngram_f1,
    oracle_order,
    random_order,
    sumy_order,
    take_budget,
)
from mdsum.evaluation.loaders import Cluster
from mdsum.types import Document, Sentence


def _sents(texts: list[str], doc: str = "d") -> list[Sentence]:
    return [Sentence(id=f"{doc}#{i}", doc_id=doc, index=i, text=t, start=0, end=len(t)) for i, t in enumerate(texts)]


def _split(doc: Document) -> list[Sentence]:
    """Test segmenter: one sentence per line."""
    return _sents([line for line in doc.text.splitlines() if line.strip()], doc.id)


def test_take_budget_cuts_the_last_text_exactly():
    assert take_budget(["a b c", "d e f", "g"], 5) == ["a b c", "d e"]
    assert take_budget(["a b", "", "c"], 10) == ["a b", "c"]  # empty texts skipped, short input kept whole
    assert take_budget(["a b c"], 3) == ["a b c"]


def test_ngram_f1_hand_computed():
    # candidate "the cat sat", reference "the cat ran away": overlap 2, P = 2/3, R = 2/4, F = 4/7
    cand, ref = Counter("the cat sat".split()), Counter("the cat ran away".split())
    assert ngram_f1(cand, ref) == pytest.approx(4 / 7)
    assert ngram_f1(Counter(["x", "x"]), Counter(["x"])) == pytest.approx(2 * 0.5 * 1 / 1.5)  # clipped counts
    assert ngram_f1(Counter(["a"]), Counter(["b"])) == 0.0


def test_extract_cites_each_source_sentence_and_respects_budget():
    docs = (Document("d", "x"),)
    sents = _sents(["one two three", "four five six", "seven eight"])
    s = extract("c", docs, sents, [2, 0, 1], max_words=4)
    assert [x.text for x in s.sentences] == ["seven eight", "one two"]
    assert [x.citations[0].sentence_ids for x in s.sentences] == [("d#2",), ("d#0",)]
    assert all(x.method == "quoted" for x in s.sentences)


def test_random_order_is_seeded_per_cluster():
    sents = _sents([f"s{i}" for i in range(20)])
    a = random_order(sents, 0, "c1")
    assert a == random_order(sents, 0, "c1") and sorted(a) == list(range(20))
    assert a != random_order(sents, 1, "c1") and a != random_order(sents, 0, "c2")


def test_mmr_select_trades_relevance_for_novelty():
    # 0 and 1 are near duplicates and the most relevant; 2 is less relevant but novel.
    relevance = np.array([0.9, 0.85, 0.6])
    sim = np.array([[1.0, 0.95, 0.1], [0.95, 1.0, 0.1], [0.1, 0.1, 1.0]])
    assert mmr_select(relevance, sim, [5, 5, 5], 10, diversity=0.0) == [0, 1]  # pure relevance
    # diversity 0.5: after 0, item 1 scores 0.5*0.85 - 0.5*0.95 = -0.05, item 2 scores 0.5*0.6 - 0.5*0.1 = 0.25
    assert mmr_select(relevance, sim, [5, 5, 5], 10, diversity=0.5) == [0, 2]


def test_lexrank_and_textrank_rank_the_hub_sentence_first():
    # A star: sentence 3 shares one content word with each of 1, 2 and 4, which share none with each other;
    # 0 and 5 are isolated. LexRank's stationary mass is proportional to degree within a component, so the hub
    # (degree 4 with its self-loop) outranks everything; TextRank's weighted degree likewise favours it.
    texts = ["Cats like fish.", "The storm was violent.", "The river rose quickly.", "Storm, river and town news.",
             "The town mayor spoke.", "Bicycles need oil."]
    for method in ("lexrank", "textrank"):
        order = sumy_order(_sents(texts), method)
        assert sorted(order) == list(range(6))
        assert order[0] == 3, method


def test_oracle_picks_the_reference_sentence_and_stops():
    sents = _sents(["Completely unrelated words here.", "The mayor resigned on Friday.", "Nothing matching at all."])
    assert oracle_order(sents, ["The mayor resigned on Friday."], 250) == [1]
    # Mean over two references. Alone, "Rain fell in Paris." scores (1 + 1 + 2/4 F 0.5 + 1/3) / 2 = 1.417; adding
    # "Snow fell in Oslo." gives each reference R1 F 2/3 and R2 F 0.6, so (1.267 + 1.267) / 2 = 1.267: a loss,
    # hence the oracle stops after one sentence (ties go to the earlier sentence).
    sents = _sents(["Rain fell in Paris.", "Rain fell.", "Snow fell in Oslo."])
    assert oracle_order(sents, ["Rain fell in Paris.", "Snow fell in Oslo."], 250) == [0]
    # Adding a sentence that helps: with one reference covering two sentences, both are picked.
    assert sorted(oracle_order(sents, ["Rain fell in Paris. Snow fell in Oslo."], 250)) == [0, 2]


def _cluster() -> Cluster:
    docs = (Document("a", "Alpha one two three.\nAlpha four five.\nAlpha six."),
            Document("b", "Beta one two.\nBeta three four five six seven."))
    return Cluster("c", docs, ("Alpha one two three. Beta one two.",))


def test_lead_takes_documents_in_order_and_truncates():
    s = Baseline("lead", max_words=6, segmenter=_split).summarize(_cluster())
    assert [x.text for x in s.sentences] == ["Alpha one two three.", "Alpha four"]
    assert s.documents == _cluster().documents and s.story_id == "c"


@pytest.mark.parametrize("name", ["lead", "lexrank", "textrank", "random", "mmr", "oracle"])
def test_every_baseline_is_extractive_cited_and_within_budget(name):
    cluster = _cluster()
    s = Baseline(name, max_words=8, segmenter=_split).summarize(cluster)
    assert 0 < sum(len(x.text.split()) for x in s.sentences) <= 8
    texts = {x.id: x.text for d in cluster.documents for x in _split(d)}
    for x in s.sentences:
        [c] = x.citations
        assert texts[c.sentence_ids[0]].startswith(x.text)  # a (possibly cut) copy of the cited sentence


def test_default_segmenter_is_mdsums():
    s = Baseline("lead", max_words=50).summarize(Cluster("c", (Document("a", "First one here. Second one here."),),
                                                         ("x",)))
    assert [x.citations[0].sentence_ids for x in s.sentences] == [("a#0",), ("a#1",)]


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="unknown baseline 'bert'"):
        Baseline("bert")
    with pytest.raises(ValueError, match="max_words"):
        Baseline("lead", max_words=0)
    with pytest.raises(ValueError, match="mmr_diversity"):
        Baseline("mmr", mmr_diversity=2.0)
