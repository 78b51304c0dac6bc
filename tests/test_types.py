from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from mdsum.types import Citation, Document, Embeddings, Summary, SummarySentence


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
