"""Tune the salience ranker across every dev set at once, against TF-IDF MMR and LEAD in the same harness.

    python scripts/tune_ranker.py prepare --data ../shared/data --cache /work/cache
    python scripts/tune_ranker.py grid    --cache /work/cache [--out grid.json]
    python scripts/tune_ranker.py grid2   --cache /work/cache [--out grid2.json]   # round 2 (min_fill, lead_bonus)
    python scripts/tune_ranker.py grid3   --cache /work/cache [--out grid3.json]   # round 3 (unigram_weight)
    python scripts/tune_ranker.py grid4   --cache /work/cache [--out grid4.json]   # submodular ranker
    python scripts/tune_ranker.py grid5   --cache /work/cache [--out grid5.json]   # learned concept weights
    python scripts/tune_ranker.py final   --cache /work/cache --setting '{"concepts": "bigram", ...}' [--checker]

``prepare`` runs the default pipeline's own chain up to the claim groups once per cluster
(``Pipeline.prepare`` + ``Pipeline.group_story``: what ``mdsum summarize`` / ``mdsum evaluate`` feed the ranker)
and pickles it under ``--cache`` (never in the repo: the data is research-only). ``grid`` scores every setting
of the protocol in docs/benchmarks.md with the rest of the same chain (``Pipeline.summarize_grouped``: rank,
fuse, budget; attribution and verification off unless ``--checker``), then the harness' budget cut and ROUGE as
``mdsum evaluate``, and applies the rule fixed there:
the winner maximises the worst condition's R1 gain over TF-IDF MMR. ``final`` prints the per-set table for one
setting, the old ranker, MMR and LEAD with bootstrap CIs and paired-bootstrap p-values.
"""

from __future__ import annotations

import argparse
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
    grouped: object  # mdsum.types.GroupedStory

    @property
    def sentences(self) -> tuple:
        return self.grouped.sentences


# -- prepare -------------------------------------------------------------------------------------------------


def prepare(data: Path, cache: Path) -> None:
    from mdsum.evaluation.loaders import load_benchmark
    from mdsum.pipeline import Pipeline
    from mdsum.types import Story

    cache.mkdir(parents=True, exist_ok=True)
    from mdsum.config import parse_config

    # A ranker that reads vectors, so every cached story holds its eligible sentences' vectors for the rankers
    # compared on it (the groups do not depend on the ranker).
    pipeline = Pipeline.from_config(parse_config({"ranker": {"name": "mdsum.mmr_ranker.v1"}}, origin="tune_ranker"))
    for name, rel, _ in DATASETS:
        target = cache / f"{name}.pkl"
        if target.is_file():
            print(f"{name}: cached at {target}")
            continue
        start = time.perf_counter()
        out = []
        for cluster in load_benchmark(str(data / rel)):
            corpus = pipeline.prepare(cluster.documents, cluster=False)
            story = Story(cluster.id, tuple(d.id for d in corpus.documents))
            out.append(Prepared(cluster, pipeline.group_story(story, corpus.documents, corpus)))
        target.write_bytes(pickle.dumps(out))
        n = sum(len(p.sentences) for p in out)
        print(f"{name}: {len(out)} clusters, {n} sentences, {time.perf_counter() - start:.0f} s -> {target}")


def load_cache(cache: Path) -> dict[str, list[Prepared]]:
    return {name: pickle.loads((cache / f"{name}.pkl").read_bytes()) for name, _, _ in DATASETS}


# -- systems -------------------------------------------------------------------------------------------------


def grid() -> list[dict]:
    """The 24 settings of the protocol in docs/benchmarks.md, in a fixed order."""
    out = []
    for concepts in ("unigram", "bigram"):
        for share in (0.0, 0.3):
            base = {"concepts": concepts, "min_doc_share": share}
            out.append({**base, "prior": "none", "prior_weight": 0.0, "selection": "ilp"})
            out += [{**base, "prior": prior, "prior_weight": w, "selection": "ilp"}
                    for prior in ("position", "centroid") for w in (0.5, 1.0)]
            out.append({**base, "prior": "none", "prior_weight": 0.0, "selection": "greedy"})
    return out


