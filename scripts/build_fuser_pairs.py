"""Build the fusion generator's training pairs (mdsum/fusion_pairs.py) from NeuS train.

    PYTHONPATH=. python scripts/build_fuser_pairs.py --data ../shared/data/neus/train.jsonl --out .work/fusion

Writes ``pairs.jsonl`` (one ``{"kind", "cluster", "members": [[outlet, sentence], ...], "target"}`` per line,
shuffled with the seed) and prints the count of each kind. NeuS is research-internal: the pairs stay in the
git-ignored .work/; only the adapter trained on them ships.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mdsum.fusion_pairs import build_pairs, kind_counts  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, action="append", help="cluster JSON Lines (repeatable)")
    ap.add_argument("--out", type=Path, default=Path(".work/fusion"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-synthetic", action="store_true", help="reference pairs only")
    args = ap.parse_args(argv)
    paths = args.data or [Path("../shared/data/neus/train.jsonl")]
    clusters = [json.loads(line) for p in paths for line in p.read_text(encoding="utf-8").splitlines() if line]
    pairs = build_pairs(clusters, seed=args.seed, synthetic=not args.no_synthetic)
    random.Random(args.seed).shuffle(pairs)
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "pairs.jsonl", "w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p.to_json(), ensure_ascii=False) + "\n")
    counts = kind_counts(pairs)
    print(f"{len(clusters)} clusters -> {len(pairs)} pairs: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
