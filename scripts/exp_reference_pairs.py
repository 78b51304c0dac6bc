"""Experiment (session 3): reference-summary pairs only, for a short fine-tune of the shipped checker.

    python3 scripts/exp_reference_pairs.py --shared ../shared/data --mix .work/checker/data --out .work/exp/data
    python3 scripts/train_checker.py --data .work/exp/data --base mdsum-checker --out .work/exp/ft1 \
        --epochs 1 --lr 2e-5

NeuS *train* reference-sentence pairs (``mdsum.checker.data.reference_pairs``; its ``--ref-copies`` adds them to the
full mix instead, session 4).
The new pairs are used twice, plus a replay sample of the shipped mix. Result: docs/checker.md §4.3.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mdsum.checker import data as b  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path("../shared/data"))
    ap.add_argument("--mix", type=Path, default=Path(".work/checker/data"), help="build_checker_data.py output")
    ap.add_argument("--out", type=Path, default=Path(".work/exp/data"))
    ap.add_argument("--extrinsic", type=int, default=900, help="keep this many extrinsic negatives (balance)")
    ap.add_argument("--replay", type=int, default=30000, help="pairs sampled from the shipped mix")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    clusters = list(b.read_jsonl(args.shared / "neus" / "train.jsonl"))
    new = [p.__dict__ for p in b.select_reference(clusters, args.seed, 2, args.extrinsic)]
    with gzip.open(args.mix / "train.jsonl.gz", "rt", encoding="utf-8") as f:
        old = [json.loads(line) for line in f]
    mix = new * 2 + random.Random(0).sample(old, args.replay)
    random.Random(1).shuffle(mix)
    args.out.mkdir(parents=True, exist_ok=True)
    with gzip.open(args.out / "train.jsonl.gz", "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(p, ensure_ascii=False) + "\n" for p in mix)
    shutil.copy(args.mix / "dev.jsonl.gz", args.out / "dev.jsonl.gz")
    print(Counter((p["kind"], p["label"]) for p in new), f"train {len(mix)} -> {args.out}")


if __name__ == "__main__":
    main()
