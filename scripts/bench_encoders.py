"""Benchmark the encoder runtimes: the embedder and the checker on torch and on ONNX Runtime.

    OMP_NUM_THREADS=2 python scripts/bench_encoders.py [--folder seeds] [--folder examples/multiling2011_en]
        [--limit 2000] [--repeat 3]

Reads the folders with the pipeline's own reader and segmenter, embeds every sentence and scores each sentence
against the next with both runtimes (the model loaded first; best of --repeat), and prints texts or pairs per
second, the speed-up, the largest difference between the two runtimes' outputs and, for the checker, how many
verdicts flip at the shipped threshold. An ONNX load exports the model first when $MDSUM_CACHE/onnx lacks it (part of
its "load s").
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def sentences(folders: list[str], limit: int) -> list[str]:
    from mdsum.pipeline import Pipeline

    pipe = Pipeline.from_config(None)
    out: list[str] = []
    for folder in folders:
        docs, _ = pipe.reader.read(Path(folder))
        out += [s.text for s in pipe.prepare(docs, cluster=False).sentences]
    return out[:limit]


def best(fn, repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return min(times), value


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folder", action="append", default=[])
    ap.add_argument("--limit", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from mdsum.embed import SentenceTransformerEmbedder
    from mdsum.nli import NLIScorer

    texts = sentences(args.folder or ["seeds", "examples/multiling2011_en"], args.limit)
    premises, hypotheses = texts[:-1], texts[1:]
    threshold = 0.4833  # the verifier's default (docs/checker.md)
    print(f"{len(texts)} sentences, {len(premises)} pairs\n")
    print("| encoder | runtime | load s | texts or pairs / s | speed-up | max abs diff | verdict flips |")
    print("|---|---|---|---|---|---|---|")
    for name, make, verb, items in (
            ("embedder (MiniLM)", SentenceTransformerEmbedder, "embed", (texts,)),
            ("checker (mdsum-checker)", NLIScorer, "score", (premises, hypotheses))):
        rows = {}
        for runtime in ("torch", "onnx"):
            comp = make(device="cpu", runtime=runtime)
            t = time.perf_counter()
            comp.load()
            load_s = time.perf_counter() - t
            secs, out = best(lambda c=comp: getattr(c, verb)(*items), args.repeat)
            rows[runtime] = (load_s, len(items[0]) / secs, np.asarray(out))
        diff = float(np.abs(rows["onnx"][2] - rows["torch"][2]).max())
        flips = "" if verb == "embed" else str(int(((rows["onnx"][2] >= threshold)
                                                    != (rows["torch"][2] >= threshold)).sum()))
        for runtime, (load_s, rate, _) in rows.items():
            up = f"{rate / rows['torch'][1]:.2f}x" if runtime == "onnx" else ""
            print(f"| {name} | {runtime} | {load_s:.1f} | {rate:.0f} | {up} | "
                  f"{f'{diff:.1e}' if up else ''} | {flips if up else ''} |")


if __name__ == "__main__":
    main()
