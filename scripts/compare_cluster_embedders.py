"""Clustering quality of one or more configs on the small sets of the static-embedder rule (docs/clustering.md):
MultiLing 2011 English, five NeuS folders of 20 stories (seeds 0-4), one of 100 stories, and the mixed
seeds + MultiLing folder. Each run goes through ``Pipeline.prepare`` as ``mdsum summarize`` does. Prints one
markdown row of B³ F1 per config (and ARI on MultiLing / mixed), and the seconds each config took.

    PYTHONPATH=. python scripts/compare_cluster_embedders.py minilm=configs/default.yaml \\
        static=my_static.yaml [--data /work/shared/data/news_clustering]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEUS_SEEDS = (0, 1, 2, 3, 4)


def english_multiling(data: Path, dest: Path) -> Path:
    rows = [line for line in (data / "multiling2011/test.jsonl").open(encoding="utf-8")
            if json.loads(line)["lang"] == "en"]
    dest.write_text("".join(rows), encoding="utf-8")
    return dest


def scores(config_path: str, data: Path, tmp: Path) -> dict[str, float]:
    sys.path.insert(0, str(ROOT / "scripts"))
    from eval_mixed_clustering import evaluate, mixed_folder

    from mdsum.config import load_config
    from mdsum.evaluation.clustering_run import evaluate_clustering
    from mdsum.pipeline import Pipeline

    config = load_config(config_path)
    neus = data / "neus_allsides/all.jsonl"
    out: dict[str, float] = {}
    r = evaluate_clustering(english_multiling(data, tmp / "multiling_en.jsonl"), config)
    out["multiling F1"], out["multiling ARI"] = r.scores["bcubed_f1"], r.scores["ari"]
    for seed in NEUS_SEEDS:
        out[f"neus-20 s{seed}"] = evaluate_clustering(neus, config, limit=20, seed=seed).scores["bcubed_f1"]
    out["neus-100"] = evaluate_clustering(neus, config, limit=100, seed=0).scores["bcubed_f1"]
    folder = tmp / "mixed"
    folder.mkdir()
    mixed_folder(ROOT / "examples/brackenford", ROOT / "examples/multiling2011_en", folder)
    row = evaluate(folder, Pipeline.from_config(config))
    out["mixed F1"], out["mixed ARI"] = row["B3 F1"], row["ARI"]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("configs", nargs="+", help="LABEL=CONFIG.yaml")
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data/news_clustering"))
    args = ap.parse_args(argv)
    rows = []
    for spec in args.configs:
        label, _, path = spec.partition("=")
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="mdsum-cmp-") as tmp:
            row = scores(path, args.data, Path(tmp))
        rows.append((label, row, time.perf_counter() - t0))
        print(f"done {label}: {json.dumps(row)}", file=sys.stderr, flush=True)
    keys = list(rows[0][1])
    print("| config | " + " | ".join(keys) + " | s |")
    print("|---|" + "---|" * (len(keys) + 1))
    for label, row, secs in rows:
        print(f"| {label} | " + " | ".join(f"{row[k]:.3f}" for k in keys) + f" | {secs:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
