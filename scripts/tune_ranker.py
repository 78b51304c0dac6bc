"""Tune the salience ranker across every dev set at once, against TF-IDF MMR and LEAD in the same harness.

    python scripts/tune_ranker.py prepare --data ../shared/data --cache /work/cache
    python scripts/tune_ranker.py grid    --cache /work/cache [--out grid.json]
    python scripts/tune_ranker.py final   --cache /work/cache --setting '{"concepts": "bigram", ...}' [--checker]

``prepare`` segments, embeds and groups each dev set once with the default pipeline's segmenter, embedder and
grouper (what ``mdsum summarize`` / ``mdsum evaluate`` feed the ranker) and pickles it under ``--cache`` (never
in the repo: the data is research-only). ``grid`` scores every setting of the protocol in docs/benchmarks.md
(ranker -> extractive fuser -> budget cut, ROUGE as ``mdsum evaluate``) and applies the rule fixed there:
the winner maximises the worst condition's R1 gain over TF-IDF MMR. ``final`` prints the per-set table for one
setting, the old ranker, MMR and LEAD with bootstrap CIs and paired-bootstrap p-values.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import pickle
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (name, file under --data, budgets in words): 100 = the held-out sets' budget, then docs/benchmarks.md's.
DATASETS: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("multinews", "multinews/test_longbench200.jsonl", (100, 250)),
    ("neus_val", "neus/val.jsonl", (100, 70)),
    ("multiling_en", "multiling2011/english.jsonl", (100, 250)),
)
FOLDS = 2  # Multi-News clusters split by line number parity: each fold is its own condition in the rule


@dataclass(frozen=True)
class Prepared:
    """One cluster as the ranker sees it in the pipeline."""

    cluster: object  # mdsum.evaluation.loaders.Cluster
    sentences: tuple
    matrix: np.ndarray
    groups: tuple


# -- prepare -------------------------------------------------------------------------------------------------


def prepare(data: Path, cache: Path) -> None:
    from mdsum.evaluation.loaders import load_benchmark
    from mdsum.pipeline import Pipeline
    from mdsum.types import Embeddings

    cache.mkdir(parents=True, exist_ok=True)
    comps = Pipeline.from_config(None).components
    for name, rel, _ in DATASETS:
        target = cache / f"{name}.pkl"
        if target.is_file():
            print(f"{name}: cached at {target}")
            continue
        start = time.perf_counter()
        out = []
        for cluster in load_benchmark(str(data / rel)):
            sents = tuple(s for d in cluster.documents for s in comps["segmenter"].segment(d))
            matrix = comps["embedder"].embed([s.text for s in sents])
            groups = tuple(comps["grouper"].group(sents, Embeddings(tuple(s.id for s in sents), matrix)))
            out.append(Prepared(cluster, sents, matrix, groups))
        target.write_bytes(pickle.dumps(out))
        n = sum(len(p.sentences) for p in out)
        print(f"{name}: {len(out)} clusters, {n} sentences, {time.perf_counter() - start:.0f} s -> {target}")


def load_cache(cache: Path) -> dict[str, list[Prepared]]:
    return {name: pickle.loads((cache / f"{name}.pkl").read_bytes()) for name, _, _ in DATASETS}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--cache", type=Path, required=True)
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if args.cmd == "prepare":
        prepare(args.data, args.cache)


if __name__ == "__main__":
    main()
