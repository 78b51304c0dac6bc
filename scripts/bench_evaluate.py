"""Time `mdsum evaluate` on N Multi-News clusters: summarising vs. each metric, end to end.

    python3 scripts/bench_evaluate.py [--data FILE] [--n 50] [--system mdsum] [--config YAML]

Target (issue 3): 50 clusters with the extractive default in <= 3 min on a 2-core machine. Model loading is
counted in the total (a cold run is what a user waits for). Prints a table; nothing is kept on disk.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[1] / "../shared/data/multinews/test_longbench200.jsonl"


class Timed:
    """Wraps a metric and adds up the seconds it spends."""

    def __init__(self, metric) -> None:  # noqa: ANN001
        self.metric, self.name, self.seconds = metric, metric.name, 0.0

    def score(self, item):  # noqa: ANN001,ANN201
        start = time.perf_counter()
        try:
            return self.metric.score(item)
        finally:
            self.seconds += time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DEFAULT_DATA.resolve()))
    ap.add_argument("--n", type=int, default=50, help="clusters (seeded sample; all 200 when >= 200)")
    ap.add_argument("--system", default="mdsum")
    ap.add_argument("--config", default=None)
    args = ap.parse_args()

    t0 = time.perf_counter()
    from mdsum.config import build
    from mdsum.evaluation.adapters import build_metrics
    from mdsum.evaluation.baselines import Baseline
    from mdsum.evaluation.loaders import load_benchmark
    from mdsum.evaluation.runner import evaluate_system, pipeline_system

    clusters = load_benchmark(args.data, limit=args.n)
    summarize, segment, pipeline = pipeline_system(args.config)
    if args.system != "mdsum":
        summarize, segment = Baseline(args.system).summarize, None
    embedder = pipeline.embedder
    # the scorer `mdsum evaluate` uses by default: the config's checker scorer (the shipped NLI checker)
    scorer = build("scorer", pipeline.verifier.scorer_spec)
    metrics = [Timed(m) for m in build_metrics(scorer=scorer, embed=lambda t: embedder.embed(list(t)))]
    t_setup = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        rep = evaluate_system(clusters, summarize, metrics, Path(tmp), system=args.system, segment=segment)
        t_run = time.perf_counter() - start
    t_summarize = sum(i.seconds for i in rep.items)
    t_metrics = sum(m.seconds for m in metrics)
    rows = [("imports + data + setup", t_setup), (f"summarise ({args.system})", t_summarize)]
    rows += [(f"metric {m.name}", m.seconds) for m in metrics]
    rows += [("segment sources, write files, report", t_run - t_summarize - t_metrics),
             ("total", t_setup + t_run)]
    print(f"{len(rep.items)} clusters ({len(rep.failed)} failed), system {args.system}")
    print(f"{'stage':<40}{'seconds':>9}{'s/cluster':>11}")
    for name, sec in rows:
        print(f"{name:<40}{sec:>9.1f}{sec / max(len(rep.items), 1):>11.2f}")
    r1, r2 = rep.get("rouge1_f_mean"), rep.get("rouge2_f_mean")
    print(f"ROUGE-1/2 F (x100): {100 * r1.mean:.2f} / {100 * r2.mean:.2f}")


if __name__ == "__main__":
    main()