def grid2() -> list[dict]:
    """Round 2 (docs/benchmarks.md): round 1's winner × prior_weight × lead_bonus × min_fill, in a fixed order."""
    base = {"concepts": "bigram", "min_doc_share": 0.3, "prior": "position", "selection": "ilp"}
    return [{**base, "prior_weight": w, "lead_bonus": lead, "min_fill": fill}
            for w in (0.5, 1.0) for lead in (0.0, 1.0) for fill in (0.0, 0.97)]


def grid3() -> list[dict]:
    """Round 3 (docs/benchmarks.md): unigram_weight × lead_bonus × prior_weight, min_fill 0, in a fixed order."""
    base = {"concepts": "bigram", "min_doc_share": 0.3, "prior": "position", "selection": "ilp", "min_fill": 0.0}
    return [{**base, "prior_weight": w, "lead_bonus": lead, "unigram_weight": u}
            for w in (0.5, 1.0) for lead in (0.0, 0.5, 1.0) for u in (0.0, 0.25, 0.5)]


def grid4() -> list[dict]:
    """A second ranker family (docs/benchmarks.md): today's default, and Lin & Bilmes (2011) at its published
    DUC-04 parameters (S1) and without the diversity term (S2)."""
    default = {"concepts": "bigram", "min_doc_share": 0.3, "prior": "position", "prior_weight": 0.5,
               "selection": "ilp"}
    sub = {"name": "mdsum.submodular_ranker.v1", "alpha_a": 5.0, "cluster_share": 0.2, "r": 0.3}
    return [default, {**sub, "lambda_": 6.0}, {**sub, "lambda_": 0.0}]


def grid5() -> list[dict]:
    """Round 5 (docs/benchmarks.md): today's default, and learned concept weights on the concepts past today's
    document threshold (L1) or on every concept (L2)."""
    default = {"concepts": "bigram", "min_doc_share": 0.3, "prior": "position", "prior_weight": 0.5,
               "selection": "ilp"}
    return [default, {**default, "weights": "learned"}, {**default, "weights": "learned", "min_doc_share": 0.0}]


def setting_name(s: dict) -> str:
    if s.get("name") == "mdsum.submodular_ranker.v1":
        return f"submodular-a{s['alpha_a']:g}-lambda{s['lambda_']:g}-k{s['cluster_share']:g}-r{s['r']:g}"
    prior = "none" if s["prior"] == "none" else f"{s['prior']}{s['prior_weight']:g}"
    name = f"{s['selection']}-{s['concepts']}-df{s['min_doc_share']:g}-{prior}"
    name += "-learned" if s.get("weights") == "learned" else ""
    return name + "".join(f"-{key}{s[key]:g}" for key in ("lead_bonus", "min_fill", "unigram_weight")
                         if key in s)


class Chain:
    """The pipeline's own chain after grouping, with one ranker setting and budget (config overrides only)."""

    def __init__(self, with_checker: bool = False) -> None:
        # Without the checker every citation stands: the overlap scorer at threshold 0, no corroboration.
        self.overrides = {} if with_checker else {
            "attributor": {"enabled": False}, "verifier": {"scorer": "mdsum.overlap_scorer.v1", "threshold": 0.0}}
        self._pipelines: dict[str, object] = {}

    def lines(self, ranker: dict, prep: Prepared, budget: int) -> list[str]:
        from mdsum.config import load_config
        from mdsum.evaluation.baselines import take_budget
        from mdsum.pipeline import Pipeline

        key = json.dumps([ranker, budget], sort_keys=True)
        if key not in self._pipelines:
            cfg = load_config().with_overrides({**self.overrides, "ranker": ranker, "budget": {"max_words": budget}})
            self._pipelines[key] = Pipeline(cfg)
        summary = self._pipelines[key].summarize_grouped(prep.grouped)
        return take_budget([s.text for s in summary.sentences], budget)


def baseline_lines(name: str, prep: Prepared, budget: int) -> list[str]:
    from mdsum.evaluation.baselines import extract, lead_order, mmr_order

    sents = list(prep.sentences)
    order = lead_order(sents) if name == "lead" else mmr_order(sents, budget)
    return [s.text for s in extract(prep.cluster.id, prep.cluster.documents, sents, order, budget).sentences]


def make_ranker(name: str, setting: dict | None, budget: int) -> dict:
    """The ranker's config section: the 0.1 default (``old``) or a concept-ranker setting."""
    if name == "old":
        return {"name": "mdsum.mmr_ranker.v1"}
    return {"name": "mdsum.concept_ranker.v1", **(setting or {})}  # a setting may name another ranker


