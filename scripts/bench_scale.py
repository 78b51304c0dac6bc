"""Scale benchmark of story clustering: for growing prefixes of a large folder built from ../shared, wall time
per stage, peak RSS, stories, B-cubed F1, and the fitted exponents of cluster time and total time vs N.

The folder: NeuS/AllSides (9,176 snippets, 3,066 stories) + MultiLing 2011 English (100 articles, 10 topics),
gold stories shuffled with ``--seed`` and concatenated, so every prefix holds whole stories. Each size runs in
its own process (so peak RSS is that size's): read (JSONL → Documents), segment (configured segmenter), embed
(headlines as ``title_id`` + the sentences ``reads_sentences`` names, by the configured ``cluster_embedder`` or
``--cluster-embedder NAME`` with its defaults), cluster (the configured clusterer, or ``--clusterer NAME`` with its
defaults). Embeddings are cached per text in ``--cache`` (sizes run ascending, so each embeds only the texts the
smaller ones did not: the "new texts" column; run twice for cluster-only timings); ``--cold`` embeds every text
of every size (no cache: the real embedding cost, and peak RSS with the model loaded). The load average is
printed with the table. Exponents: least-squares slope of log(cluster s), and of log(total s) (read + segment
+ embed + cluster), on log(N) over sizes >= 1000.

    PYTHONPATH=. OMP_NUM_THREADS=2 python3 scripts/bench_scale.py [--data /work/shared/data/news_clustering]
        [--sizes 500,1000,2000,4700,9276] [--clusterer mdsum.graph_clusterer.v1]
        [--cluster-embedder mdsum.static_embedder.v1] [--cold]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from mdsum.evaluation.clustering import bcubed
from mdsum.types import Document, Embeddings, title_id

DEFAULT_SIZES = "500,1000,2000,4700,9276"
ROOT = Path(__file__).resolve().parents[1]  # the child imports this checkout's mdsum


def big_folder(data: Path, seed: int) -> tuple[list[dict], list[str]]:
    """Rows of the large folder in story-shuffled order, with their gold story ids."""
    rows = [json.loads(line) for line in (data / "neus_allsides/all.jsonl").open(encoding="utf-8")]
    rows += [r for r in map(json.loads, (data / "multiling2011/test.jsonl").open(encoding="utf-8"))
             if r["lang"] == "en"]
    by_story: dict[str, list[dict]] = {}
    for r in rows:
        by_story.setdefault(r["cluster_id"], []).append(r)
    order = sorted(by_story)
    random.Random(seed).shuffle(order)
    out = [r for s in order for r in by_story[s]]
    return out, [r["cluster_id"] for r in out]


def run_one(args: argparse.Namespace) -> dict:
    from mdsum.config import ComponentSpec, build, load_config
    from mdsum.pipeline import Pipeline

    config = load_config(args.config)
    pipeline = Pipeline.from_config(config)
    comps = {slot: getattr(pipeline, slot) for slot, _ in config.components}
    if args.clusterer:
        comps["clusterer"] = build("clusterer", ComponentSpec(args.clusterer, ()))
    if args.cluster_embedder:
        comps["cluster_embedder"] = build("cluster_embedder", ComponentSpec(args.cluster_embedder, ()))
    t = {}
    t0 = time.perf_counter()
    rows, gold = big_folder(args.data, args.seed)
    rows, gold = rows[:args.one], gold[:args.one]
    docs = [Document(id=r["id"], text=r["text"], title=r.get("title") or None, date=r.get("date")) for r in rows]
    t["read s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    sentences = [s for d in docs for s in comps["segmenter"].segment(d)]
    t["segment s"] = time.perf_counter() - t0
    lead_sents = comps["clusterer"].reads_sentences(docs, sentences)
    ids = [s.id for s in lead_sents] + [title_id(d.id) for d in docs if d.title]
    texts = [s.text for s in lead_sents] + [d.title for d in docs if d.title]
    t0 = time.perf_counter()
    if args.cold:
        matrix, new = comps["cluster_embedder"].embed(texts), len(texts)
    else:
        matrix, new = cached_embed(texts, comps["cluster_embedder"], args.cache)
    t["embed s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    stories = comps["clusterer"].cluster(docs, lead_sents, Embeddings(ids=tuple(ids), matrix=matrix))
    t["cluster s"] = time.perf_counter() - t0
    t["total s"] = sum(t.values())
    story_of = {d: s.id for s in stories for d in s.doc_ids}
    p, r, f = bcubed(gold, [story_of[d.id] for d in docs])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"N": len(docs), "gold": len(set(gold)), "stories": len(stories), **t, "texts": len(texts),
            "new texts": new, "peak RSS MB": peak_mb, "B3 P": p, "B3 R": r, "B3 F1": f}


def cached_embed(texts: list[str], embedder, cache: Path) -> tuple[np.ndarray, int]:  # noqa: ANN001
    """Vectors for ``texts``; those already in ``cache`` (one .npy per text hash, under a model-named folder)
    are loaded, the rest embedded in one call and stored. Returns (matrix, number embedded)."""
    folder = cache / str(getattr(embedder, "model", "embedder")).replace("/", "_")
    folder.mkdir(parents=True, exist_ok=True)
    keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
    store = folder / "vectors.npz"
    known: dict[str, np.ndarray] = {}
    if store.exists():
        with np.load(store) as z:
            known = dict(zip(z["keys"].tolist(), z["vectors"]))
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in known}.items())
    if missing:
        vecs = embedder.embed([t for _, t in missing])
        known.update({k: v for (k, _), v in zip(missing, vecs)})
        np.savez(store, keys=np.array(list(known)), vectors=np.vstack(list(known.values())))
    return np.vstack([known[k] for k in keys]) if keys else np.zeros((0, 1), np.float32), len(missing)


def exponent(rows: list[dict], key: str = "cluster s", min_n: int = 1000) -> float | None:
    pts = [(r["N"], r[key]) for r in rows if r["N"] >= min_n and r[key] > 0]
    if len(pts) < 2:
        return None
    x, y = np.log([p[0] for p in pts]), np.log([p[1] for p in pts])
    return float(np.polyfit(x, y, 1)[0])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data/news_clustering"))
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated prefix sizes (documents)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--config", type=Path, default=None)
    ap.add_argument("--clusterer", default=None, help="registered clusterer name (its defaults)")
    ap.add_argument("--cluster-embedder", default=None, help="registered embedder name (its defaults)")
    ap.add_argument("--cache", type=Path, default=Path(".work/bench_scale"))
    ap.add_argument("--cold", action="store_true", help="no vector cache: embed every text of every size")
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)  # child: one size, JSON out
    args = ap.parse_args(argv)
    if not (args.data / "neus_allsides/all.jsonl").is_file():
        print(f"--data {args.data}: no neus_allsides/all.jsonl there; pass ../shared/data/news_clustering",
              file=sys.stderr)
        return 2
    if args.one is not None:
        print(json.dumps(run_one(args)))
        return 0
    rows = []
    for n in sorted(int(x) for x in args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--one", str(n), "--data", str(args.data), "--seed", str(args.seed),
               "--cache", str(args.cache)]
        cmd += ["--config", str(args.config)] if args.config else []
        cmd += ["--clusterer", args.clusterer] if args.clusterer else []
        cmd += ["--cluster-embedder", args.cluster_embedder] if args.cluster_embedder else []
        cmd += ["--cold"] if args.cold else []
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        done = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if done.returncode != 0:  # the child's own error, not a CalledProcessError about it
            print(f"N={n} failed (exit {done.returncode}):\n{done.stderr.strip()[-2000:]}", file=sys.stderr)
            return 1
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"done N={rows[-1]['N']}", file=sys.stderr)
    keys = list(rows[0])
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min) at the end")
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for r in rows:
        print("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) and k.startswith("B3") else
                                f"{v:.1f}" if isinstance(v, float) else str(v) for k, v in r.items()) + " |")
    for key in ("cluster s", "total s"):
        e = exponent(rows, key)
        print(f"fitted exponent of {key} vs N (N >= 1000): {e:.2f}" if e is not None else
              "exponent: needs two sizes >= 1000")
    return 0


if __name__ == "__main__":
    sys.exit(main())
