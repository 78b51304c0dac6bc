"""prepare's embedding stage reports progress chunk by chunk, and the chunks join in order."""

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