def score(lines: list[str], prep: Prepared, budget: int) -> tuple[float, float, int]:
    """(R1 F, R2 F) ×100, mean over references, as ``mdsum evaluate``'s RougeMetric; and words used."""
    from mdsum.evaluation.metrics.core.rouge import rouge

    text = "\n".join(lines)
    out = rouge(text, list(prep.cluster.references), rouge_types=("rouge1", "rouge2"), max_words=budget)
    return 100 * out["rouge1_f_mean"], 100 * out["rouge2_f_mean"], min(budget, len(text.split()))


def run_system(system: str, data: dict[str, list[Prepared]], chain: Chain | None,
               setting: dict | None = None) -> dict[str, list[tuple[float, float, int]]]:
    """Per (dataset@budget) the per-cluster (R1, R2, words)."""
    out = {}
    for name, _, budgets in DATASETS:
        for budget in budgets:
            if system in ("mmr", "lead"):
                rows = [score(baseline_lines(system, p, budget), p, budget) for p in data[name]]
            else:
                ranker = make_ranker(system, setting, budget)
                rows = [score(chain.lines(ranker, p, budget), p, budget) for p in data[name]]
            out[f"{name}@{budget}"] = rows
    return out


def conditions(per_cluster: dict[str, list]) -> dict[str, list]:
    """The rule's 8 conditions: Multi-News split into its 2 folds (line parity)."""
    out = {}
    for key, rows in per_cluster.items():
        if key.startswith("multinews"):
            for f in range(FOLDS):
                out[f"{key}/fold{f}"] = rows[f::FOLDS]
        else:
            out[key] = rows
    return out


def run_grid(cache: Path, out: Path, settings: list[dict]) -> None:
    data = load_cache(cache)
    results = json.loads(out.read_text()) if out.is_file() else {}
    chain = Chain()
    jobs = [("mmr", None), ("lead", None), ("old", None)] + [(setting_name(s), s) for s in settings]
    for name, setting in jobs:
        if name in results:
            continue
        start = time.perf_counter()
        system = name if setting is None else "concept"
        results[name] = {"setting": setting, "scores": run_system(system, data, chain, setting)}
        out.write_text(json.dumps(results))
        print(f"{name}: {time.perf_counter() - start:.0f} s", flush=True)
    pick(results)


def pick(results: dict) -> str:
    """Apply the rule: max over settings of the worst condition's R1 gain over MMR; ties → mean R2 gain."""
    base = conditions(results["mmr"]["scores"])

    def gains(name: str) -> tuple[dict[str, float], dict[str, float]]:
        cond = conditions(results[name]["scores"])
        r1 = {k: np.mean([r[0] for r in v]) - np.mean([r[0] for r in base[k]]) for k, v in cond.items()}
        r2 = {k: np.mean([r[1] for r in v]) - np.mean([r[1] for r in base[k]]) for k, v in cond.items()}
        return r1, r2

    keys = list(base)
    print("setting | " + " | ".join(keys) + " | worst dR1 | mean dR2")
    table = {}
    for name in results:
        if name == "mmr":
            continue
        r1, r2 = gains(name)
        table[name] = (min(r1.values()), float(np.mean(list(r2.values()))))
        words = " ".join(f"{100 * np.mean([r[2] for r in v]) / int(k.split('@')[1].split('/')[0]):.0f}%"
                         for k, v in conditions(results[name]["scores"]).items())
        print(f"{name} | " + " | ".join(f"{r1[k]:+.2f}/{r2[k]:+.2f}" for k in keys)
              + f" | {table[name][0]:+.2f} | {table[name][1]:+.2f} | words {words}")
    candidates = {n: v for n, v in table.items() if results[n]["setting"] is not None}
    best_worst = max(v[0] for v in candidates.values())
    tied = [n for n, v in candidates.items() if v[0] >= best_worst - 0.05]
    winner = max(tied, key=lambda n: (candidates[n][1], candidates[n][0]))
    print(f"winner: {winner} {json.dumps(results[winner]['setting'])} worst dR1 {table[winner][0]:+.2f} "
          f"(old ranker {table['old'][0]:+.2f}); becomes default: {table[winner][0] > table['old'][0]}")
    return winner


# -- final table ----------------------------------------------------------------------------------------------


