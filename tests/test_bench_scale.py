from __future__ import annotations

import numpy as np
import pytest


class CountingEmbedder:
    model = "fake/model"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed(self, texts):  # noqa: ANN001, ANN201
        self.calls.append(list(texts))
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)


def test_exponent_recovers_the_power(load_script) -> None:
    bench = load_script("bench_scale")
    rows = [{"N": n, "cluster s": 0.001 * n ** 1.5} for n in (500, 1000, 2000, 4000)]
    assert bench.exponent(rows) == pytest.approx(1.5)  # the N=500 row is below min_n and ignored
    assert bench.exponent(rows[:2]) is None  # one size >= 1000: no fit
    totals = [{"N": n, "total s": 2.0 * n} for n in (1000, 2000, 4000)]
    assert bench.exponent(totals, "total s") == pytest.approx(1.0)


def test_cached_embed_embeds_each_text_once(load_script, tmp_path) -> None:
    bench = load_script("bench_scale")
    emb = CountingEmbedder()
    m1, new1 = bench.cached_embed(["ab", "c"], emb, tmp_path)
    m2, new2 = bench.cached_embed(["c", "dddd", "ab"], emb, tmp_path)
    assert (new1, new2) == (2, 1) and [sorted(c) for c in emb.calls] == [["ab", "c"], ["dddd"]]
    assert m2[:, 0].tolist() == [1, 4, 2] and m1[:, 0].tolist() == [2, 1]
