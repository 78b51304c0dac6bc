from __future__ import annotations

import numpy as np
import pytest

from mdsum.group import ParaphraseGrouper, paraphrase_partition
from mdsum.types import Embeddings, Sentence


def _sents(spec: list[tuple[str, list[float]]]):
    sents, vecs, count = [], [], {}
    for doc, vec in spec:
        i = count.get(doc, 0)
        count[doc] = i + 1
        sents.append(Sentence(id=f"{doc}#{i}", doc_id=doc, index=i, text=f"sentence {i} of {doc}", start=0, end=1))
        vecs.append(vec)
    m = np.asarray(vecs, dtype=np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    return sents, Embeddings(ids=tuple(s.id for s in sents), matrix=m)


def test_paraphrases_from_different_docs_group_same_doc_do_not():
    sents, emb = _sents([
        ("a", [1.0, 0.0, 0.0]),
        ("a", [0.99, 0.14, 0.0]),  # near-duplicate inside doc a
        ("b", [0.98, 0.2, 0.0]),  # paraphrase in doc b
        ("c", [0.0, 1.0, 0.0]),  # unrelated
    ])
    groups = ParaphraseGrouper(threshold=0.75).group(sents, emb)
    members = [g.sentence_ids for g in groups]
    # a#1 and b#0 are the most similar pair (cos 0.999), so they merge first; a#0 then cannot join (same doc).
    assert ("a#1", "b#0") in members
    assert ("a#0",) in members and ("c#0",) in members
    assert all(len(set(s.split("#")[0] for s in m)) == len(m) for m in members)
    assert [g.id for g in groups] == [f"g{n}" for n in range(1, len(groups) + 1)]
    paired = next(g for g in groups if len(g.sentence_ids) == 2)
    assert paired.doc_ids == ("a", "b") and paired.support == 2


def test_singletons_are_groups_and_cover_every_sentence():
    sents, emb = _sents([("a", [1, 0, 0]), ("b", [0, 1, 0]), ("c", [0, 0, 1])])
    groups = ParaphraseGrouper().group(sents, emb)
    assert [g.sentence_ids for g in groups] == [("a#0",), ("b#0",), ("c#0",)]


def test_one_documents_sentences_need_no_vectors():
    sents, emb = _sents([("a", [1, 0, 0]), ("a", [1, 0, 0]), ("a", [0, 1, 0])])
    grouper = ParaphraseGrouper()
    assert not grouper.reads_vectors(sents) and grouper.reads_vectors(_sents([("a", [1]), ("b", [1])])[0])
    none = Embeddings(ids=(), matrix=np.zeros((0, 3), dtype=np.float32))
    assert grouper.group(sents, none) == grouper.group(sents, emb)  # identical duplicates stay apart: one doc
    assert [g.sentence_ids for g in grouper.group(sents, none)] == [("a#0",), ("a#1",), ("a#2",)]


def test_complete_linkage_stops_chains():
    # x~y and y~z are above 0.75 but x~z is not: only one pair may merge.
    sim = np.array([[1.0, 0.8, 0.5], [0.8, 1.0, 0.9], [0.5, 0.9, 1.0]])
    assert paraphrase_partition(sim, ["a", "b", "c"], 0.75) == [[0], [1, 2]]
    # With all pairs similar the three merge.
    sim[0, 2] = sim[2, 0] = 0.8
    assert paraphrase_partition(sim, ["a", "b", "c"], 0.75) == [[0, 1, 2]]


def test_max_per_doc_allows_two_from_one_doc():
    sim = np.array([[1.0, 0.9, 0.9], [0.9, 1.0, 0.9], [0.9, 0.9, 1.0]])
    assert paraphrase_partition(sim, ["a", "a", "b"], 0.75, max_per_doc=1) == [[0, 2], [1]]
    assert paraphrase_partition(sim, ["a", "a", "b"], 0.75, max_per_doc=2) == [[0, 1, 2]]


def test_deterministic_and_empty():
    sents, emb = _sents([("a", [1, 0.1, 0]), ("b", [1, 0.12, 0]), ("c", [1, 0.11, 0]), ("a", [0, 1, 0])])
    g = ParaphraseGrouper()
    assert g.group(sents, emb) == g.group(sents, emb)
    assert g.group([], emb) == []


@pytest.mark.parametrize("kwargs", [{"threshold": 1.2}, {"threshold": "high"}, {"max_per_doc": 0}])
def test_bad_params(kwargs):
    with pytest.raises(ValueError, match="must be"):
        ParaphraseGrouper(**kwargs)