def paired(diffs: list[float], n_resamples: int = 1000, seed: int = 0) -> tuple[float, float, float, float]:
    """(mean, low, high, one-sided p): bootstrap CI of the mean paired difference, p = share of resampled means ≤ 0.

    Resamples exactly as ``bootstrap_ci`` (same generator, same draws), so the p-value and the CI agree."""
    from mdsum.evaluation.metrics.stats import bootstrap_ci

    mean, low, high = bootstrap_ci(diffs, n_resamples=n_resamples, seed=seed)
    x = np.asarray(diffs, dtype=np.float64)
    means = x[np.random.default_rng(seed).integers(0, len(x), size=(n_resamples, len(x)))].mean(axis=1)
    return mean, low, high, float((means <= 0).mean())


def final(cache: Path, setting: dict, out: Path, with_checker: bool) -> None:
    from mdsum.evaluation.metrics.stats import bootstrap_ci

    data = load_cache(cache)
    systems = {"mmr": ("mmr", None, None), "lead": ("lead", None, None), "old": ("old", None, Chain()),
               "concept": ("concept", setting, Chain())}
    if with_checker:
        systems["concept+checker"] = ("concept", setting, Chain(with_checker=True))
        systems["old+checker"] = ("old", None, Chain(with_checker=True))
    results = json.loads(out.read_text()) if out.is_file() else {}
    for label, (system, s, chain) in systems.items():
        if label not in results:
            start = time.perf_counter()
            results[label] = run_system(system, data, chain, s)
            out.write_text(json.dumps(results))
            print(f"{label}: {time.perf_counter() - start:.0f} s", flush=True)
    print("| set @ budget | system | R-1 [95% CI] | R-2 [95% CI] | ΔR-1 vs MMR [CI], p | ΔR-2 vs MMR [CI] | words |")
    print("|---|---|---|---|---|---|---|")
    for key in results["mmr"]:
        budget = int(key.split("@")[1])
        base = results["mmr"][key]
        for label in results:
            rows = results[label][key]
            r1, r2 = bootstrap_ci([r[0] for r in rows]), bootstrap_ci([r[1] for r in rows])
            words = np.mean([r[2] for r in rows])
            cell = (f"| {key} | {label} | {r1[0]:.2f} [{r1[1]:.1f}, {r1[2]:.1f}] | "
                    f"{r2[0]:.2f} [{r2[1]:.1f}, {r2[2]:.1f}] |")
            if label == "mmr":
                print(cell + f" | | {words:.1f} ({100 * words / budget:.1f} %) |")
                continue
            d1 = paired([a[0] - b[0] for a, b in zip(rows, base)])
            d2 = paired([a[1] - b[1] for a, b in zip(rows, base)])
            print(cell + f" {d1[0]:+.2f} [{d1[1]:+.1f}, {d1[2]:+.1f}], p={d1[3]:.3f} | "
                  f"{d2[0]:+.2f} [{d2[1]:+.1f}, {d2[2]:+.1f}] | {words:.1f} ({100 * words / budget:.1f} %) |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--cache", type=Path, required=True)
    g = sub.add_parser("grid")
    g.add_argument("--cache", type=Path, required=True)
    g.add_argument("--out", type=Path, help="results JSON (resumes); default <cache>/grid.json")
    for n in (2, 3, 4, 5):
        g = sub.add_parser(f"grid{n}")
        g.add_argument("--cache", type=Path, required=True)
        g.add_argument("--out", type=Path, help=f"results JSON (resumes); default <cache>/grid{n}.json")
    f = sub.add_parser("final")
    f.add_argument("--cache", type=Path, required=True)
    f.add_argument("--setting", type=json.loads, required=True, help="ConceptRanker arguments as JSON")
    f.add_argument("--out", type=Path, help="results JSON (resumes); default <cache>/final.json")
    f.add_argument("--checker", action="store_true", help="also run the chain with the default checker")
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if args.cmd == "prepare":
        prepare(args.data, args.cache)
    elif args.cmd == "grid":
        run_grid(args.cache, args.out or args.cache / "grid.json", grid())
    elif args.cmd in ("grid2", "grid3", "grid4", "grid5"):
        settings = {"grid2": grid2, "grid3": grid3, "grid4": grid4, "grid5": grid5}[args.cmd]()
        run_grid(args.cache, args.out or args.cache / f"{args.cmd}.json", settings)
    else:
        final(args.cache, args.setting, args.out or args.cache / "final.json", args.checker)


if __name__ == "__main__":
    main()
