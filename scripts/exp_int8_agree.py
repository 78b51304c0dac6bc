"""Verdict agreement of two eval_checker score files at the shipped threshold (docs/checker.md §6).

    python3 scripts/exp_int8_agree.py news .work/checker/news_none.jsonl.gz .work/checker/news_int8.jsonl.gz
    python3 scripts/exp_int8_agree.py topk .work/checker/s_k3_none.jsonl.gz .work/checker/s_k3_int8.jsonl.gz
"""
import gzip
import json
import sys

import numpy as np

T = 0.4833


def read(p):
    with gzip.open(p, "rt") as f:
        return [json.loads(x) for x in f if x.strip()]


def agree(a, b, what):
    a, b = np.array(a), np.array(b)
    va, vb = a >= T, b >= T
    d = np.abs(a - b)
    print(f"{what}: n={len(a)} agreement={100 * (va == vb).mean():.2f} % ({(va != vb).sum()} differ; "
          f"fp-only supported {(va & ~vb).sum()}, int8-only {(~va & vb).sum()}) "
          f"|dp| mean={d.mean():.4f} p99={np.quantile(d, 0.99):.4f} max={d.max():.4f} "
          f"pearson={np.corrcoef(a, b)[0, 1]:.4f}")


kind, fa, fb = sys.argv[1:4]
ra, rb = read(fa), read(fb)
if kind == "news":
    assert [r["kind"] for r in ra] == [r["kind"] for r in rb]
    agree([r["score"] for r in ra], [r["score"] for r in rb], "news held-out pairs")
else:
    assert [r["id"] for r in ra] == [r["id"] for r in rb]
    agree([s for r in ra for s in r["sentence_scores"]], [s for r in rb for s in r["sentence_scores"]],
          "top-k-3 claim sentences (best of 3 windows)")
