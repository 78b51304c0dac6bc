from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from mdsum.types import Citation, Corpus, Document, Embeddings, Sentence, Summary, SummarySentence


def test_dataclasses_are_frozen():
    d = Document(id="d1", text="x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.text = "y"  # type: ignore[misc]


def test_embeddings_lookup_by_id_in_given_order():
    m = np.eye(3, dtype=np.float32)
    e = Embeddings(ids=("a", "b", "c"), matrix=m)
    assert np.array_equal(e.of(["c", "a"]), m[[2, 0]])
    assert "b" in e and "z" not in e
    assert e.of([]).shape == (0, 3)
    with pytest.raises(ValueError):
        Embeddings(ids=("a",), matrix=m)


def test_corpus_sentences_of_documents_keep_corpus_order():
    import pickle

    sents = tuple(Sentence(f"{d}#{i}", d, i, f"{d} {i}", 0, 1) for d, i in
                  [("b", 0), ("a", 0), ("b", 1), ("c", 0), ("a", 1)])  # interleaved on purpose
    corpus = Corpus((), sents, Embeddings(ids=(), matrix=np.zeros((0, 0), dtype=np.float32)))
    assert [s.id for s in corpus.sentences_of(["a", "b"])] == ["b#0", "a#0", "b#1", "a#1"]
    assert [s.id for s in corpus.sentences_of(("c", "c"))] == ["c#0"]
    assert corpus.sentences_of(["zzz"]) == () and corpus.sentences_of([]) == ()
    again = pickle.loads(pickle.dumps(corpus))  # the Ray engine ships the corpus to its actors
    assert again.sentences == corpus.sentences and again.sentences_of(["a"]) == corpus.sentences_of(["a"])


def test_summary_markdown_numbers_citations_by_document_order():
    docs = (Document("d1", "t", title="A", source="Herald"), Document("d2", "t", title="B"),
            Document("d3", "t", title="C"))
    s = Summary("s1", (SummarySentence("Rain fell.", (Citation("d3", ("d3#0",)), Citation("d1", ("d1#2",))), "g1"),),
                docs)
    md = s.markdown()
    assert md.startswith("Rain fell. [3][1]")
    # every document of the story is listed under its stable number, as `mdsum summarize` prints it
    assert "1. Herald — A\n2. B\n3. C" in md and "†" not in md
    generated = SummarySentence("Rain fell for days.", (Citation("d1", ("d1#2",)),), "g2", method="generated",
                                fused_from=("d1#2", "d3#0"))
    md = Summary("s1", (generated,), docs).markdown()
    assert md.startswith("Rain fell for days. [1]†") and "† written by the generator" in md
