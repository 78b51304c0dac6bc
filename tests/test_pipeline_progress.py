"""prepare reports progress: segmentation document by document, embedding chunk by chunk (the chunks join in order)."""

from __future__ import annotations

import numpy as np

import mdsum.pipeline as pipeline


class _LengthEmbedder:
    """A stand-in embedder: each text's vector is (its length, 1), so order mistakes show."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def embed(self, texts):
        self.calls.append(len(texts))
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32).reshape(len(texts), 2)


def test_embed_reports_each_chunk_and_keeps_order(monkeypatch):
    monkeypatch.setattr(pipeline, "EMBED_CHUNK", 2)
    seen, emb = [], _LengthEmbedder()
    texts = ["a", "bb", "ccc", "dddd", "eeeee"]
    out = pipeline._embed(emb, [f"s{i}" for i in range(5)], texts, lambda *a: seen.append(a))
    assert seen == [("embed", 0, 5), ("embed", 2, 5), ("embed", 4, 5), ("embed", 5, 5)]
    assert emb.calls == [2, 2, 1]
    assert out.ids == ("s0", "s1", "s2", "s3", "s4")
    np.testing.assert_array_equal(out.matrix[:, 0], [1, 2, 3, 4, 5])


def test_embed_of_nothing_is_an_empty_matrix():
    seen = []
    out = pipeline._embed(_LengthEmbedder(), [], [], lambda *a: seen.append(a))
    assert out.matrix.shape == (0, 2) and seen == [("embed", 0, 0)]


class _WordSegmenter:
    """A stand-in segmenter: one sentence per word of the document."""

    def segment(self, doc):
        from mdsum.types import Sentence

        return [Sentence(f"{doc.id}#{i}", doc.id, i, w, 0, len(w)) for i, w in enumerate(doc.text.split())]


def test_segment_reports_each_document_and_keeps_order():
    from mdsum.types import Document

    seen = []
    docs = (Document("d1", "one two"), Document("d2", "three"))
    out = pipeline._segment(_WordSegmenter(), docs, lambda *a: seen.append(a))
    assert seen == [("segment", 0, 2), ("segment", 1, 2), ("segment", 2, 2)]
    assert [s.id for s in out] == ["d1#0", "d1#1", "d2#0"]
